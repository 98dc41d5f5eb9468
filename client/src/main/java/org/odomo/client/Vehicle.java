package org.odomo.client;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * One of the user's vehicles. Calls about it take its {@link #id()}, not its VIN.
 *
 * @param id           the vehicle's id in the API
 * @param vin          its VIN
 * @param motorization {@code Electric}, {@code Hybrid}, {@code Thermic} or {@code Hydrogen}; null when not shown
 * @param brand        the brand (a deprecated member some servers still send); null when absent
 * @param label        the model's name (deprecated member); null when absent
 * @param raw          the whole answer as plain maps and lists, for members this record does not name
 */
public record Vehicle(String id, String vin, String motorization, String brand, String label, Map<String, Object> raw) {

    static Vehicle from(JsonNode json) {
        return new Vehicle(Json.text(json, "id"), Json.text(json, "vin"), Json.text(json, "motorization"),
                Json.text(json, "brand"), Json.text(json, "label"), Json.raw(json));
    }
}
