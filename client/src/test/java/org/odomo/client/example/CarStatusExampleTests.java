package org.odomo.client.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.odomo.client.OdomoClient;
import org.odomo.client.PageRequest;
import org.odomo.client.Realm;
import org.odomo.client.Scopes;
import org.odomo.client.Status;
import org.odomo.client.Trip;
import org.odomo.client.UserSession;
import org.odomo.client.Vehicle;
import org.odomo.client.support.BrowserLogin;
import org.odomo.client.support.RunningPlatform;

/**
 * The README's example app against the demo: the operator registers it with the loopback redirect
 * URI of the README, its {@code main} prints the authorization address, the demo driver logs in
 * and allows it, the browser lands on the example's listener, and the example prints the car's
 * status and last trip.
 */
@ExtendWith(RunningPlatform.class)
class CarStatusExampleTests {

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    void theExamplePrintsTheCarsStatusAndLastTripAfterTheDriverAllowsIt() throws Exception {
        RunningPlatform.Instance platform = RunningPlatform.instance();
        RunningPlatform.App app = RunningPlatform.register("car-status-example",
                List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP), "standard");
        // the app's own view of the driver's e-208, to name the car and check what the example prints
        OdomoClient odomo = OdomoClient.builder().baseUri(platform.baseUri()).realm(Realm.PEUGEOT)
                .clientId(app.clientId()).clientSecret(app.clientSecret()).build();

        UserSession reference = odomo.session(enrollment(odomo));
        Vehicle car = reference.vehicles().stream().filter(v -> "Electric".equals(v.motorization())).findFirst()
                .orElseThrow();

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        CompletableFuture<Void> example;
        try {
            example = CompletableFuture.runAsync(() -> CarStatusExample.main(new String[] {
                "--base-uri=" + platform.baseUri(), "--realm=clientsB2CPeugeot", "--client-id=" + app.clientId(),
                "--client-secret=" + app.clientSecret(), "--vin=" + car.vin(),
                // the registered http://127.0.0.1:9999/callback on a free port: loopback URIs take any
                "--redirect-uri=http://127.0.0.1:0/callback"}));
            URI authorization = await("the example to print the authorization address").atMost(Duration.ofSeconds(20))
                    .until(() -> authorizationLine(printed), Optional::isPresent).orElseThrow();
            assertThat(BrowserLogin.scopes(authorization)).containsExactlyInAnyOrder(Scopes.TELEMETRY,
                    Scopes.POSITION, Scopes.TRIP);
            BrowserLogin browser = new BrowserLogin();
            URI back = browser.allow(authorization, "driver@peugeot.example", RunningPlatform.DEMO_PASSWORD);
            assertThat(back.getHost()).isEqualTo("127.0.0.1");
            assertThat(browser.follow(back).body()).contains("Authorized");
            example.get(30, TimeUnit.SECONDS);
        } finally {
            System.setOut(console);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        console.println(output);

        Status status = reference.status(car.id());
        List<String> lines = output.lines().toList();
        assertThat(lines.get(0)).isEqualTo("Open this address in a browser, log in and allow the app:");
        assertThat(lines.get(1)).startsWith(platform.baseUri() + "/am/oauth2/authorize?");
        assertThat(lines.get(2)).isEqualTo("Enrolled: driver@peugeot.example");
        assertThat(lines.get(3)).isEqualTo("Car: " + car.vin() + " (" + car.motorization() + ")");
        List<String> energies = lines.stream().filter(l -> l.startsWith("Energy ")).toList();
        assertThat(energies).hasSize(status.energies().size());
        for (int i = 0; i < energies.size(); i++) {
            assertThat(energies.get(i)).matches("Energy " + status.energies().get(i).type()
                    + ": \\d+\\.\\d %, range \\d+ km(, charging \\w+)?");
        }
        assertThat(lines).anyMatch(l -> l.matches("Mileage: \\d+\\.\\d km"));
        assertThat(lines).anyMatch(l -> l.matches("Position: -?\\d+\\.\\d{5}, -?\\d+\\.\\d{5} at \\S+Z"));
        String lastTrip = lines.get(lines.size() - 1);
        List<Trip> newest = reference.trips(car.id(), PageRequest.ofSize(2)).items();
        if (newest.isEmpty()) {
            assertThat(lastTrip).isEqualTo("Last trip: none yet");
        } else {
            // the newest trip then, or the one before it if the live car set off in between
            assertThat(newest).anySatisfy(trip -> assertThat(lastTrip).startsWith(
                    "Last trip: " + trip.id() + ", started " + trip.startedAt() + ", "));
            assertThat(lastTrip).matches("Last trip: .*, (in progress|stopped \\S+Z), \\d+\\.\\d km, to .*");
        }
    }

    /** The app's own enrollment of the driver, to compare with what the example printed. */
    private static org.odomo.client.Tokens enrollment(OdomoClient odomo) {
        try (org.odomo.client.LoopbackCallback callback = org.odomo.client.LoopbackCallback.start(0, "/callback")) {
            var request = odomo.authorizationRequest(List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP),
                    callback.redirectUri());
            BrowserLogin browser = new BrowserLogin();
            browser.follow(browser.allow(request.uri(), "driver@peugeot.example", RunningPlatform.DEMO_PASSWORD));
            return odomo.exchange(request, callback.await(Duration.ofSeconds(10)));
        }
    }

    private static Optional<URI> authorizationLine(ByteArrayOutputStream printed) {
        return printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("/am/oauth2/authorize?"))
                .findFirst().map(URI::create);
    }
}
