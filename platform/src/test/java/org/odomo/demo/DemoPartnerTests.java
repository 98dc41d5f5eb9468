package org.odomo.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.apps.Certificates;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.Membership;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.tls.HttpsConnector;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo's fleet owner: registered with every scope, its key and certificate written where the
 * banner's curl line looks for them and accepted by the HTTPS connector, two fleets of the demo
 * fleet accounts' cars; a restart reuses all of it.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoPartnerTests {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OdomoApplication.class).profiles("demo")
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--odomo.tls.port=0",
                        "--spring.main.banner-mode=off", "--odomo.simulator.vehicles=40",
                        "--odomo.simulator.time-factor=60", "--odomo.demo.backfill=P0D",
                        "--odomo.operator.password=demo-test-operator");
    }

    private record Seen(Partner partner, List<String> fleetIds, String key, String certificate, String ca,
            java.security.cert.Certificate served) {
    }

    private Seen check(ConfigurableApplicationContext context) throws Exception {
        PartnerRegistry partners = context.getBean(PartnerRegistry.class);
        Partner partner = partners.findByLogin("demo-fleet-owner").orElseThrow();
        assertThat(partner.clientId()).isEqualTo(DemoPartner.CLIENT_ID);
        Set<String> everyScope = new java.util.HashSet<>(Scopes.ALL);
        everyScope.addAll(Scopes.FLEET_ONLY);
        assertThat(partner.contract()).isEqualTo(everyScope);
        assertThat(partner.active()).isTrue();

        Path demo = dataDir.resolve("demo");
        String keyPem = Files.readString(demo.resolve("partner-key.pem"));
        String certificatePem = Files.readString(demo.resolve("partner-cert.pem"));
        String caPem = Files.readString(demo.resolve("ca.pem"));
        assertThat(caPem).isEqualTo(context.getBean(PlatformCertificateAuthority.class).certificatePem());
        assertThat(Certificates.serialHex(Certificates.parse(certificatePem))).isEqualTo(partner.certificateSerial());

        FleetDirectory fleets = context.getBean(FleetDirectory.class);
        VehicleRegistry vehicles = context.getBean(VehicleRegistry.class);
        List<Fleet> own = fleets.ofPartner(partner.id());
        assertThat(own).hasSize(2);
        for (Fleet fleet : own) {
            List<Membership> members = fleets.members(fleet.id(), null, null, 100);
            assertThat(members).as(fleet.name()).isNotEmpty().hasSizeLessThanOrEqualTo(DemoPartner.CARS_PER_FLEET);
            for (Membership member : members) {
                Vehicle car = vehicles.find(member.vin()).orElseThrow();
                // a fleet account's car: not one of the demo drivers', nor one left for the sign-up
                assertThat(car.ownerId()).isNotNull();
                assertThat(car.vin()).isNotIn(driversAndUnowned(context));
            }
        }

        // What the banner's curl line does: the files on disk get the partner into the fleet API over HTTPS.
        KeyPair key;
        try (PEMParser parser = new PEMParser(new StringReader(keyPem))) {
            key = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) parser.readObject());
        }
        int tlsPort = context.getBean(HttpsConnector.class).port(Duration.ofMinutes(2));
        B2bClient client = B2bClient.https(tlsPort,
                new B2bPartners.Credentials(partner, "odomo-demo", key, certificatePem), caPem);
        HttpResponse<String> answer = client.get("/fleets");
        assertThat(answer.headers().firstValue("X-RateLimit-Limit-1")).as(answer.body()).isPresent();
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 404);
        return new Seen(partner, own.stream().map(Fleet::id).toList(), keyPem, certificatePem, caPem,
                answer.sslSession().orElseThrow().getPeerCertificates()[0]);
    }

    private static Set<String> driversAndUnowned(ConfigurableApplicationContext context) {
        DemoFleet plan = new DemoFleet(42, 40);
        return plan.cars.stream().filter(c -> c.ownerEmail() == null || c.ownerEmail().startsWith("driver@"))
                .map(DemoFleet.Car::vin).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void theDemoFleetOwnerIsSetUpOnceAndReusedAfterARestart(CapturedOutput output) throws Exception {
        Seen first;
        try (ConfigurableApplicationContext context = start()) {
            first = check(context);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> output.getOut().contains("Odomo demo ready"));
            int tlsPort = context.getBean(HttpsConnector.class).port(Duration.ofSeconds(5));
            assertThat(output.getOut()).contains("curl --cert " + dataDir.resolve("demo/partner-cert.pem")
                    + " --key " + dataDir.resolve("demo/partner-key.pem") + " --cacert " + dataDir.resolve("demo/ca.pem")
                    + " -u demo-fleet-owner:odomo-demo \"https://localhost:" + tlsPort
                    + "/connectedcar/v3/fleets?client_id=" + DemoPartner.CLIENT_ID + "\"");
            for (String fleetId : first.fleetIds()) {
                assertThat(output.getOut()).contains("fleet " + fleetId);
            }
        }
        try (ConfigurableApplicationContext context = start()) {
            Seen again = check(context);
            assertThat(again.partner().id()).isEqualTo(first.partner().id());
            assertThat(again.partner().certificateSerial()).isEqualTo(first.partner().certificateSerial());
            assertThat(again.fleetIds()).isEqualTo(first.fleetIds());
            assertThat(again.key()).isEqualTo(first.key());
            assertThat(again.certificate()).isEqualTo(first.certificate());
            assertThat(again.ca()).isEqualTo(first.ca());
            // the HTTPS port's own certificate is kept in the database: the same after a restart
            assertThat(again.served()).isEqualTo(first.served());
        }
    }
}
