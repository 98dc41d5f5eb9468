package org.odomo.client;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * An alert the vehicle raised. Each member but the id is null when the server leaves it out.
 *
 * @param id            the alert's id
 * @param type          what it is about, for example {@code FuelLevelLow}
 * @param active        whether it is still raised
 * @param severity      {@code Information}, {@code Warning} or {@code Critical}
 * @param startedAt     when it was raised
 * @param endAt         when it ended; null while active
 * @param startPosition where it was raised (needs {@code data:position} too)
 * @param endPosition   where it ended
 * @param raw           the whole answer as plain maps and lists
 */
public record Alert(String id, String type, Boolean active, String severity, Instant startedAt, Instant endAt,
        Position startPosition, Position endPosition, Map<String, Object> raw) {

    static Alert from(JsonNode json) {
        return new Alert(Json.text(json, "id"), Json.text(json, "type"), Json.bool(json, "active"),
                Json.text(json, "severity"), Json.instant(json, "startedAt"), Json.instant(json, "endAt"),
                Json.position(json, "startPosition"), Json.position(json, "endPosition"), Json.raw(json));
    }
}
