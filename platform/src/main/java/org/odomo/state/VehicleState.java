package org.odomo.state;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
    private volatile Map<Object, Object> derived;

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

    /**
     * A value worked out from this state once and kept with it, such as an API view of it: a
     * state never changes, and a cached one answers many reads. The value is shared by every
     * caller, which must not modify it; {@code key} identifies the computation (a small record).
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, Function<VehicleState, T> compute) {
        Map<Object, Object> values = derived;
        if (values == null) {
            synchronized (this) {
                if (derived == null) {
                    derived = new ConcurrentHashMap<>(4);
                }
                values = derived;
            }
        }
        Object value = values.get(key);
        if (value == null) {
            value = compute.apply(this);
            Object raced = values.putIfAbsent(key, value);
            if (raced != null) {
                value = raced;
            }
        }
        return (T) value;
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
