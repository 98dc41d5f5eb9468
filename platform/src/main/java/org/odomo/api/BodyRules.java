package org.odomo.api;

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
}
