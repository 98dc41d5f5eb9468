package org.odomo.state;

import java.time.Instant;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vehicle's current state: each {@link StatePart} as the vehicle last measured it, with its own
 * {@code createdAt}. The part objects use the B2C API's field names.
 *
 * <p>{@link #parts()} maps each part name to its object (each holding {@code createdAt});
 * {@link #updatedAt()} is when the platform last changed this state.
 */
public final class VehicleState {

    private final String vin;
    private final ObjectNode parts;
    private final Instant updatedAt;
    private final long version;
    /** Computed on first use: a cached state answers many reads. */
    private volatile Optional<Instant> lastMeasuredAt;

    public VehicleState(String vin, ObjectNode parts, Instant updatedAt, long version) {
        this.vin = vin;
        this.parts = parts;
        this.updatedAt = updatedAt;
        this.version = version;
    }

    public String vin() {
        return vin;
    }

    public ObjectNode parts() {
        return parts;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public long version() {
        return version;
    }

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
        Optional<Instant> known = lastMeasuredAt;
        if (known == null) {
            known = latestCreatedAt();
            lastMeasuredAt = known;
        }
        return known;
    }

    private Optional<Instant> latestCreatedAt() {
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
