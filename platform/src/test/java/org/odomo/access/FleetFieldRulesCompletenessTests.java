package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.odomo.access.FieldRulesCompletenessTests.Filtered;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;

/**
 * The fleet API's read operations that serve vehicle data, as {@link FieldRulesCompletenessTests}
 * does for the B2C API: every member of their published answers is covered by a rule, except the
 * members the data catalog ({@code webapi_b2b_v3}) grants to other operations only, which must stay
 * without a rule (fail closed) so that they never come out of these answers.
 */
@PublishedSpecs
class FleetFieldRulesCompletenessTests {

    static final Map<String, Filtered> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put("getFleets", Filtered.page("fleets", "fleet"));
        OPERATIONS.put("getFleet", Filtered.whole("fleet"));
        OPERATIONS.put("getVehiclesByDevice", Filtered.page("vehicles", "vehicle"));
        OPERATIONS.put("getVehicleByid", Filtered.whole("vehicle"));
        OPERATIONS.put("getFleetVehicleStatus", Filtered.whole("fleetStatus"));
        OPERATIONS.put("getCarLastPosition", new Filtered("fleetStatus", null, null, "lastPosition."));
        OPERATIONS.put("getVehicleMaintenance", Filtered.whole("fleetMaintenance"));
        OPERATIONS.put("getFleetStatusList", Filtered.page("status", "fleetStatusItem"));
        OPERATIONS.put("getFleetMantenanceList", Filtered.page("maintenances", "fleetMaintenance"));
    }

    /**
     * Status members the catalog grants to the telemetry (ADAS, transmission, wiping blades) and
     * stolen-vehicle operations only, and, in the fleet's status list, the items it grants to the
     * single status only (preconditioning, the belt passenger identifier).
     */
    static boolean notGranted(String operation, String member) {
        String item = "_embedded.status[].";
        boolean single = operation.equals("getFleetVehicleStatus");
        boolean inList = operation.equals("getFleetStatusList") && member.startsWith(item);
        if (!single && !inList) {
            return false;
        }
        String m = inList ? member.substring(item.length()) : member;
        if (m.startsWith("adas") || m.startsWith("transmission") || m.startsWith("wipingBlades")
                || m.startsWith("stolen") || m.startsWith("_embedded")) {
            return true;
        }
        return inList && (m.startsWith("preconditioning") || m.equals("safety.beltStatus[].id"));
    }

    @Test
    void everyMemberOfTheServedFleetAnswersHasARuleUnlessTheCatalogGrantsItElsewhere() {
        Map<String, Set<String>> byOperation = new FieldRulesCompletenessTests.SchemaMembers(
                SharedSpecs.load("api-b2b.yaml")).readOperations();
        List<String> missing = new ArrayList<>();
        List<String> leaking = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Filtered> op : OPERATIONS.entrySet()) {
            assertThat(byOperation).as("published operation %s", op.getKey()).containsKey(op.getKey());
            for (String member : new TreeSet<>(byOperation.get(op.getKey()))) {
                boolean covered = FieldRulesCompletenessTests.covered(op.getValue(), member);
                boolean notGranted = notGranted(op.getKey(), member);
                if (!covered && !notGranted) {
                    missing.add(op.getKey() + " " + member);
                }
                if (covered && notGranted) {
                    leaking.add(op.getKey() + " " + member);
                }
                checked++;
            }
        }
        assertThat(missing).as("members of published answers without a rule").isEmpty();
        assertThat(leaking).as("members the catalog does not grant to the operation, yet with a rule").isEmpty();
        assertThat(checked).isGreaterThan(1000);
    }
    /** Which resource of the field table each operation's vehicle data is filtered as. */
    static final Map<String, String> DATA_RESOURCES = Map.of("getFleetVehicleStatus", "fleetStatus",
            "getFleetStatusList", "fleetStatusItem", "getVehicleMaintenance", "fleetMaintenance",
            "getFleetMantenanceList", "fleetMaintenance");

    /**
     * Against the catalog, item by item: a data item the catalog lists for one of these operations
     * has a rule in the operation's resource (nothing granted is dropped), and every data rule of
     * the resource is an item the catalog lists for the operation (nothing else is shown).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theFleetResourcesHoldExactlyTheCatalogItemsOfTheirOperations() {
        Map<String, Set<String>> granted = new LinkedHashMap<>();
        DATA_RESOURCES.keySet().forEach(op -> granted.put(op, new TreeSet<>()));
        for (Map<String, Object> item : (List<Map<String, Object>>) SharedSpecs.load("data-catalog.yaml")
                .get("data")) {
            Object scopes = item.get("scope");
            boolean data = scopes instanceof List<?> l && l.stream().anyMatch(x -> String.valueOf(x).startsWith("data:"));
            Map<String, Object> apis = (Map<String, Object>) ((Map<String, Object>) item.get("availability")).get("apis");
            if (data && apis != null && apis.get("webapi_b2b_v3") instanceof List<?> ops) {
                for (Object op : ops) {
                    Set<String> names = granted.get(String.valueOf(op).trim());
                    if (names != null) {
                        names.add(String.valueOf(item.get("name")).trim());
                    }
                }
            }
        }
        // The catalog lists the maintenance items for the vehicle's maintenance but for no fleet
        // list: its items are that operation's answer (the same Maintenance schema), whose only
        // data are these items, so they follow the operation they repeat (an omission of the
        // catalog, not a restriction: read literally, every item would be empty).
        assertThat(granted.get("getFleetMantenanceList")).isEmpty();
        granted.get("getFleetMantenanceList").addAll(granted.get("getVehicleMaintenance"));
        for (Map.Entry<String, String> op : DATA_RESOURCES.entrySet()) {
            Set<String> ruled = new TreeSet<>();
            FieldRules.all().stream().filter(r -> r.resource().equals(op.getValue()) && r.isData())
                    .forEach(r -> ruled.add(r.catalogName()));
            assertThat(ruled).as("catalog items of %s filtered as %s", op.getKey(), op.getValue())
                    .containsExactlyInAnyOrderElementsOf(granted.get(op.getKey()));
        }
    }
}
