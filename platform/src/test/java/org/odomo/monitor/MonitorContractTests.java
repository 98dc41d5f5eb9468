package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.odomo.monitor.DataPath.Op;
import org.odomo.monitor.MonitorDefinition.Attribute;
import org.odomo.monitor.MonitorDefinition.DataTrigger;
import org.odomo.monitor.MonitorDefinition.Previous;
import org.odomo.monitor.MonitorEvaluation.Notification;
import org.odomo.monitor.MonitorEvaluation.TriggerValue;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;
import org.odomo.vehicle.Scopes;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitors' tables and bodies against the published files: the data-trigger paths and their
 * operators as the {@code DataTrigger} schema lists them, and the notification body as the webhook
 * template describes it.
 */
@PublishedSpecs
class MonitorContractTests {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(Map<String, Object> root, String name) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) root.get("components"))
                .get("schemas")).get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDataPathTableIsThePublishedOne() {
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) schema(SharedSpecs.load(
                "api-b2c.yaml"), "DataTrigger").get("properties")).get("data");
        List<String> published = ((List<Object>) data.get("enum")).stream().map(String::valueOf).toList();
        assertThat(EnumSet.allOf(DataPath.class).stream().filter(p -> !p.fleetOnly()).map(DataPath::wireName)
                .toList()).containsExactlyElementsOf(published).hasSize(29);
        // The fleet monitors' paths: the B2B table's, which has the B2C ones and six of its own.
        Map<String, Object> fleetData = (Map<String, Object>) ((Map<String, Object>) schema(SharedSpecs.load(
                "api-b2b.yaml"), "DataTrigger").get("properties")).get("data");
        assertThat(EnumSet.allOf(DataPath.class).stream().map(DataPath::wireName).toList())
                .containsExactlyInAnyOrderElementsOf(((List<Object>) fleetData.get("enum")).stream()
                        .map(String::valueOf).toList());
        // The description's table: | data [(note)] | type | op/op/op | value |
        Map<String, Set<Op>> tableOps = new LinkedHashMap<>();
        Pattern row = Pattern.compile("\\|\\s*([a-zA-Z.]+)[^|]*\\|[^|]*\\|([^|]*)\\|");
        for (String line : String.valueOf(data.get("description")).split("\n")) {
            Matcher m = row.matcher(line.trim());
            if (m.lookingAt() && published.contains(m.group(1))) {
                Set<Op> ops = EnumSet.noneOf(Op.class);
                for (Op op : Op.values()) {
                    if (m.group(2).contains(op.name())) {
                        ops.add(op);
                    }
                }
                tableOps.put(m.group(1), ops);
            }
        }
        assertThat(tableOps).hasSize(29);
        for (DataPath p : DataPath.values()) {
            if (!p.fleetOnly()) {
                assertThat(p.ops()).as(p.wireName()).isEqualTo(tableOps.get(p.wireName()));
            }
        }
        // The previous table: data and eligible operators.
        Map<String, Object> previous = (Map<String, Object>) ((Map<String, Object>) schema(SharedSpecs.load(
                "api-b2c.yaml"), "DataTrigger").get("properties")).get("previous");
        Map<String, Set<Op>> previousOps = new LinkedHashMap<>();
        for (String line : String.valueOf(previous.get("description")).split("\n")) {
            Matcher m = row.matcher(line.trim());
            if (m.lookingAt()) {
                Set<Op> ops = EnumSet.noneOf(Op.class);
                for (Op op : Op.values()) {
                    if (m.group(2).contains(op.name())) {
                        ops.add(op);
                    }
                }
                previousOps.put(m.group(1), ops);
            }
        }
        for (DataPath p : EnumSet.allOf(DataPath.class).stream().filter(d -> !d.fleetOnly()).toList()) {
            assertThat(p.previousOps()).as(p.wireName())
                    .isEqualTo(previousOps.getOrDefault(p.wireName(), EnumSet.noneOf(Op.class)));
        }
    }

    @Test
    void eachDataPathNeedsTheScopeOfItsCategory() {
        for (DataPath p : DataPath.values()) {
            if (p.wireName().equals("stolen.state")) {
                // the fleet owner's own declaration, not vehicle data
                assertThat(p.scopes()).as(p.wireName()).isEmpty();
                continue;
            }
            String expected = p.wireName().equals("vehicle.alert") ? Scopes.ALERT
                    : p.wireName().startsWith("vehicle.trip") ? Scopes.TRIP
                    : p.wireName().startsWith("vehicle.collision.") ? Scopes.COLLISION : Scopes.TELEMETRY;
            assertThat(p.scopes()).as(p.wireName()).containsExactly(expected);
        }
    }

    @Test
    void theNotificationBodyIsTheWebhookTemplatesMessage() {
        OpenApiSpec template = new OpenApiSpec("api-b2c-webhook-template.yaml", "");
        OpenApiSpec.Operation post = template.match("POST", "/messages/webhook").orElseThrow();
        MonitorDefinition monitor = new MonitorDefinition("Unplugged", 60,
                List.of(new Attribute("Body", "monitor", "$MonitorLabel"), new Attribute("Header", "X-Id", "$Vin"),
                        new Attribute("Body", "id", "$MonitorID")),
                List.of(), List.of(new DataTrigger("u", DataPath.CHARGING_PLUGGED, Op.equalsTo, List.of("false"),
                        new Previous(Op.equalsTo, List.of("true")))), BoolExp.parse("u"));
        Notification n = new Notification(false, Instant.parse("2026-06-01T08:00:00Z"),
                List.of(new TriggerValue("vehicle.energy.charging.plugged", "false", "true")));
        JsonNode body = MonitorMessages.message("cb-1", "m-1", monitor, n);
        assertThat(template.validateRequest(post, body, true)).isEmpty();
        assertThat(body).isEqualTo(JsonMapper.builder().build().readTree("""
                {"callbackId": "cb-1",
                 "attributes": [{"key": "monitor", "value": "Unplugged"}, {"key": "id", "value": "m-1"}],
                 "type": "Monitor", "date": "2026-06-01T08:00:00Z",
                 "monitorEvent": {"monitorId": "m-1",
                   "values": [{"data": "vehicle.energy.charging.plugged",
                               "value": {"type": "string", "body": {"literalValue": "false"}}, "previous": "true"}],
                   "refresh": false}}"""));
        JsonNode zoneOnly = MonitorMessages.message("cb-1", "m-2", new MonitorDefinition("z", null, List.of(),
                List.of(), List.of(), BoolExp.parse("z")), new Notification(true, n.at(), new ArrayList<>()));
        assertThat(template.validateRequest(post, zoneOnly, true)).isEmpty();
        assertThat(zoneOnly.at("/monitorEvent/refresh").booleanValue()).isTrue();
    }
}
