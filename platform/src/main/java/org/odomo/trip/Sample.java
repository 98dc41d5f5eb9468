package org.odomo.trip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.odomo.vehicle.PrivacyMode;

import tools.jackson.databind.JsonNode;

/**
 * What one vehicle message tells about trips: its place in measurement order, the ignition, and
 * the measurements trips add up. The same extraction serves messages as they arrive and messages
 * read back from the log, so that an incremental update and a rebuild agree.
 *
 * @param ignition what the message says about the ignition
 * @param privacy  the privacy mode the message was measured under
 */
record Sample(Key key, Ignition ignition, Trip.Position position, Double speed, Double mileage,
        List<Trip.LiteEnergy> energies, PrivacyMode privacy) {

    enum Ignition {
        /** An {@code ignition} event with the ignition {@code Start} or {@code StartUp}: a trip begins. */
        START_EVENT,
        /** An {@code ignition} event with the ignition {@code Stop}: the trip ends. */
        STOP_EVENT,
        /** A sample that shows the ignition on. */
        ON,
        /** A sample that shows the ignition off. */
        OFF,
        /** Nothing about the ignition. */
        NONE
    }

    Sample {
        energies = List.copyOf(energies);
    }

    Instant at() {
        return key.at();
    }

    /**
     * @param type     the message type's wire name
     * @param data     the (filtered) data sample, may be null
     * @param event    the event section, may be null
     * @param fallback the privacy mode to assume when the sample does not report one
     * @return null when the message holds nothing that matters to trips
     */
    static Sample of(String id, Instant at, String type, JsonNode data, JsonNode event, PrivacyMode fallback) {
        if (data == null || !data.isObject()) {
            return null;
        }
        Ignition ignition = Ignition.NONE;
        JsonNode ign = data.path("ignition").path("type");
        if (ign.isString()) {
            boolean on = !"Stop".equals(ign.stringValue());
            boolean boundary = "event".equals(type) && event != null && "ignition".equals(event.path("name").asString(null));
            ignition = boundary ? (on ? Ignition.START_EVENT : Ignition.STOP_EVENT) : (on ? Ignition.ON : Ignition.OFF);
        }
        Trip.Position position = null;
        JsonNode p = data.get("position");
        if (p != null && p.path("coordinates").isArray() && p.path("coordinates").size() >= 2) {
            JsonNode c = p.get("coordinates");
            position = new Trip.Position(c.get(0).doubleValue(), c.get(1).doubleValue(),
                    c.size() > 2 ? c.get(2).doubleValue() : null, time(p, at), intOrNull(p.get("heading")),
                    intOrNull(p.get("signalQuality")), textOrNull(p.get("type")), textOrNull(p.get("fixStatus")));
        }
        Double speed = numberOrNull(data.path("kinetic").get("speed"));
        Double mileage = numberOrNull(data.path("odometer").get("mileage"));
        List<Trip.LiteEnergy> energies = new ArrayList<>();
        for (JsonNode e : data.path("energies")) {
            String energyType = textOrNull(e.get("type"));
            if (energyType != null) {
                energies.add(new Trip.LiteEnergy(energyType, textOrNull(e.get("subType")), numberOrNull(e.get("level")),
                        intOrNull(e.get("autonomy"))));
            }
        }
        JsonNode privacyState = data.path("privacy").path("state");
        PrivacyMode privacy = privacyState.isString()
                ? PrivacyMode.ofState(privacyState.stringValue()).orElse(fallback)
                : fallback;
        if (ignition == Ignition.NONE && position == null && speed == null && mileage == null && energies.isEmpty()
                && !data.has("privacy")) {
            return null;
        }
        return new Sample(new Key(at, id), ignition, position, speed, mileage, energies, privacy);
    }

    private static Instant time(JsonNode part, Instant fallback) {
        JsonNode c = part.get("createdAt");
        return c != null && c.isString() ? Instant.parse(c.stringValue()) : fallback;
    }

    private static Double numberOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.doubleValue() : null;
    }

    private static Integer intOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.intValue() : null;
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isString() ? n.stringValue() : null;
    }
}
