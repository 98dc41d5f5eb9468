package org.odomo.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which page of a collection to read first: its size, an index range, time ranges, and any other
 * query parameter of the operation. Immutable; each method answers a new request.
 */
public final class PageRequest {

    private final Map<String, String> query;

    private PageRequest(Map<String, String> query) {
        this.query = Collections.unmodifiableMap(query);
    }

    /** The server's default page size, from the first item. */
    public static PageRequest first() {
        return new PageRequest(new LinkedHashMap<>());
    }

    /** Pages of {@code size} items (1 to 60 for most collections, up to 2000 for telemetry). */
    public static PageRequest ofSize(int size) {
        return first().size(size);
    }

    /** Pages of {@code size} items. */
    public PageRequest size(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a page holds at least one item");
        }
        return with("pageSize", Integer.toString(size));
    }

    /** Only the items from index {@code from} to {@code to}, both included (0 is the newest). */
    public PageRequest indexRange(int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("an index range runs from 0 or more to at least its start");
        }
        return with("indexRange", from + "-" + to);
    }

    /** Only the items from index {@code from} on. */
    public PageRequest fromIndex(int from) {
        if (from < 0) {
            throw new IllegalArgumentException("indexes start at 0");
        }
        return with("indexRange", from + "-");
    }

    /**
     * Only the items in these time ranges, in the API's notation: {@code T1/T2}, {@code T/duration},
     * {@code T/}, {@code /T} or {@code Rn/T/period[/length]} (RFC 3339 times, ISO 8601 durations).
     */
    public PageRequest timestamps(String... ranges) {
        return with("timestamps", String.join(",", List.of(ranges)));
    }

    /** Only the items between {@code from} and {@code to}. */
    public PageRequest between(Instant from, Instant to) {
        return timestamps(from + "/" + to);
    }

    /** Only the items up to {@code to}. */
    public PageRequest until(Instant to) {
        return timestamps("/" + to);
    }

    /** Any other query parameter of the operation (for trips: {@code distance}, {@code states}...). */
    public PageRequest with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(query);
        copy.put(name, value);
        return new PageRequest(copy);
    }

    Map<String, String> query() {
        return query;
    }

    @Override
    public String toString() {
        return "PageRequest" + new ArrayList<>(query.entrySet());
    }
}
