package org.odomo.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.ingest.TestVehicles.*;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.ActiveProfiles;

/** What ingestion publishes for the features that react to vehicle data. */
@SpringBootTest
@ActiveProfiles("test")
class IngestionEventsTests {

    /** Collects what the pipeline publishes (on its worker threads). */
    @TestConfiguration
    static class Published {
        final List<VehicleMessageAccepted> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(VehicleMessageAccepted event) {
            events.add(event);
        }
    }

    @Autowired
    Published published;
    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;

    @Test
    void storedMessagesArePublishedOnceWithTheChangedParts() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        assertThat(gateway.submit(bytes(telemetry(vin, v.credential(), "m1", t0, 2.35, 48.85, 80, 1000))).join())
                .isEqualTo(IngestOutcome.STORED);
        assertThat(gateway.submit(bytes(telemetry(vin, v.credential(), "m2", t0.plusSeconds(60), 2.36, 48.86, 79.5,
                1001.2))).join()).isEqualTo(IngestOutcome.STORED);
        assertThat(gateway.submit(bytes(telemetry(vin, v.credential(), "m2", t0.plusSeconds(60), 2.36, 48.86, 79.5,
                1001.2))).join()).isEqualTo(IngestOutcome.DUPLICATE);

        List<VehicleMessageAccepted> mine = published.events.stream().filter(e -> e.message().vin().equals(vin))
                .toList();
        assertThat(mine).extracting(e -> e.message().id()).containsExactly("m1", "m2");
        assertThat(mine.get(1).changedParts()).contains("position", "odometer", "energy.Electric");
        assertThat(mine.get(1).uploadable()).isNotEmpty();
    }
}
