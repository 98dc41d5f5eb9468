package org.odomo.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one caller may see of one vehicle, down to the field. A field is returned only if all four
 * conditions of the platform hold: it is in the API, the vehicle's model produces it, an active
 * connected service covers it and the current privacy mode lets it refresh, and the user granted
 * the app every scope it needs. A field that fails is left out, never nulled.
 */
public final class FieldAccess {

    private final Set<String> grantedScopes;
    private final Motorization motorization;
    private final Set<DataCategory> uploadable;
    private final Set<DataCategory> coveredByServices;

    FieldAccess(Set<String> grantedScopes, Vehicle vehicle) {
        this(grantedScopes, vehicle.motorization(), vehicle.uploadableData(),
                ConnectedService.dataCoveredBy(vehicle.services()));
    }

    FieldAccess(Set<String> grantedScopes, Motorization motorization, Set<DataCategory> uploadable,
            Set<DataCategory> coveredByServices) {
        this.grantedScopes = grantedScopes;
        this.motorization = motorization;
        this.uploadable = uploadable;
        this.coveredByServices = coveredByServices;
    }

    private static final FieldAccess STRUCTURE_ONLY = new FieldAccess(Set.of(), null, Set.of(), Set.of());

    /**
     * An access that lets through only structure (links, ids, times, paging counters), for the
     * parts of answers that hold no vehicle data of their own: a page's envelope, the user.
     */
    public static FieldAccess structureOnly() {
        return STRUCTURE_ONLY;
    }

    /** Two accesses are equal when they let the caller see the same fields of the same data. */
    @Override
    public boolean equals(Object other) {
        return other instanceof FieldAccess o && grantedScopes.equals(o.grantedScopes)
                && motorization == o.motorization && uploadable.equals(o.uploadable)
                && coveredByServices.equals(o.coveredByServices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grantedScopes, motorization, uploadable, coveredByServices);
    }

    public boolean granted(String scope) {
        return grantedScopes.contains(scope);
    }

    public boolean allows(FieldRule rule) {
        if (!rule.isData()) {
            return true;
        }
        if (!grantedScopes.containsAll(rule.scopes()) || !rule.producedBy().contains(motorization)) {
            return false;
        }
        if ("Privacy state".equals(rule.catalogName())) {
            // The mode itself explains every other omission, so no mode hides it.
            return coveredByServices.contains(DataCategory.TELEMETRY);
        }
        for (String scope : rule.scopes()) {
            if (!uploadable.contains(category(scope, rule))) {
                return false;
            }
        }
        // A place is geolocation whichever scope grants it (an alarm trigger's is granted by
        // data:telemetry): the "Data" privacy mode and services without the position hide it.
        // (A light's position is front or rear, no place.)
        boolean place = rule.catalogName().endsWith("position") && !rule.catalogName().startsWith("Lighting");
        return !place || uploadable.contains(DataCategory.POSITION);
    }

    /** Whether a whole data category (an alert list, a trip list...) can be shown at all. */
    public boolean allowsCategory(String scope) {
        return grantedScopes.contains(scope) && uploadable.contains(category(scope, null));
    }

    /**
     * Removes from {@code json} (a representation of {@code resource}) every field the caller may
     * not see, and every object or array left without data. Only {@code json}'s own fields are
     * replaced: the objects and arrays below it are never modified (a filtered one is a new
     * copy), so they may be shared, such as the parts of a cached vehicle state.
     *
     * @return whether any data is left
     */
    public boolean filter(String resource, ObjectNode json) {
        Walk walk = new Walk();
        ObjectNode kept = walk.object(FieldRules.tree(resource), json);
        if (kept != json) {
            json.removeAll();
            json.setAll(kept);
        }
        return walk.data;
    }

    /** One filtering pass; {@link #data} tells whether the node just walked holds data. */
    private final class Walk {

        boolean data;

        /** The object as the caller may see it: itself when nothing is removed below it. */
        ObjectNode object(FieldRules.PathNode node, ObjectNode object) {
            JsonNode[] kept = null;
            boolean hasData = false;
            int i = 0;
            int n = object.size();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                JsonNode result = field(node.child(field.getKey()), value);
                if (result != value && kept == null) {
                    kept = new JsonNode[n];
                    int k = 0;
                    for (JsonNode earlier : object.values()) {
                        if (k == i) {
                            break;
                        }
                        kept[k++] = earlier;
                    }
                }
                if (kept != null) {
                    kept[i] = result;
                }
                hasData |= result != null && data;
                i++;
            }
            data = hasData;
            if (kept == null) {
                return object;
            }
            ObjectNode copy = object.objectNode();
            i = 0;
            for (String name : object.propertyNames()) {
                if (kept[i] != null) {
                    copy.set(name, kept[i]);
                }
                i++;
            }
            return copy;
        }

        /**
         * The field's value as the caller may see it, or null when it is removed: when no rule
         * covers it (fail closed), when its rule does not allow it, or when it is an object or
         * array left without data (structure and containers stay while anything is left in them).
         */
        JsonNode field(FieldRules.PathNode node, JsonNode value) {
            FieldRule rule = node.rule();
            boolean deeper = node.deeper();
            if (rule == null ? !deeper : !allows(rule)) {
                data = false;
                return null;
            }
            if (!deeper) {
                data = rule.isData();
                return value;
            }
            JsonNode result;
            if (value.isObject()) {
                result = object(node, (ObjectNode) value);
            } else if (value.isArray()) {
                result = array(node.items(), (ArrayNode) value);
            } else {
                // A value where members are expected: only a rule covering the path itself keeps it.
                boolean covered = rule != null && rule.kind() != FieldRule.Kind.CONTAINER;
                data = covered && rule.isData();
                return covered ? value : null;
            }
            if (data) {
                return result;
            }
            return rule != null && !rule.isData() && !result.isEmpty() ? result : null;
        }

        /** The array without the elements left without data: itself when none is removed. */
        ArrayNode array(FieldRules.PathNode items, ArrayNode array) {
            List<JsonNode> kept = null;
            boolean hasData = false;
            int i = 0;
            for (JsonNode item : array) {
                JsonNode result = field(items, item);
                boolean itemData = result != null && data;
                if ((result == null || result != item) && kept == null) {
                    kept = new ArrayList<>(array.size());
                    for (int k = 0; k < i; k++) {
                        kept.add(array.get(k));
                    }
                }
                if (kept != null && result != null) {
                    kept.add(result);
                }
                hasData |= itemData;
                i++;
            }
            data = hasData;
            if (kept == null) {
                return array;
            }
            ArrayNode copy = array.arrayNode();
            kept.forEach(copy::add);
            return copy;
        }
    }

    private static DataCategory category(String scope, FieldRule rule) {
        return switch (scope) {
            case Scopes.POSITION -> DataCategory.POSITION;
            case Scopes.ALERT -> DataCategory.ALERT;
            case Scopes.COLLISION -> DataCategory.COLLISION;
            case Scopes.TRIP -> DataCategory.TRIP;
            default -> rule != null && rule.catalogName().contains("Before Maintenance") ? DataCategory.MAINTENANCE
                    : DataCategory.TELEMETRY;
        };
    }
}
