package org.odomo.trip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.events.VehicleEventLog;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.support.EventConsumers;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.node.ObjectNode;

/** A trip in progress when the platform stops goes on after it starts again. */
class TripRestartTests {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        // as arguments: application.yml overrides the builder's default properties
        return new SpringApplicationBuilder(OdomoApplication.class)
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off");
    }

    private static void send(ConfigurableApplicationContext app, ObjectNode message) {
        assertThat(app.getBean(IngestGateway.class).submit(TestVehicles.bytes(message)).join())
                .isEqualTo(IngestOutcome.STORED);
    }

    @Test
    void aTripSpanningARestartIsOneTrip() {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(7200);
        String vin;
        List<ObjectNode> messages;
        String id;
        try (ConfigurableApplicationContext first = start()) {
            RegisteredVehicle v = TestVehicles.register(first.getBean(VehicleRegistry.class), "P-E208",
                    PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
            vin = v.vehicle().vin();
            messages = TripMessages.drive(vin, v.credential(), "m", t0, 10, "Electric");
            for (int i = 0; i <= 5; i++) {
                if (i != 3) {
                    send(first, messages.get(i));
                }
            }
            EventConsumers.awaitCaughtUp(first.getBean(VehicleEventLog.class));
            List<Trip> running = first.getBean(TripQueries.class).trips(vin, null, null, 0, 10);
            assertThat(running).hasSize(1);
            assertThat(running.get(0).done()).isFalse();
            id = running.get(0).id();
        }
        try (ConfigurableApplicationContext second = start()) {
            for (int i = 6; i < messages.size(); i++) {
                send(second, messages.get(i));
            }
            send(second, messages.get(3)); // held up somewhere, delivered after the restart
            EventConsumers.awaitCaughtUp(second.getBean(VehicleEventLog.class));
            TripQueries trips = second.getBean(TripQueries.class);
            List<Trip> list = trips.trips(vin, null, null, 0, 10);
            assertThat(list).hasSize(1);
            Trip t = list.get(0);
            assertThat(t.id()).isEqualTo(id);
            assertThat(t.done()).isTrue();
            assertThat(t.faults()).isEmpty();
            assertThat(t.startedAt()).isEqualTo(t0);
            assertThat(t.duration()).isEqualTo(330);
            assertThat(t.distance()).isEqualTo(2.75);
            assertThat(t.kinetic()).isEqualTo(new Trip.Kinetic(30.0, 40.0));
            assertThat(t.energyConsumptions()).containsExactly(
                    new Trip.EnergyConsumption("Electric", "ElectricEnergy", 0.529, 19240.0));
            assertThat(trips.waypointCount(vin, t.id())).isEqualTo(12);
        }
    }
}
