package org.odomo.client;

/**
 * The charging of a traction battery. Each member is null when the server leaves it out.
 *
 * @param plugged         whether a cable is plugged in
 * @param status          {@code Disconnected}, {@code InProgress}, {@code Failure}, {@code Stopped} or {@code Finished}
 * @param remainingTime   time until the battery is charged (an ISO 8601 duration), as sent
 * @param chargingRate    km of range gained per hour
 * @param chargingMode    {@code No}, {@code Slow} or {@code Quick}
 * @param nextDelayedTime time until the next delayed charge (an ISO 8601 duration), as sent
 */
public record Charging(Boolean plugged, String status, String remainingTime, Integer chargingRate,
        String chargingMode, String nextDelayedTime) {

    static Charging from(tools.jackson.databind.JsonNode json) {
        if (!json.isObject()) {
            return null;
        }
        return new Charging(Json.bool(json, "plugged"), Json.text(json, "status"), Json.text(json, "remainingTime"),
                Json.integer(json, "chargingRate"), Json.text(json, "chargingMode"), Json.text(json, "nextDelayedTime"));
    }
}
