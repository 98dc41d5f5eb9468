package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.node.ObjectNode;

@SpringBootTest(properties = "odomo.retention.batch-size=7")
@ActiveProfiles("test")
class RetentionTests {

    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleHistory history;
    @Autowired
    HistoryRetention retention;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void purgesHistoryOlderThanTwoMonthsInBatchesAndKeepsTheRest() {
        RegisteredVehicle v = TestVehicles.register(registry, "P-308", PrivacyMode.DATA_AND_LOCATION,
                ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant old = now.minus(Duration.ofDays(70));
        for (int i = 0; i < 20; i++) {
            gateway.submit(TestVehicles.bytes(TestVehicles.telemetry(vin, v.credential(), "old" + i,
                    old.plusSeconds(i * 60L), 2.3, 48.8, 50, 100 + i))).join();
        }
        for (int i = 0; i < 5; i++) {
            gateway.submit(TestVehicles.bytes(TestVehicles.telemetry(vin, v.credential(), "new" + i,
                    now.minusSeconds(600 - i * 60L), 2.3, 48.8, 50, 200 + i))).join();
        }
        ObjectNode raised = TestVehicles.envelope(vin, v.credential(), "al", old, MessageType.EVENT);
        raised.putObject("event").put("name", "alertRaised").putObject("alert").put("type", "OilLevelLow")
                .put("severity", "Warning");
        gateway.submit(TestVehicles.bytes(raised)).join();
        // The old messages were received now; age them as if received 70 days ago.
        jdbc.update("UPDATE vehicle_message SET received_at = measured_at WHERE vin = ?", vin);
        jdbc.update("UPDATE alert SET updated_at = ? WHERE vin = ?", old.atOffset(java.time.ZoneOffset.UTC), vin);

        var removed = retention.purge();

        assertThat(removed.get("vehicle_message")).isGreaterThanOrEqualTo(21);
        assertThat(history.messageCount(vin)).isEqualTo(5);
        assertThat(history.positions(vin, Instant.EPOCH, now.plusSeconds(60), 100)).hasSize(5);
        assertThat(history.maintenance(vin)).hasSize(5);
        // Still active: kept whatever its age.
        assertThat(history.alerts(vin)).hasSize(1);
        // The current state is not history.
        assertThat(history.current(vin)).isPresent();
    }
}
