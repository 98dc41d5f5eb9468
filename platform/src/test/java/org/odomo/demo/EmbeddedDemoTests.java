package org.odomo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.account.AccountManagement;
import org.odomo.state.VehicleHistory;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The embedded default as the README starts it: demo profile, file database, simulated fleet.
 * Messages from the simulated cars land, the documented accounts and special vehicles exist, and
 * a restart resumes the same fleet without seeding it again.
 */
class EmbeddedDemoTests {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OdomoApplication.class).profiles("demo")
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off",
                        "--odomo.simulator.vehicles=24", "--odomo.simulator.time-factor=600",
                        "--odomo.operator.password=demo-test-operator");
    }

    private static long stored(ConfigurableApplicationContext context) {
        return context.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM vehicle_message", Long.class);
    }

    private static void waitFor(ConfigurableApplicationContext context, long atLeast) {
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(context) >= atLeast);
    }

    @Test
    void demoFleetRunsAndResumesAfterARestart() throws Exception {
        List<String> vins;
        long before;
        try (ConfigurableApplicationContext first = start()) {
            waitFor(first, 40);
            before = stored(first);
            assertThat(before).isGreaterThanOrEqualTo(40);
            AccountManagement accounts = first.getBean(AccountManagement.class);
            VehicleRegistry registry = first.getBean(VehicleRegistry.class);
            for (Brand brand : Brand.values()) {
                var driver = accounts.authenticate(brand, DemoFleet.driverEmail(brand), "odomo-demo");
                assertThat(driver).as(brand.realm()).isPresent();
                assertThat(registry.ownedBy(driver.get().id())).hasSizeGreaterThanOrEqualTo(2);
            }
            List<Vehicle> peugeot = registry.ownedBy(
                    accounts.findByEmail(Brand.PEUGEOT, DemoFleet.driverEmail(Brand.PEUGEOT)).orElseThrow().id());
            assertThat(peugeot).anyMatch(v -> v.services().equals(java.util.Set.of(ConnectedService.TMTS)));
            assertThat(peugeot).anyMatch(v -> v.privacyMode() == PrivacyMode.DATA);
            assertThat(peugeot).anyMatch(v -> v.privacyMode() == PrivacyMode.PLANE);
            assertThat(registry.count()).isEqualTo(24);
            vins = registry.allVins();
            // Unowned cars for the sign-up, with their activation codes written down.
            List<String> codes = Files.readAllLines(dataDir.resolve("demo/activation-codes.txt"));
            assertThat(codes).hasSize(5).allMatch(l -> l.matches("clientsB2C\\w+ [A-Z0-9]{17} [A-Z0-9]{5}-[A-Z0-9]{5}"));
            // Simulated cars in plane mode never reveal anything but their privacy state.
            Vehicle plane = peugeot.stream().filter(v -> v.privacyMode() == PrivacyMode.PLANE).findFirst().orElseThrow();
            VehicleHistory history = first.getBean(VehicleHistory.class);
            var state = await().atMost(Duration.ofSeconds(60)).until(() -> history.current(plane.vin()),
                    java.util.Optional::isPresent).orElseThrow();
            assertThat(state.parts().propertyNames()).containsOnly("privacy");
        }
        assertThat(Files.exists(dataDir.resolve("simulator/fleet.json"))).isTrue();
        try (ConfigurableApplicationContext second = start()) {
            VehicleRegistry registry = second.getBean(VehicleRegistry.class);
            assertThat(registry.allVins()).containsExactlyElementsOf(vins);
            assertThat(stored(second)).isGreaterThanOrEqualTo(before);
            waitFor(second, before + 20);
            assertThat(stored(second)).as("the resumed fleet keeps sending").isGreaterThanOrEqualTo(before + 20);
            long rejected = (long) second.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .counter("odomo.ingest.messages", "outcome", "unauthenticated").count();
            assertThat(rejected).as("restored cars still hold valid credentials").isZero();
        }
    }
}
