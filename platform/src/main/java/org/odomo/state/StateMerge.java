package org.odomo.state;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Folds a message's data sample into a state document, part by part. Pure: the caller owns
 * persistence. A part measured before the stored one is ignored, so messages may arrive in any
 * order and a re-delivered message changes nothing.
 */
final class StateMerge {

    private StateMerge() {
    }

    /**
     * @param state  the state document, changed in place
     * @param data   the (already filtered) data sample of a message, may be null
     * @param at     the message's measurement time, for parts without their own createdAt
     * @return the names of the parts that changed
     */
    static Set<String> apply(ObjectNode state, ObjectNode data, Instant at) {
        Set<String> changed = new LinkedHashSet<>();
        if (data == null) {
            return changed;
        }
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "energies" -> {
                    for (JsonNode energy : value) {
                        offer(state, "energy." + energy.path("type").stringValue(), (ObjectNode) energy, at, changed);
                    }
                }
                case "environment" -> {
                    if (value.has("air")) {
                        offer(state, StatePart.AIR, (ObjectNode) value.get("air"), at, changed);
                    }
                    if (value.has("luminosity")) {
                        offer(state, StatePart.LUMINOSITY, (ObjectNode) value.get("luminosity"), at, changed);
                    }
                }
                case "alarm" -> {
                    if (value.has("status")) {
                        offer(state, StatePart.ALARM_STATUS, (ObjectNode) value.get("status"), at, changed);
                    }
                }
                case "preconditioning" -> {
                    if (value.has("airConditioning")) {
                        offer(state, StatePart.PRECONDITIONING, (ObjectNode) value.get("airConditioning"), at, changed);
                    }
                }
                case "engines" -> {
                    // An array part: its time is the newest of its entries, or the message's.
                    ObjectNode wrapper = state.objectNode();
                    Instant newest = null;
                    for (JsonNode engine : value) {
                        Instant t = timeOf(engine, null);
                        newest = t != null && (newest == null || t.isAfter(newest)) ? t : newest;
                    }
                    wrapper.set("items", value);
                    if (newest != null) {
                        wrapper.put("createdAt", newest.toString());
                    }
                    offer(state, StatePart.ENGINES, wrapper, at, changed);
                }
                default -> {
                    if (value.isObject()) {
                        offer(state, name, (ObjectNode) value, at, changed);
                    }
                }
            }
        }
        return changed;
    }

    /** Stores an alarm trigger (from an {@code alarm} event) as the latest trigger part. */
    static boolean applyAlarmTrigger(ObjectNode state, ObjectNode trigger, Instant at) {
        Set<String> changed = new LinkedHashSet<>();
        ObjectNode part = trigger.deepCopy();
        part.put("startAt", at.toString());
        offer(state, StatePart.ALARM_TRIGGER, part, at, changed);
        return !changed.isEmpty();
    }

    private static void offer(ObjectNode state, String name, ObjectNode incoming, Instant at, Set<String> changed) {
        Instant incomingAt = timeOf(incoming, at);
        JsonNode stored = state.get(name);
        Instant storedAt = null;
        if (stored != null) {
            storedAt = timeOf(stored, Instant.EPOCH);
            if (incomingAt.isBefore(storedAt)) {
                return;
            }
        }
        // Parts are never changed in place, neither in a state nor in a message: a new part
        // object sharing the incoming one's values is enough, and leaves the message as it was.
        ObjectNode copy = incoming.objectNode();
        copy.setAll(incoming);
        copy.put("createdAt", incomingAt.toString());
        if (stored == null || !incomingAt.equals(storedAt) || !copy.equals(stored)) {
            state.set(name, copy);
            changed.add(name);
        }
    }

    private static Instant timeOf(JsonNode part, Instant fallback) {
        JsonNode createdAt = part.get("createdAt");
        return createdAt != null && createdAt.isString() ? MeasuredAt.parse(createdAt.stringValue()) : fallback;
    }
}
