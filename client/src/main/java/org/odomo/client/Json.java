package org.odomo.client;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the API's JSON into the library's records. Every member is optional and unknown members
 * are ignored, as the contract asks of clients; a member of an unexpected type reads as absent
 * rather than failing the whole answer.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new OdomoClientException("the server's answer is not JSON: " + abbreviate(body), e);
        }
    }

    /** Parses an error body leniently: a proxy's HTML page reads as an empty object. */
    static JsonNode parseLenient(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : MAPPER.readTree(body);
            return node != null && node.isObject() ? node : MAPPER.createObjectNode();
        } catch (JacksonException e) {
            return MAPPER.createObjectNode();
        }
    }

    static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    static String text(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isString() || value.isNumber() || value.isBoolean() ? value.asString() : null;
    }

    static Double number(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isNumber() ? value.doubleValue() : null;
    }

    static Integer integer(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isNumber() ? Integer.valueOf(value.intValue()) : null;
    }

    static Long longValue(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isNumber() ? Long.valueOf(value.longValue()) : null;
    }

    static Boolean bool(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isBoolean() ? value.booleanValue() : null;
    }

    static Instant instant(JsonNode node, String name) {
        String value = text(node, name);
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Duration duration(JsonNode node, String name) {
        String value = text(node, name);
        if (value == null) {
            return null;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static <T> List<T> list(JsonNode node, String name, Function<JsonNode, T> item) {
        JsonNode array = node.path(name);
        if (!array.isArray()) {
            return List.of();
        }
        List<T> items = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            if (element.isObject()) {
                items.add(item.apply(element));
            }
        }
        return Collections.unmodifiableList(items);
    }

    /** The object as plain Java maps, lists, strings, numbers and booleans: no JSON library's types. */
    static Map<String, Object> raw(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(MAPPER.convertValue(node, MAP));
    }

    /** A GeoJSON feature ({@code [longitude, latitude, altitude]}), or null when absent. */
    static Position position(JsonNode node) {
        JsonNode coordinates = node.path("geometry").path("coordinates");
        if (!coordinates.isArray() || coordinates.size() < 2 || !coordinates.get(0).isNumber()
                || !coordinates.get(1).isNumber()) {
            return null;
        }
        JsonNode properties = node.path("properties");
        Double altitude = coordinates.size() > 2 && coordinates.get(2).isNumber() ? coordinates.get(2).doubleValue()
                : null;
        return new Position(coordinates.get(0).doubleValue(), coordinates.get(1).doubleValue(), altitude,
                instant(properties, "createdAt"), integer(properties, "heading"), text(properties, "type"),
                text(properties, "fixStatus"));
    }

    static Position position(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isObject() ? position(value) : null;
    }
}
