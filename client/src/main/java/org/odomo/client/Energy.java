package org.odomo.client;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * One energy of a vehicle: its fuel tank (or hydrogen) or its traction battery. Each member is
 * null when the server leaves it out (a scope not granted, a privacy mode, a model that does not
 * measure it).
 *
 * @param type      {@code Fuel} or {@code Electric}
 * @param subType   {@code FossilEnergy}, {@code ElectricEnergy} or {@code Hydrogen}
 * @param level     percent
 * @param autonomy  range in km
 * @param createdAt when the vehicle measured it
 * @param charging  the battery's charging, for an electric energy
 */
public record Energy(String type, String subType, Double level, Integer autonomy, Instant createdAt,
        Charging charging) {

    /** An item of {@code energies}: the charging is in {@code extension.electric.charging}. */
    static Energy from(JsonNode json) {
        return new Energy(Json.text(json, "type"), Json.text(json, "subType"), Json.number(json, "level"),
                Json.integer(json, "autonomy"), Json.instant(json, "createdAt"),
                Charging.from(json.path("extension").path("electric").path("charging")));
    }

    /**
     * An item of the deprecated {@code energy} array: the same item, whose electric one may carry
     * the older {@code charging} object directly.
     */
    static Energy fromLegacy(JsonNode json) {
        Energy energy = from(json);
        Charging direct = Charging.from(json.path("charging"));
        return direct == null ? energy
                : new Energy(energy.type, energy.subType, energy.level, energy.autonomy, energy.createdAt, direct);
    }
}
