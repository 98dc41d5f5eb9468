package org.odomo.state;

import java.time.Instant;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vehicle's current state: each {@link StatePart} as the vehicle last measured it, with its own
 * {@code createdAt}. The part objects use the B2C API's field names.
 *
 * @param parts     part name to part object (each holding {@code createdAt})
 * @param updatedAt when the platform last changed this state
 */
public record VehicleState(String vin, ObjectNode parts, Instant updatedAt, long version) {

    public Optional<JsonNode> part(String name) {
        return Optional.ofNullable(parts.get(name));
    }

    public Optional<Instant> createdAt(String name) {
        JsonNode part = parts.get(name);
        JsonNode createdAt = part == null ? null : part.get("createdAt");
        return createdAt != null && createdAt.isString() ? Optional.of(MeasuredAt.parse(createdAt.stringValue()))
                : Optional.empty();
    }

    /** The most recent measurement time across all parts. */
    public Optional<Instant> lastMeasuredAt() {
        Instant latest = null;
        for (String name : parts.propertyNames()) {
            Instant at = createdAt(name).orElse(null);
            if (at != null && (latest == null || at.isAfter(latest))) {
                latest = at;
            }
        }
        return Optional.ofNullable(latest);
    }
}
