package org.odomo.access;

import java.util.Set;

import org.odomo.vehicle.Motorization;

/**
 * One data item of the API as a path in a resource, with the data-catalog item it is, the scopes
 * that grant it (all are needed) and the powertrains that produce it.
 *
 * @param resource    the resource whose JSON holds the field (status, telemetry, alert, collision, trip)
 * @param path        dotted path in that JSON, {@code []} standing for any array element
 * @param catalogName the item's name in the data catalog
 */
public record FieldRule(String resource, String path, String catalogName, Set<String> scopes,
        Set<Motorization> producedBy) {
}
