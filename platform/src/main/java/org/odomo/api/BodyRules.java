package org.odomo.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * The checks that the readers of request bodies (callbacks, monitors, remotes) apply member by
 * member, each failing with the API's invalid-body error that names the member's path.
 */
public final class BodyRules {

    private BodyRules() {
    }

    /** The node must be a JSON object. */
    public static void object(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw invalid(at + ": must be a JSON object");
        }
    }

    /** Every member of the object must be one of {@code known}: a misspelt member is not silently ignored. */
    public static void members(JsonNode node, String prefix, String... known) {
        Set<String> allowed = Set.of(known);
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw invalid(prefix + shown(name) + ": not a member of this object; known: " + new TreeSet<>(allowed));
            }
        }
    }

    /** A non-empty string of at most {@code max} characters; null when absent and not required. */
    public static String text(JsonNode node, String at, boolean required, int max) {
        if (node == null) {
            if (required) {
                throw invalid(at + ": required");
            }
            return null;
        }
        if (!node.isString() || node.stringValue().isEmpty()) {
            throw invalid(at + ": must be a non-empty string");
        }
        if (node.stringValue().length() > max) {
            throw invalid(at + ": at most " + max + " characters");
        }
        return node.stringValue();
    }

    /** A caller's text as an error message may quote it: cut short, without control characters. */
    public static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    public static ApiException invalid(String message) {
        return new ApiException(ApiErrorCode.INVALID_BODY, message);
    }

    /** One entry of a body's {@code attributes} ({@code type} Header, Body or Query). */
    public record AttributeEntry(String type, String key, String value) {
    }

    /**
     * A body's {@code attributes} array: at most {@code max} entries, each {@code type} one of
     * {@code types}, a header-safe {@code key}, a {@code value} without control characters that
     * names one of {@code variables} when it starts with {@code $}. Empty when absent.
     */
    public static List<AttributeEntry> attributes(JsonNode node, String at, Set<String> types, Set<String> variables,
            int max, int maxText) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() > max) {
            throw invalid(at + ": must be an array of at most " + max + " attributes");
        }
        List<AttributeEntry> attributes = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String a = at + "[" + i + "]";
            JsonNode attr = node.get(i);
            object(attr, a);
            members(attr, a + ".", "type", "key", "value");
            String type = text(attr.get("type"), a + ".type", true, maxText);
            if (!types.contains(type)) {
                throw invalid(a + ".type: must be one of " + new TreeSet<>(types));
            }
            String key = text(attr.get("key"), a + ".key", true, maxText);
            if (!key.matches("[A-Za-z0-9_.\\-]{1,100}")) {
                throw invalid(a + ".key: letters, digits, . - and _ only, at most 100");
            }
            String value = text(attr.get("value"), a + ".value", true, maxText);
            if (value.startsWith("$") && !variables.contains(value)) {
                throw invalid(a + ".value: unknown variable '" + shown(value) + "'; known: " + new TreeSet<>(
                        variables));
            }
            if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw invalid(a + ".value: no control characters");
            }
            attributes.add(new AttributeEntry(type, key, value));
        }
        return attributes;
    }
}
