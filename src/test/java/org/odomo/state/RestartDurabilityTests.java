package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The embedded default keeps everything it acknowledged across a restart. */
class RestartDurabilityTests {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        // as arguments: application.yml overrides the builder's default properties
        return new SpringApplicationBuilder(OdomoApplication.class)
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off");
    }

    @Test
    void acknowledgedMessagesSurviveARestart() {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        String vin;
        try (ConfigurableApplicationContext first = start()) {
            RegisteredVehicle v = TestVehicles.register(first.getBean(VehicleRegistry.class), "P-E208",
                    PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
            vin = v.vehicle().vin();
            IngestGateway gateway = first.getBean(IngestGateway.class);
            List<CompletableFuture<IngestOutcome>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                acks.add(gateway.submit(TestVehicles.bytes(TestVehicles.telemetry(vin, v.credential(), "r" + i,
                        t0.plusSeconds(i * 30L), 2.35 + i * 0.001, 48.85, 90 - i * 0.1, 1000 + i))));
            }
            acks.forEach(a -> assertThat(a.join()).isEqualTo(IngestOutcome.STORED));
        }
        try (ConfigurableApplicationContext second = start()) {
            VehicleHistory history = second.getBean(VehicleHistory.class);
            assertThat(history.messageCount(vin)).isEqualTo(300);
            assertThat(history.positions(vin, t0, t0.plusSeconds(86_400), 1000)).hasSize(300);
            VehicleState state = history.current(vin).orElseThrow();
            assertThat(state.part("odometer").orElseThrow().path("mileage").intValue()).isEqualTo(1299);
            assertThat(second.getBean(VehicleRegistry.class).find(vin)).isPresent();
        }
    }
}
