package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.api.ApiException;
import org.odomo.monitor.DataPath.Op;
import org.odomo.monitor.MonitorDefinition.DataTrigger;
import org.odomo.monitor.MonitorDefinition.Previous;
import org.odomo.monitor.MonitorDefinition.TimeTrigger;
import org.odomo.monitor.MonitorDefinition.TimeWindow;
import org.odomo.monitor.MonitorDefinition.Transition;
import org.odomo.monitor.MonitorDefinition.ZoneTrigger;
import org.odomo.vehicle.Scopes;

import tools.jackson.databind.json.JsonMapper;

/** What the reader makes of accepted bodies (the refusals are covered over HTTP). */
class MonitorReaderTests {

    static MonitorDefinition read(String body, String channel) {
        return MonitorReader.read(JsonMapper.builder().build().readTree(body), channel);
    }

    @Test
    void aBodyIsReadIntoTypedTriggersWithThePublishedDefaults() {
        MonitorDefinition d = read("""
                {"label": "all", "subscribeParam": {"refreshEvent": 60,
                   "callbackAttributes": {"pushnotif": [{"type": "Header", "key": "k", "value": "$MonitorID"}]}},
                 "extendedEventParam": ["vehicle.telemetry.vehicle.energies", "vehicle.telemetry.vehicle.engines",
                   "vehicle.alerts"],
                 "triggerParam": {"triggers": [
                   {"name": "z1", "zone": {"transition": "In", "place": {"radius": 3, "center": {"longitude": -1.5,
                      "latitude": 47.2}}}},
                   {"name": "t", "time": {"times": [{"start": "PT8H", "duration": "PT30M",
                      "occurence": {"day": ["Sat", "Sun"], "week": ["w1-w3", "W52"]}},
                      {"recurrence": "None", "start": "2026-01-03T12:00:00+01:00"}]}},
                   {"name": "p", "data": {"data": "privacy.state", "op": "includedIn", "value": ["None", "Geolocation"],
                      "previous": {"op": "equalsTo", "value": ["Full"]}}}],
                  "boolExp": "z1 & (t | !p)"}}""", "pushnotif");
        assertThat(d.refreshEvent()).isEqualTo(60);
        assertThat(d.triggers()).containsExactly(
                new ZoneTrigger("z1", -1.5, 47.2, 3, Transition.In),
                new TimeTrigger("t", List.of(
                        new TimeWindow(true, null, Duration.ofHours(8), Duration.ofMinutes(30),
                                Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), Set.of(1, 2, 3, 52)),
                        new TimeWindow(false, Instant.parse("2026-01-03T11:00:00Z"), null, null, Set.of(), Set.of())),
                        ZoneId.of("Europe/Paris")),
                new DataTrigger("p", DataPath.PRIVACY, Op.includedIn, List.of("None", "Geolocation"),
                        new Previous(Op.equalsTo, List.of("Full"))));
        assertThat(MonitorReader.scopesNeeded(d)).containsExactly(Scopes.ALERT, Scopes.POSITION, Scopes.TELEMETRY);
    }

    @Test
    void aTelemetryExtensionNeedsAKnownTelemetryTypeAndBadTextIsRefused() {
        String triggers = ", \"triggerParam\": {\"triggers\": [{\"name\": \"s\", \"data\": {\"data\":"
                + " \"vehicle.kinetic.speed\", \"op\": \"greaterThan\", \"value\": [\"130\"]}}], \"boolExp\": \"s\"}}";
        assertThatThrownBy(() -> read("{\"label\": \"l\", \"extendedEventParam\": [\"vehicle.telemetry.engine\"]"
                + triggers, "webhook")).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("extendedEventParam[0]: 'vehicle.telemetry.engine' is not one of");
        assertThatThrownBy(() -> read("{\"label\": \"" + "x".repeat(256) + "\"" + triggers, "webhook"))
                .hasMessage("label: at most 255 characters");
        assertThatThrownBy(() -> read("{\"label\": \"l\", \"attributes\": [{\"type\": \"Query\", \"key\": \"k\","
                + " \"value\": \"v\"}]" + triggers, "webhook"))
                .hasMessage("attributes[0].type: must be one of [Body, Header]");
        assertThatThrownBy(() -> read("{\"label\": \"l\", \"attributes\": [{\"type\": \"Body\", \"key\": \"k\","
                + " \"value\": \"$Secret\"}]" + triggers, "webhook"))
                .hasMessageStartingWith("attributes[0].value: unknown variable '$Secret'");
        assertThatThrownBy(() -> read("[1]", "webhook"))
                .hasMessage("the request body (MonitorParameter): must be a JSON object");
    }
}
