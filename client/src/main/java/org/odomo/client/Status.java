package org.odomo.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * The latest state of a vehicle, each part as the vehicle last measured it. A part the caller may
 * not see is absent (null or empty), never a guess.
 *
 * @param createdAt    when the newest part was measured
 * @param energies     the energies (fuel, battery)
 * @param legacyEnergy the deprecated {@code energy} array that older apps read: the same items,
 *                     the electric one with its {@code charging} directly
 * @param mileage      odometer in km; null when not shown
 * @param ignition     {@code Stop}, {@code StartUp} or {@code Start}; null when not shown
 * @param lastPosition where the vehicle was last; null when not shown
 * @param privacy      the privacy mode set in the car: {@code None}, {@code Geolocation} or {@code Full}; null when not shown
 * @param raw          the whole answer as plain maps and lists, for the parts this record does not name
 */
public record Status(Instant createdAt, List<Energy> energies, List<Energy> legacyEnergy, Double mileage,
        String ignition, Position lastPosition, String privacy, Map<String, Object> raw) {

    static Status from(JsonNode json) {
        return new Status(Json.instant(json, "createdAt"), Json.list(json, "energies", Energy::from),
                Json.list(json, "energy", Energy::fromLegacy), Json.number(json.path("odometer"), "mileage"),
                Json.text(json.path("ignition"), "type"), Json.position(json, "lastPosition"),
                Json.text(json.path("privacy"), "state"), Json.raw(json));
    }

    /** The energy of that type ({@code Electric} or {@code Fuel}), if shown. */
    public Optional<Energy> energy(String type) {
        return energies.stream().filter(e -> type.equals(e.type())).findFirst();
    }
}
