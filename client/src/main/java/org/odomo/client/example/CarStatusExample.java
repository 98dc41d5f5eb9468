package org.odomo.client.example;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.odomo.client.AuthorizationRequest;
import org.odomo.client.Energy;
import org.odomo.client.LoopbackCallback;
import org.odomo.client.OdomoClient;
import org.odomo.client.PageRequest;
import org.odomo.client.Position;
import org.odomo.client.Scopes;
import org.odomo.client.Status;
import org.odomo.client.Trip;
import org.odomo.client.UserSession;
import org.odomo.client.Vehicle;

/**
 * A small app: enrolls a user (it prints the authorization address and receives the code on a
 * loopback redirect), then prints one of their cars' status and its last trip.
 *
 * <p>Settings, as {@code --name=value} arguments or environment variables: {@code --base-uri}
 * ({@code ODOMO_URL}, default {@code http://localhost:8080}), {@code --realm}
 * ({@code ODOMO_REALM}, default {@code clientsB2CPeugeot}), {@code --client-id}
 * ({@code CLIENT_ID}), {@code --client-secret} ({@code CLIENT_SECRET}), {@code --redirect-uri}
 * ({@code REDIRECT_URI}, default {@code http://127.0.0.1:9999/callback}: a loopback URI the app
 * registered; the example listens on it), {@code --vin} ({@code VIN}, default the first car).
 */
public final class CarStatusExample {

    private CarStatusExample() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = settings(args);
        OdomoClient odomo = OdomoClient.builder()
                .baseUri(settings.getOrDefault("base-uri", "http://localhost:8080"))
                .realm(settings.getOrDefault("realm", "clientsB2CPeugeot"))
                .clientId(required(settings, "client-id"))
                .clientSecret(required(settings, "client-secret"))
                .locale("en-GB")
                .build();
        URI redirect = URI.create(settings.getOrDefault("redirect-uri", "http://127.0.0.1:9999/callback"));
        run(odomo, redirect, Optional.ofNullable(settings.get("vin")), System.out);
    }

    static void run(OdomoClient odomo, URI redirect, Optional<String> vin, PrintStream out) {
        UserSession user;
        try (LoopbackCallback callback = LoopbackCallback.start(redirect.getPort(), redirect.getPath())) {
            AuthorizationRequest request = odomo.authorizationRequest(
                    List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP), callback.redirectUri());
            out.println("Open this address in a browser, log in and allow the app:");
            out.println(request.uri());
            user = odomo.session(odomo.exchange(request, callback.await(Duration.ofMinutes(5))));
        }
        out.println("Enrolled: " + user.user().email());

        Vehicle car = user.vehicles().stream().filter(v -> vin.isEmpty() || vin.get().equals(v.vin())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no such car among the user's"));
        out.println("Car: " + car.vin() + " (" + Optional.ofNullable(car.motorization()).orElse("?") + ")");

        Status status = user.status(car.id());
        for (Energy energy : status.energies()) {
            out.println("Energy " + energy.type() + ": " + number(energy.level(), "%") + ", range "
                    + (energy.autonomy() == null ? "not shown" : energy.autonomy() + " km")
                    + (energy.charging() == null ? "" : ", charging " + energy.charging().status()));
        }
        out.println("Mileage: " + number(status.mileage(), "km"));
        out.println("Position: " + position(status.lastPosition()));

        List<Trip> last = user.trips(car.id(), PageRequest.ofSize(1)).items();
        if (last.isEmpty()) {
            out.println("Last trip: none yet");
        } else {
            Trip trip = last.get(0);
            out.println("Last trip: " + trip.id() + ", started " + trip.startedAt()
                    + (trip.stoppedAt() == null ? ", in progress" : ", stopped " + trip.stoppedAt()) + ", "
                    + number(trip.distance(), "km") + ", to " + position(trip.stopPosition()));
        }
    }

    private static String number(Double value, String unit) {
        return value == null ? "not shown" : String.format(Locale.ROOT, "%.1f %s", value, unit);
    }

    private static String position(Position position) {
        return position == null ? "not shown"
                : String.format(Locale.ROOT, "%.5f, %.5f", position.latitude(), position.longitude())
                        + (position.createdAt() == null ? "" : " at " + position.createdAt());
    }

    private static Map<String, String> settings(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> env = System.getenv();
        Map.of("base-uri", "ODOMO_URL", "realm", "ODOMO_REALM", "client-id", "CLIENT_ID", "client-secret",
                "CLIENT_SECRET", "redirect-uri", "REDIRECT_URI", "vin", "VIN").forEach((name, variable) -> {
                    if (env.get(variable) != null && !env.get(variable).isBlank()) {
                        settings.put(name, env.get(variable));
                    }
                });
        for (String arg : args) {
            if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
                throw new IllegalArgumentException("arguments look like --name=value, not " + arg);
            }
            settings.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return settings;
    }

    private static String required(Map<String, String> settings, String name) {
        String value = settings.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required (or its environment variable)");
        }
        return value;
    }
}
