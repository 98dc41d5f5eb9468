package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;
import org.odomo.vehicle.Motorization;

/** The project's field table agrees with the published data catalog, item by item. */
@PublishedSpecs
class FieldRulesCatalogTests {

    record CatalogItem(String name, Set<String> scopes, Set<Motorization> types, boolean inB2c) {
    }

    static Map<String, CatalogItem> catalog = new HashMap<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCatalog() {
        List<Map<String, Object>> items = (List<Map<String, Object>>) SharedSpecs.load("data-catalog.yaml").get("data");
        for (Map<String, Object> item : items) {
            String name = String.valueOf(item.get("name")).trim();
            Set<String> scopes = new HashSet<>();
            if (item.get("scope") instanceof List<?> list) {
                list.forEach(s -> scopes.add(String.valueOf(s)));
            }
            Map<String, Object> availability = (Map<String, Object>) item.get("availability");
            Set<Motorization> types = EnumSet.noneOf(Motorization.class);
            Map<String, Object> vehicleTypes = (Map<String, Object>) availability.get("vehicle_types");
            if (vehicleTypes != null) {
                vehicleTypes.forEach((k, v) -> {
                    if (Boolean.TRUE.equals(v)) {
                        types.add(Motorization.valueOf(k));
                    }
                });
            }
            Map<String, Object> apis = (Map<String, Object>) availability.get("apis");
            boolean inB2c = apis != null && apis.get("webapi_b2c_v4") instanceof List<?> ops && !ops.isEmpty();
            catalog.put(name, new CatalogItem(name, scopes, types, inB2c));
        }
        assertThat(catalog).hasSizeGreaterThan(100);
    }

    @Test
    void everyRuleNamesACatalogItemWithTheSameScopesAndPowertrains() {
        for (FieldRule rule : FieldRules.all()) {
            if (!rule.isData()) {
                assertThat(rule.catalogName()).as("structure %s %s", rule.resource(), rule.path()).isNull();
                assertThat(rule.scopes()).as("structure %s %s", rule.resource(), rule.path()).isEmpty();
                continue;
            }
            CatalogItem item = catalog.get(rule.catalogName());
            assertThat(item).as("catalog item for %s %s", rule.resource(), rule.path()).isNotNull();
            assertThat(rule.scopes()).as("scopes of %s %s", rule.resource(), rule.path())
                    .containsExactlyInAnyOrderElementsOf(item.scopes());
            assertThat(rule.producedBy()).as("powertrains of %s %s", rule.resource(), rule.path())
                    .containsExactlyInAnyOrderElementsOf(item.types());
        }
    }

    @Test
    void everyScopedDataItemOfTheB2cApiHasARule() {
        Set<String> covered = new HashSet<>();
        FieldRules.all().forEach(r -> covered.add(r.catalogName()));
        for (CatalogItem item : catalog.values()) {
            boolean dataItem = item.scopes().stream().anyMatch(s -> s.startsWith("data:"));
            if (dataItem && item.inB2c()) {
                assertThat(covered).as("a rule for catalog item '%s'", item.name()).contains(item.name());
            }
        }
    }
}
