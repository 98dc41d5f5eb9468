package org.odomo.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleMessage;
import org.odomo.state.IncomingMessage;
import org.odomo.state.StoredChange;
import org.odomo.state.StoredChange.AlertChange;
import org.odomo.vehicle.DataCategory;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What the derivation stage makes of one stored message, from the state before and after it. */
class EventDerivationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VIN = "VR3UHZKXZNT000001";
    private static final Instant AT = Instant.parse("2026-11-02T08:00:00Z");
    private static final Instant RECEIVED = AT.plusSeconds(2);
    private static final Set<DataCategory> UPLOADABLE = Set.of(DataCategory.POSITION, DataCategory.TRIP);

    private static ObjectNode json(String text) {
        return (ObjectNode) JSON.readTree(text);
    }

    private static StoredChange change(MessageType type, ObjectNode data, ObjectNode event, ObjectNode before,
            ObjectNode after, Set<String> changed, boolean older, AlertChange alert) {
        VehicleMessage m = new VehicleMessage(1, VIN, "m1", AT, type, null, data, event, null, null);
        return new StoredChange(0, new IncomingMessage(m, "{}", RECEIVED, true), before, after, changed, older, alert);
    }

    private static ObjectNode electric(String status, Instant at) {
        return json("{\"type\":\"Electric\",\"level\":64.5,\"extension\":{\"electric\":{\"charging\":{\"status\":\""
                + status + "\"}}},\"createdAt\":\"" + at + "\"}");
    }

    private static ObjectNode state(String part, ObjectNode value) {
        ObjectNode s = JSON.createObjectNode();
        if (value != null) {
            s.set(part, value);
        }
        return s;
    }

    @Test
    void everyStoredMessageIsReceivedDataWithItsChangedPartsAndWhatMayBeUploaded() {
        ObjectNode data = json("{\"odometer\":{\"mileage\":1000.5}}");
        ObjectNode after = state("odometer", json("{\"mileage\":1000.5,\"createdAt\":\"" + AT + "\"}"));
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, data, null,
                JSON.createObjectNode(), after, Set.of("odometer"), false, null), UPLOADABLE);
        assertThat(events).containsExactly(new VehicleDataReceived(VIN, "m1", AT, RECEIVED, "telemetry",
                Set.of("odometer"), UPLOADABLE, data, null));
    }

    @Test
    void chargingThatBeginsIsChargingStartedAtThePartsOwnTime() {
        Instant measured = AT.minusSeconds(5);
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                state("energy.Electric", electric("Disconnected", AT.minusSeconds(60))),
                state("energy.Electric", electric("InProgress", measured)), Set.of("energy.Electric"), false, null),
                UPLOADABLE);
        assertThat(events).hasSize(2).last().isEqualTo(new ChargingStarted(VIN, "m1", measured, RECEIVED, 64.5));
    }

    @Test
    void chargingThatEndsIsChargingFinishedWithTheStatusItWentTo() {
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                state("energy.Electric", electric("InProgress", AT.minusSeconds(60))),
                state("energy.Electric", electric("Finished", AT)), Set.of("energy.Electric"), false, null),
                UPLOADABLE);
        assertThat(events).hasSize(2).last()
                .isEqualTo(new ChargingFinished(VIN, "m1", AT, RECEIVED, "Finished", 64.5));
    }

    @Test
    void aFirstChargingStatusInProgressStartsCharging() {
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                JSON.createObjectNode(), state("energy.Electric", electric("InProgress", AT)),
                Set.of("energy.Electric"), false, null), UPLOADABLE);
        assertThat(events).hasSize(2).last().isEqualTo(new ChargingStarted(VIN, "m1", AT, RECEIVED, 64.5));
    }

    @Test
    void anElectricEnergyWhoseChargingStatusStaysGivesNoChargingEvent() {
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                state("energy.Electric", electric("Stopped", AT.minusSeconds(60))),
                state("energy.Electric", electric("Stopped", AT)), Set.of("energy.Electric"), false, null),
                UPLOADABLE);
        assertThat(events).hasSize(1).first().isInstanceOf(VehicleDataReceived.class);
    }

    @Test
    void aPrivacyStateThatChangesIsPrivacyModeChanged() {
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                state("privacy", json("{\"state\":\"None\",\"createdAt\":\"" + AT.minusSeconds(60) + "\"}")),
                state("privacy", json("{\"state\":\"Geolocation\",\"createdAt\":\"" + AT + "\"}")),
                Set.of("privacy"), false, null), UPLOADABLE);
        assertThat(events).hasSize(2).last()
                .isEqualTo(new PrivacyModeChanged(VIN, "m1", AT, RECEIVED, "None", "Geolocation"));
    }

    @Test
    void aPrivacyStateRepeatedWithANewTimeChangesNoMode() {
        List<VehicleEvent> events = EventDerivation.derive(change(MessageType.TELEMETRY, null, null,
                state("privacy", json("{\"state\":\"None\",\"createdAt\":\"" + AT.minusSeconds(60) + "\"}")),
                state("privacy", json("{\"state\":\"None\",\"createdAt\":\"" + AT + "\"}")),
                Set.of("privacy"), false, null), UPLOADABLE);
        assertThat(events).hasSize(1);
    }

    @Test
    void anAlertTheStateWriterOpenedOrClosedIsRaisedOrClosed() {
        ObjectNode raised = json("{\"name\":\"alertRaised\",\"alert\":{\"type\":\"RiskOfIce\",\"severity\":\"Warning\"}}");
        ObjectNode none = JSON.createObjectNode();
        assertThat(EventDerivation.derive(change(MessageType.EVENT, null, raised, none, none, Set.of(), false,
                new AlertChange("RiskOfIce", "Warning", true, AT)), UPLOADABLE)).containsExactly(
                        new VehicleDataReceived(VIN, "m1", AT, RECEIVED, "event", Set.of(), UPLOADABLE, null, raised),
                        new AlertRaised(VIN, "m1", AT, RECEIVED, "RiskOfIce", "Warning"));
        ObjectNode cleared = json("{\"name\":\"alertCleared\",\"alert\":{\"type\":\"RiskOfIce\"}}");
        assertThat(EventDerivation.derive(change(MessageType.EVENT, null, cleared, none, none, Set.of(), false,
                new AlertChange("RiskOfIce", null, false, AT)), UPLOADABLE)).last()
                        .isEqualTo(new AlertClosed(VIN, "m1", AT, RECEIVED, "RiskOfIce"));
    }

    @Test
    void aMessageOlderThanTheStoredStateChangesNothingAndIsOnlyReceivedData() {
        ObjectNode raised = json("{\"name\":\"alertRaised\",\"alert\":{\"type\":\"RiskOfIce\",\"severity\":\"Warning\"}}");
        ObjectNode stored = state("energy.Electric", electric("InProgress", AT.plusSeconds(60)));
        assertThat(EventDerivation.derive(change(MessageType.EVENT, null, raised, stored, stored, Set.of(), true,
                new AlertChange("RiskOfIce", "Warning", true, AT)), UPLOADABLE)).containsExactly(
                        new VehicleDataReceived(VIN, "m1", AT, RECEIVED, "event", Set.of(), UPLOADABLE, null, raised));
    }
}
