package org.odomo.access;

import java.util.Set;

import org.odomo.vehicle.Motorization;

/**
 * One member of an API answer as a path in a resource, and what decides whether a caller sees it.
 *
 * <p>A {@link Kind#DATA} rule is a data-catalog item: the scopes that grant it (all are needed) and
 * the powertrains that produce it. A {@link Kind#STRUCTURE} rule (links, ids, times, paging
 * counters) is always shown beside the data it belongs to but is no data itself. A
 * {@link Kind#CONTAINER} rule keeps an envelope ({@code _embedded}) even when nothing in it is
 * data, while each of its members still needs a rule of its own.
 *
 * @param resource    the resource whose JSON holds the member (status, telemetry, alert, trip...)
 * @param path        dotted path in that JSON, {@code []} standing for any array element
 * @param catalogName the item's name in the data catalog; null for structure and containers
 */
public record FieldRule(String resource, String path, String catalogName, Set<String> scopes,
        Set<Motorization> producedBy, Kind kind) {

    public enum Kind {
        DATA, STRUCTURE, CONTAINER
    }

    public boolean isData() {
        return kind == Kind.DATA;
    }
}
