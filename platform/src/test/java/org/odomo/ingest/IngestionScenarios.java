package org.odomo.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.ingest.TestVehicles.*;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleState;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ingestion chain end to end: what lands in state and history, and what is filtered, ignored
 * or rejected. Run on the embedded database ({@link IngestionTests}) and on PostgreSQL
 * ({@link PostgresIngestionTests}), which must behave alike.
 */
abstract class IngestionScenarios {

    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleHistory history;
    @Autowired
    MeterRegistry meters;

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));

    private IngestOutcome send(ObjectNode message) {
        return gateway.submit(bytes(message)).join();
    }

    @Test
    void telemetryLandsInStateAndHistory() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();

        assertThat(send(telemetry(vin, v.credential(), "m1", t0, 2.35, 48.85, 80, 1000))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(telemetry(vin, v.credential(), "m2", t0.plusSeconds(60), 2.36, 48.86, 79.5, 1001.2)))
                .isEqualTo(IngestOutcome.STORED);

        VehicleState state = history.current(vin).orElseThrow();
        assertThat(state.part("odometer").orElseThrow().path("mileage").doubleValue()).isEqualTo(1001.2);
        assertThat(state.part("energy.Electric").orElseThrow().path("level").doubleValue()).isEqualTo(79.5);
        assertThat(state.createdAt("position")).contains(t0.plusSeconds(60));
        assertThat(history.messageCount(vin)).isEqualTo(2);
        assertThat(history.positions(vin, t0, t0.plusSeconds(3600), 10)).hasSize(2);
        assertThat(history.maintenance(vin)).hasSize(2);
    }

    @Test
    void olderMeasurementNeverOverwritesNewerButIsKeptInHistory() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        send(telemetry(vin, v.credential(), "late", t0.plusSeconds(120), 2.40, 48.90, 70, 1200));
        assertThat(send(telemetry(vin, v.credential(), "early", t0, 2.30, 48.80, 90, 1100)))
                .isEqualTo(IngestOutcome.STORED);

        VehicleState state = history.current(vin).orElseThrow();
        assertThat(state.part("odometer").orElseThrow().path("mileage").doubleValue()).isEqualTo(1200);
        assertThat(state.createdAt("odometer")).contains(t0.plusSeconds(120));
        assertThat(history.messageCount(vin)).isEqualTo(2);
        assertThat(history.positions(vin, t0, t0.plusSeconds(3600), 10)).extracting(p -> p.messageId())
                .containsExactly("early", "late");
    }

    @Test
    void duplicateIsANoOp() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        ObjectNode m = telemetry(vin, v.credential(), "dup", t0, 2.35, 48.85, 80, 1000);
        assertThat(send(m)).isEqualTo(IngestOutcome.STORED);
        long version = history.current(vin).orElseThrow().version();

        // Same id, even with other content: a re-delivery changes nothing.
        ObjectNode again = telemetry(vin, v.credential(), "dup", t0.plusSeconds(5), 9.0, 45.0, 10, 2000);
        assertThat(send(again)).isEqualTo(IngestOutcome.DUPLICATE);
        assertThat(history.current(vin).orElseThrow().version()).isEqualTo(version);
        assertThat(history.messageCount(vin)).isEqualTo(1);
        assertThat(history.positions(vin, t0.minusSeconds(1), t0.plusSeconds(60), 10)).hasSize(1);
    }

    @Test
    void malformedMessagesAreRejectedWholeAndCounted() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        double before = meters.counter("odomo.ingest.messages", "outcome", "malformed").count();

        ObjectNode badEnum = telemetry(vin, v.credential(), "bad1", t0, 2.35, 48.85, 80, 1000);
        ((ObjectNode) badEnum.get("data")).putObject("ignition").put("type", "Sideways");
        ObjectNode badLatitude = telemetry(vin, v.credential(), "bad2", t0, 2.35, 148.85, 80, 1000);
        ObjectNode noVersion = telemetry(vin, v.credential(), "bad3", t0, 2.35, 48.85, 80, 1000);
        noVersion.remove("v");

        assertThat(send(badEnum)).isEqualTo(IngestOutcome.MALFORMED);
        assertThat(send(badLatitude)).isEqualTo(IngestOutcome.MALFORMED);
        assertThat(send(noVersion)).isEqualTo(IngestOutcome.MALFORMED);
        assertThat(gateway.submit("{not json".getBytes()).join()).isEqualTo(IngestOutcome.MALFORMED);
        assertThat(gateway.submit(new byte[0]).join()).isEqualTo(IngestOutcome.MALFORMED);

        assertThat(history.current(vin)).isEmpty();
        assertThat(history.messageCount(vin)).isZero();
        assertThat(meters.counter("odomo.ingest.messages", "outcome", "malformed").count()).isEqualTo(before + 5);

        // The consumer keeps going.
        assertThat(send(telemetry(vin, v.credential(), "ok", t0, 2.35, 48.85, 80, 1000))).isEqualTo(IngestOutcome.STORED);
    }

    @Test
    void wrongCredentialUnknownVinAndForeignTopicAreRejected() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        RegisteredVehicle other = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();

        assertThat(send(telemetry(vin, other.credential(), "x1", t0, 2.35, 48.85, 80, 1000)))
                .isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(send(telemetry(newVin(), v.credential(), "x2", t0, 2.35, 48.85, 80, 1000)))
                .isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(gateway.submit(bytes(telemetry(vin, v.credential(), "x3", t0, 2.35, 48.85, 80, 1000)),
                other.vehicle().vin()).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(history.messageCount(vin)).isZero();
    }

    @Test
    void withoutCredentialOnlyATransportThatProvedTheVehicleGetsAMessageIn() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        RegisteredVehicle other = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        ObjectNode bare = telemetry(vin, null, "n1", t0, 2.35, 48.85, 80, 1000);
        bare.remove("credential");

        // In-process, or a broker that does not confine its clients: the credential is required.
        assertThat(gateway.submit(bytes(bare)).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(gateway.submit(bytes(bare), vin).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        // The transport proved another vehicle, or a vehicle that is not registered.
        assertThat(gateway.submit(bytes(bare), other.vehicle().vin(), true).join())
                .isEqualTo(IngestOutcome.UNAUTHENTICATED);
        String unknown = newVin();
        ObjectNode bareUnknown = telemetry(unknown, null, "n2", t0, 2.35, 48.85, 80, 1000);
        bareUnknown.remove("credential");
        assertThat(gateway.submit(bytes(bareUnknown), unknown, true).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        // A credential carried anyway is still checked.
        assertThat(gateway.submit(bytes(telemetry(vin, other.credential(), "n3", t0, 2.35, 48.85, 80, 1000)), vin,
                true).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(history.messageCount(vin)).isZero();

        assertThat(gateway.submit(bytes(bare), vin, true).join()).isEqualTo(IngestOutcome.STORED);
        assertThat(gateway.submit(bytes(telemetry(vin, v.credential(), "n4", t0.plusSeconds(1), 2.35, 48.85, 80,
                1000)), vin, true).join()).isEqualTo(IngestOutcome.STORED);
        assertThat(history.messageCount(vin)).isEqualTo(2);
        assertThat(history.messageCount(unknown)).isZero();
    }

    @Test
    void servicesAndPrivacyDecideWhatIsStored() {
        RegisteredVehicle maintenanceOnly = register(registry, "P-308", PrivacyMode.DATA_AND_LOCATION,
                ConnectedService.TMTS);
        String vin = maintenanceOnly.vehicle().vin();
        assertThat(send(telemetry(vin, maintenanceOnly.credential(), "t1", t0, 2.35, 48.85, 60, 500)))
                .isEqualTo(IngestOutcome.STORED);
        VehicleState state = history.current(vin).orElseThrow();
        assertThat(state.parts().propertyNames()).containsExactly("maintenance");
        assertThat(history.positions(vin, t0.minusSeconds(1), t0.plusSeconds(1), 10)).isEmpty();

        RegisteredVehicle dataMode = register(registry, "P-E208", PrivacyMode.DATA, ConnectedService.PARTNER);
        String vin2 = dataMode.vehicle().vin();
        send(telemetry(vin2, dataMode.credential(), "d1", t0, 2.35, 48.85, 60, 500));
        assertThat(history.current(vin2).orElseThrow().parts().propertyNames())
                .contains("odometer", "energy.Electric").doesNotContain("position");
        assertThat(history.positions(vin2, t0.minusSeconds(1), t0.plusSeconds(1), 10)).isEmpty();

        RegisteredVehicle plane = register(registry, "P-E208", PrivacyMode.PLANE, ConnectedService.PARTNER);
        assertThat(send(telemetry(plane.vehicle().vin(), plane.credential(), "p1", t0, 2.35, 48.85, 60, 500)))
                .isEqualTo(IngestOutcome.FILTERED);
        assertThat(history.current(plane.vehicle().vin())).isEmpty();
    }

    @Test
    void privacyReportedByTheCarAppliesToItsOwnMessageAndUpdatesTheRegistry() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        ObjectNode m = telemetry(vin, v.credential(), "pm", t0, 2.35, 48.85, 60, 500);
        ((ObjectNode) m.get("data")).putObject("privacy").put("state", "Geolocation");
        assertThat(send(m)).isEqualTo(IngestOutcome.STORED);

        assertThat(history.current(vin).orElseThrow().parts().propertyNames()).contains("privacy")
                .doesNotContain("position");
        assertThat(registry.find(vin).orElseThrow().privacyMode()).isEqualTo(PrivacyMode.DATA);
    }

    @Test
    void alertsOpenAndCloseWithTheirPositions() {
        RegisteredVehicle v = register(registry, "P-308", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        send(telemetry(vin, v.credential(), "a0", t0, 2.35, 48.85, 60, 500));

        ObjectNode raised = envelope(vin, v.credential(), "a1", t0.plusSeconds(10), MessageType.EVENT);
        raised.putObject("event").put("name", "alertRaised").putObject("alert").put("type", "FuelLevelLow")
                .put("severity", "Warning");
        ObjectNode raisedAgain = raised.deepCopy().put("id", "a2");
        ObjectNode cleared = envelope(vin, v.credential(), "a3", t0.plusSeconds(600), MessageType.EVENT);
        cleared.putObject("event").put("name", "alertCleared").putObject("alert").put("type", "FuelLevelLow");
        cleared.putObject("data").putObject("position").putArray("coordinates").add(2.5).add(48.9);

        assertThat(List.of(send(raised), send(raisedAgain), send(cleared))).containsOnly(IngestOutcome.STORED);

        List<VehicleHistory.AlertRecord> alerts = history.alerts(vin);
        assertThat(alerts).hasSize(1);
        VehicleHistory.AlertRecord alert = alerts.get(0);
        assertThat(alert.active()).isFalse();
        assertThat(alert.startLongitude()).isEqualTo(2.35);
        assertThat(alert.endLongitude()).isEqualTo(2.5);
        assertThat(alert.endAt()).isEqualTo(t0.plusSeconds(600));
    }

    @Test
    void collisionsAreRecordedWithoutPositionInDataMode() {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        ObjectNode collision = envelope(vin, v.credential(), "c1", t0, MessageType.EVENT);
        ObjectNode c = collision.putObject("event").put("name", "collision").putObject("collision");
        c.putArray("details").addObject().put("side", "Front").put("severity", "Minor");
        c.put("tippedOver", false);
        collision.putObject("data").putObject("position").putArray("coordinates").add(2.35).add(48.85);

        assertThat(send(collision)).isEqualTo(IngestOutcome.STORED);
        VehicleHistory.CollisionRecord stored = history.collisions(vin).get(0);
        assertThat(stored.details()).contains("Front");
        assertThat(stored.longitude()).isNull();
    }
}
