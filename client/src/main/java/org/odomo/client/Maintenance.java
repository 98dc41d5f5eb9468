package org.odomo.client;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * When the vehicle's next service is due. Each member is null when the server leaves it out.
 *
 * @param createdAt                when the vehicle measured it
 * @param daysBeforeMaintenance    days left; negative once passed
 * @param mileageBeforeMaintenance km left; negative once passed
 */
public record Maintenance(Instant createdAt, Integer daysBeforeMaintenance, Double mileageBeforeMaintenance) {

    static Maintenance from(JsonNode json) {
        return new Maintenance(Json.instant(json, "createdAt"), Json.integer(json, "daysBeforeMaintenance"),
                Json.number(json, "mileageBeforeMaintenance"));
    }
}
