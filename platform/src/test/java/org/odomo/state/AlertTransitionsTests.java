package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleMessage;
import org.odomo.state.StoredChange.AlertChange;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Which alert events open or close an alert, over the vehicle's open alerts. */
class AlertTransitionsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T = Instant.parse("2026-11-02T08:00:00Z");

    private static VehicleMessage event(String name, String type, Instant at) {
        ObjectNode event = JSON.createObjectNode().put("name", name);
        event.putObject("alert").put("type", type).put("severity", "Critical");
        if (name.equals("alertCleared")) {
            ((ObjectNode) event.get("alert")).remove("severity");
        }
        return new VehicleMessage(1, "VR3UHZKXZNT000001", "m", at, MessageType.EVENT, null, null, event, null, null);
    }

    @Test
    void aRaisedAlertOpensOnceThenItsRepeatsChangeNothing() {
        Map<String, Instant> open = new HashMap<>();
        assertThat(AlertTransitions.apply(open, event("alertRaised", "RiskOfIce", T)))
                .isEqualTo(new AlertChange("RiskOfIce", "Critical", true, T));
        assertThat(open).isEqualTo(Map.of("RiskOfIce", T));
        assertThat(AlertTransitions.apply(open, event("alertRaised", "RiskOfIce", T.plusSeconds(60)))).isNull();
        assertThat(open).isEqualTo(Map.of("RiskOfIce", T));
    }

    @Test
    void aClearingClosesTheOpenAlertOfItsType() {
        Map<String, Instant> open = new HashMap<>(Map.of("RiskOfIce", T, "AddWasherFluid", T));
        assertThat(AlertTransitions.apply(open, event("alertCleared", "RiskOfIce", T.plusSeconds(60))))
                .isEqualTo(new AlertChange("RiskOfIce", null, false, T.plusSeconds(60)));
        assertThat(open).isEqualTo(Map.of("AddWasherFluid", T));
    }

    @Test
    void aClearingWithNothingOpenOrMeasuredBeforeTheAlertStartedChangesNothing() {
        Map<String, Instant> open = new HashMap<>(Map.of("RiskOfIce", T));
        assertThat(AlertTransitions.apply(open, event("alertCleared", "AddWasherFluid", T.plusSeconds(60)))).isNull();
        assertThat(AlertTransitions.apply(open, event("alertCleared", "RiskOfIce", T.minusSeconds(1)))).isNull();
        assertThat(open).isEqualTo(Map.of("RiskOfIce", T));
    }

    @Test
    void otherMessagesChangeNoAlert() {
        Map<String, Instant> open = new HashMap<>();
        VehicleMessage telemetry = new VehicleMessage(1, "VR3UHZKXZNT000001", "m", T, MessageType.TELEMETRY, null,
                JSON.createObjectNode(), null, null, null);
        assertThat(AlertTransitions.apply(open, telemetry)).isNull();
        assertThat(open).isEmpty();
    }
}
