package org.odomo.client;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * One sample the vehicle sent. Its parts ({@code vehicle}, {@code environment}, {@code privacy})
 * vary with what the vehicle measured and the caller may see, so they are given as plain maps.
 *
 * @param createdAt when the vehicle measured it
 * @param location  where it was, with {@code extension=location}; null otherwise or when not shown
 * @param raw       the whole sample as plain maps and lists
 */
public record Telemetry(Instant createdAt, Position location, Map<String, Object> raw) {

    static Telemetry from(JsonNode json) {
        return new Telemetry(Json.instant(json, "createdAt"),
                Json.position(json.path("_embedded").path("extension"), "location"), Json.raw(json));
    }
}
