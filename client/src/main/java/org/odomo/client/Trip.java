package org.odomo.client;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A trip, from ignition on to ignition off. Each member but the id is null when the server leaves
 * it out (positions need {@code data:position} as well as {@code data:trip}).
 *
 * @param id            the trip's id
 * @param startedAt     when it started
 * @param stoppedAt     when it stopped; null while in progress
 * @param duration      seconds
 * @param distance      km
 * @param startMileage  odometer at the start, km
 * @param startPosition where it started
 * @param stopPosition  where it stopped
 * @param done          whether it is over
 * @param raw           the whole answer as plain maps and lists (energies, consumptions, faults...)
 */
public record Trip(String id, Instant startedAt, Instant stoppedAt, Long duration, Double distance,
        Double startMileage, Position startPosition, Position stopPosition, Boolean done, Map<String, Object> raw) {

    static Trip from(JsonNode json) {
        return new Trip(Json.text(json, "id"), Json.instant(json, "startedAt"), Json.instant(json, "stoppedAt"),
                Json.longValue(json, "duration"), Json.number(json, "distance"), Json.number(json, "startMileage"),
                Json.position(json, "startPosition"), Json.position(json, "stopPosition"), Json.bool(json, "done"),
                Json.raw(json));
    }
}
