package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;

/**
 * Every member that the published response schemas of the B2C read operations contain (walked
 * through $ref, allOf, oneOf, anyOf and items), and every deprecated member the platform serves
 * beside them, is covered by a rule of the field table: filtering fails closed, so a member
 * without a rule would silently disappear from answers.
 */
@PublishedSpecs
class FieldRulesCompletenessTests {

    /** Where a documented answer's members are filtered: its own resource, or a page of items. */
    record Filtered(String resource, String itemsName, String itemResource, String prefix) {

        static Filtered whole(String resource) {
            return new Filtered(resource, null, null, "");
        }

        static Filtered page(String itemsName, String itemResource) {
            return new Filtered("page", itemsName, itemResource, "");
        }
    }

    /** How each documented read operation's answer is built (operationId as published). */
    static final Map<String, Filtered> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put("getUser", Filtered.whole("user"));
        OPERATIONS.put("getVehiclesByDevice", Filtered.page("vehicles", "vehicle"));
        OPERATIONS.put("getVehicleByid", Filtered.whole("vehicle"));
        OPERATIONS.put("getVehicleStatus", Filtered.whole("status"));
        // The last position is the status' lastPosition member, served on its own.
        OPERATIONS.put("getCarLastPosition", new Filtered("status", null, null, "lastPosition."));
        OPERATIONS.put("getVehicleMaintenance", Filtered.whole("maintenance"));
        OPERATIONS.put("getTelemetry", Filtered.page("telemetries", "telemetry"));
        OPERATIONS.put("getTelemetryForTrip", Filtered.page("telemetries", "telemetry"));
        OPERATIONS.put("getVehicleAlerts", Filtered.page("alerts", "alert"));
        OPERATIONS.put("getVehicleAlertsById", Filtered.whole("alert"));
        OPERATIONS.put("getVehicleTripAlerts", Filtered.page("alerts", "alert"));
        OPERATIONS.put("getVehicleTripAlertByAid", Filtered.whole("alert"));
        OPERATIONS.put("getVehicleCollision", Filtered.page("Collisions", "collision"));
        OPERATIONS.put("getVehicleCollisionById", Filtered.whole("collision"));
        OPERATIONS.put("getVehicleCollisionsByTripId", Filtered.page("Collisions", "collision"));
        OPERATIONS.put("getVehicleCollisionByTipById", Filtered.whole("collision"));
        OPERATIONS.put("getVehicleAlarms", Filtered.page("alarms", "alarm"));
        OPERATIONS.put("getVehicleAlarmsById", Filtered.whole("alarm"));
        OPERATIONS.put("getTripsByVehicle", Filtered.page("trips", "trip"));
        OPERATIONS.put("getTripByVehicle", Filtered.whole("trip"));
        OPERATIONS.put("getPathForTrip", Filtered.page("positions", "waypoint"));
    }

    private final Map<String, Object> spec = SharedSpecs.load("api-b2c.yaml");

    @Test
    void everyMemberOfEveryPublishedReadAnswerHasARule() {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        Map<String, Set<String>> byOperation = new SchemaMembers(spec).readOperations();
        assertThat(byOperation.keySet()).as("documented read operations, each mapped to where it is filtered")
                .containsExactlyInAnyOrderElementsOf(OPERATIONS.keySet());
        for (Map.Entry<String, Set<String>> op : byOperation.entrySet()) {
            Filtered filtered = OPERATIONS.get(op.getKey());
            Set<String> members = new TreeSet<>(op.getValue());
            if (op.getKey().equals("getVehicleStatus")) {
                members.addAll(legacyStatusMembers(members));
            }
            for (String member : members) {
                if (!covered(filtered, member)) {
                    missing.add(op.getKey() + " " + member);
                }
                checked++;
            }
        }
        assertThat(missing).as("members of published answers without a rule").isEmpty();
        assertThat(checked).isGreaterThan(1500);
    }

    /**
     * The deprecated status members the platform serves in shapes the schema does not describe:
     * {@code energy} as an array of items like {@code energies}, whose electric item carries the
     * older {@code charging} object directly.
     */
    static Set<String> legacyStatusMembers(Set<String> statusMembers) {
        Set<String> legacy = new TreeSet<>();
        String charging = "energies[].extension.electric.charging";
        for (String m : statusMembers) {
            if (m.startsWith("energies[]")) {
                legacy.add("energy[]" + m.substring("energies[]".length()));
            }
            if (m.startsWith(charging)) {
                legacy.add("energy[].charging" + m.substring(charging.length()));
            }
        }
        assertThat(legacy).contains("energy[].level", "energy[].updatedAt", "energy[].charging.status",
                "energy[].charging.nextDelayedTime");
        return legacy;
    }

    /** A member is covered when a rule governs it or it holds members with rules of their own. */
    static boolean covered(Filtered filtered, String member) {
        String resource = filtered.resource();
        String path = filtered.prefix() + member;
        if (filtered.itemsName() != null) {
            String items = "_embedded." + filtered.itemsName() + "[]";
            if (member.startsWith(items + ".")) {
                resource = filtered.itemResource();
                path = member.substring(items.length() + 1);
            }
        }
        return FieldRules.governing(resource, path).isPresent() || FieldRules.containsRules(resource, path);
    }

    @Test
    void theCheckFindsAMemberWithoutARule() {
        assertThat(covered(Filtered.whole("status"), "energy.level")).isTrue();
        assertThat(covered(Filtered.whole("status"), "energy.teleportation")).isFalse();
        assertThat(covered(Filtered.whole("vehicle"), "_embedded.extension.unknown")).isFalse();
        assertThat(covered(Filtered.page("alerts", "alert"), "_embedded.alerts[].type")).isTrue();
        assertThat(covered(Filtered.page("alerts", "alert"), "_embedded.alerts[].secret")).isFalse();
    }

    /** The members of a published file's response schemas. */
    static final class SchemaMembers {

        private final Map<String, Object> spec;

        SchemaMembers(Map<String, Object> spec) {
            this.spec = spec;
        }

        /** operationId to the member paths of its 200 answer's schema. */
        @SuppressWarnings("unchecked")
        Map<String, Set<String>> readOperations() {
            Map<String, Set<String>> out = new LinkedHashMap<>();
            Map<String, Object> paths = (Map<String, Object>) spec.get("paths");
            for (Map.Entry<String, Object> p : paths.entrySet()) {
                if (p.getKey().contains("/callbacks")) {
                    continue;
                }
                Map<String, Object> item = (Map<String, Object>) resolve(p.getValue());
                if (!(item.get("get") instanceof Map<?, ?> op)) {
                    continue;
                }
                Map<String, Object> responses = (Map<String, Object>) op.get("responses");
                for (Map.Entry<String, Object> r : responses.entrySet()) {
                    if (!String.valueOf(r.getKey()).trim().equals("200")) {
                        continue;
                    }
                    Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) resolve(r.getValue()))
                            .get("content");
                    Set<String> members = new TreeSet<>();
                    for (Object media : content.values()) {
                        walk(((Map<String, Object>) media).get("schema"), "", members, new IdentityHashMap<>());
                    }
                    out.put(String.valueOf(op.get("operationId")), members);
                }
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private void walk(Object schemaObject, String path, Set<String> members, Map<Object, Boolean> onPath) {
            if (!(resolve(schemaObject) instanceof Map<?, ?> resolved)) {
                return;
            }
            Map<String, Object> schema = (Map<String, Object>) resolved;
            if (onPath.put(schema, true) != null) {
                return;
            }
            for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
                if (schema.get(combinator) instanceof List<?> parts) {
                    parts.forEach(part -> walk(part, path, members, onPath));
                }
            }
            if (schema.containsKey("items")) {
                walk(schema.get("items"), path + "[]", members, onPath);
            }
            if (schema.get("properties") instanceof Map<?, ?> properties) {
                for (Map.Entry<?, ?> property : properties.entrySet()) {
                    String member = (path.isEmpty() ? "" : path + ".") + property.getKey();
                    members.add(member);
                    walk(property.getValue(), member, members, onPath);
                }
            }
            // A name the schema requires is one of its members even where the file forgot to declare it.
            if (schema.get("required") instanceof List<?> required) {
                required.forEach(r -> members.add((path.isEmpty() ? "" : path + ".") + r));
            }
            onPath.remove(schema);
        }

        /** Follows $ref, also the published file's forms without the slash and with case slips. */
        @SuppressWarnings("unchecked")
        private Object resolve(Object node) {
            int guard = 0;
            while (node instanceof Map<?, ?> map && map.get("$ref") instanceof String ref && guard++ < 50) {
                String path = ref.startsWith("#/") ? ref.substring(2) : ref.substring(1);
                Object target = spec;
                for (String part : path.split("/")) {
                    Map<String, Object> parent = (Map<String, Object>) target;
                    String key = part.replace("~1", "/").replace("~0", "~");
                    target = parent.get(key);
                    if (target == null) {
                        target = parent.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key))
                                .map(Map.Entry::getValue).findFirst()
                                .orElseThrow(() -> new IllegalStateException("cannot resolve " + ref));
                    }
                }
                node = target;
            }
            return node;
        }
    }
}
