package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StateMergeTests {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Instant t0 = Instant.parse("2026-11-01T10:00:00Z");

    private ObjectNode data(String text) {
        return (ObjectNode) json.readTree(text);
    }

    @Test
    void eachPartKeepsItsOwnMeasurementTime() {
        ObjectNode state = json.createObjectNode();
        StateMerge.apply(state, data("{\"odometer\":{\"mileage\":10},\"ignition\":{\"type\":\"Start\"}}"), t0);
        StateMerge.apply(state, data("{\"odometer\":{\"mileage\":12}}"), t0.plusSeconds(60));

        assertThat(state.path("odometer").path("mileage").intValue()).isEqualTo(12);
        assertThat(state.path("odometer").path("createdAt").stringValue()).isEqualTo("2026-11-01T10:01:00Z");
        assertThat(state.path("ignition").path("createdAt").stringValue()).isEqualTo("2026-11-01T10:00:00Z");
    }

    @Test
    void olderPartIsIgnoredAndReportsNoChange() {
        ObjectNode state = json.createObjectNode();
        StateMerge.apply(state, data("{\"odometer\":{\"mileage\":12}}"), t0.plusSeconds(60));
        assertThat(StateMerge.apply(state, data("{\"odometer\":{\"mileage\":10}}"), t0)).isEmpty();
        assertThat(state.path("odometer").path("mileage").intValue()).isEqualTo(12);
    }

    @Test
    void partLevelCreatedAtWinsOverTheMessageTime() {
        ObjectNode state = json.createObjectNode();
        StateMerge.apply(state, data("{\"environment\":{\"air\":{\"temp\":5,\"createdAt\":\"2026-11-01T09:00:00Z\"}}}"),
                t0);
        assertThat(state.path("environment.air").path("createdAt").stringValue()).isEqualTo("2026-11-01T09:00:00Z");
        StateMerge.apply(state, data("{\"environment\":{\"air\":{\"temp\":7}}}"), t0.minusSeconds(1800));
        assertThat(state.path("environment.air").path("temp").intValue()).isEqualTo(7);
    }

    @Test
    void energiesAgeSeparatelyPerType() {
        ObjectNode state = json.createObjectNode();
        StateMerge.apply(state, data("{\"energies\":[{\"type\":\"Fuel\",\"level\":40},{\"type\":\"Electric\",\"level\":80}]}"),
                t0.plusSeconds(60));
        var changed = StateMerge.apply(state,
                data("{\"energies\":[{\"type\":\"Fuel\",\"level\":50},{\"type\":\"Electric\",\"level\":70,"
                        + "\"createdAt\":\"2026-11-01T10:05:00Z\"}]}"), t0);
        assertThat(changed).containsExactly("energy.Electric");
        assertThat(state.path("energy.Fuel").path("level").intValue()).isEqualTo(40);
        assertThat(state.path("energy.Electric").path("level").intValue()).isEqualTo(70);
    }

    @Test
    void sameContentAgainIsNotAChange() {
        ObjectNode state = json.createObjectNode();
        StateMerge.apply(state, data("{\"doorsState\":{\"lockedStates\":[\"Locked\"]}}"), t0);
        assertThat(StateMerge.apply(state, data("{\"doorsState\":{\"lockedStates\":[\"Locked\"]}}"), t0)).isEmpty();
    }

    @Test
    void alarmTriggerIsKeptAsTheLatestTrigger() {
        ObjectNode state = json.createObjectNode();
        assertThat(StateMerge.applyAlarmTrigger(state, data("{\"type\":\"RoofBreakIn\"}"), t0)).isTrue();
        assertThat(StateMerge.applyAlarmTrigger(state, data("{\"type\":\"VehicleLifting\"}"), t0.minusSeconds(5)))
                .isFalse();
        assertThat(state.path("alarm.trigger").path("type").stringValue()).isEqualTo("RoofBreakIn");
        assertThat(state.path("alarm.trigger").path("startAt").stringValue()).isEqualTo("2026-11-01T10:00:00Z");
    }
}
