package org.odomo.access;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
        this.grantedScopes = grantedScopes;
        this.motorization = vehicle.motorization();
        this.uploadable = vehicle.uploadableData();
        this.coveredByServices = ConnectedService.dataCoveredBy(vehicle.services());
    }

    public boolean granted(String scope) {
        return grantedScopes.contains(scope);
    }

    public boolean allows(FieldRule rule) {
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
        return true;
    }

    /** Whether a whole data category (an alert list, a trip list...) can be shown at all. */
    public boolean allowsCategory(String scope) {
        return grantedScopes.contains(scope) && uploadable.contains(category(scope, null));
    }

    /**
     * Removes from {@code json} (a representation of {@code resource}) every field the caller may
     * not see, and every object or array left without data.
     *
     * @return whether any data is left
     */
    public boolean filter(String resource, ObjectNode json) {
        return filterObject(FieldRules.tree(resource), json);
    }

    private boolean filterObject(FieldRules.PathNode node, ObjectNode object) {
        boolean hasData = false;
        List<String> remove = null;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            Verdict verdict = judge(node.child(field.getKey()), field.getValue());
            if (verdict == Verdict.REMOVE) {
                if (remove == null) {
                    remove = new ArrayList<>();
                }
                remove.add(field.getKey());
            } else if (verdict == Verdict.DATA) {
                hasData = true;
            }
        }
        if (remove != null) {
            remove.forEach(object::remove);
        }
        return hasData;
    }

    private enum Verdict { REMOVE, DATA, STRUCTURE }

    private Verdict judge(FieldRules.PathNode node, JsonNode value) {
        FieldRule rule = node.rule();
        boolean deeper = node.deeper();
        if (rule != null && !deeper) {
            return allows(rule) ? Verdict.DATA : Verdict.REMOVE;
        }
        if (rule != null && !allows(rule)) {
            return Verdict.REMOVE;
        }
        if (!deeper) {
            return rule != null ? Verdict.DATA : Verdict.STRUCTURE;
        }
        boolean hasData;
        if (value.isObject()) {
            hasData = filterObject(node, (ObjectNode) value);
        } else if (value.isArray()) {
            hasData = filterArray(node.items(), (ArrayNode) value);
        } else {
            hasData = rule != null;
        }
        return hasData ? Verdict.DATA : Verdict.REMOVE;
    }

    private boolean filterArray(FieldRules.PathNode items, ArrayNode array) {
        boolean hasData = false;
        Iterator<JsonNode> elements = array.iterator();
        List<Integer> empty = new ArrayList<>();
        int i = 0;
        while (elements.hasNext()) {
            JsonNode item = elements.next();
            boolean itemData = item.isObject() ? filterObject(items, (ObjectNode) item)
                    : judge(items, item) == Verdict.DATA;
            if (!itemData) {
                empty.add(i);
            }
            hasData |= itemData;
            i++;
        }
        for (int k = empty.size() - 1; k >= 0; k--) {
            array.remove((int) empty.get(k));
        }
        return hasData;
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
