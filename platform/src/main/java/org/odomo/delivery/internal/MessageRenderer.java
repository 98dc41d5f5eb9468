package org.odomo.delivery.internal;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.delivery.Destination;
import org.odomo.delivery.Notification;
import org.odomo.delivery.Destination.Attribute;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds what a receiver gets from stored notifications: the B2C {@code Message}
 * ({@code callbackId}, {@code attributes}, {@code type}, {@code date}, {@code monitorEvent} or
 * {@code remoteEvent}) plus the {@code notificationId} extension member, and for a single
 * message the owner's Header and Query attributes. A batch is a JSON array of messages and
 * carries body attributes only.
 */
final class MessageRenderer {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The extension member with the notification's id: the same in every resend. */
    static final String NOTIFICATION_ID = "notificationId";
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z]+)");

    /** What goes out in one attempt. */
    record Rendered(String body, Map<String, String> headers, Map<String, String> query, List<JsonNode> messages) {
    }

    private MessageRenderer() {
    }

    static Rendered single(Destination destination, OutboxStore.Stored n) {
        if (destination.format() == Destination.Format.FLEET_EVENTS) {
            return fleetEvents(destination, List.of(n));
        }
        Map<String, String> variables = variables(destination, n);
        ObjectNode message = message(destination, n, variables);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        for (Attribute a : allAttributes(destination, n)) {
            if (a.kind() == Attribute.Kind.HEADER) {
                headers.put(a.key(), substitute(a.value(), variables));
            } else if (a.kind() == Attribute.Kind.QUERY) {
                query.put(a.key(), substitute(a.value(), variables));
            }
        }
        return new Rendered(JSON.writeValueAsString(message), headers, query, List.of(message));
    }

    static Rendered batch(Destination destination, List<OutboxStore.Stored> notifications) {
        if (destination.format() == Destination.Format.FLEET_EVENTS) {
            return fleetEvents(destination, notifications);
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        List<JsonNode> messages = new ArrayList<>();
        for (OutboxStore.Stored n : notifications) {
            ObjectNode m = message(destination, n, variables(destination, n));
            array.add(m);
            messages.add(m);
        }
        return new Rendered(JSON.writeValueAsString(array), Map.of(), Map.of(), messages);
    }

    /**
     * The B2B body: {@code {monitorId | callbackId, attributes, events}}. Header, query and body
     * attributes take their variables from the first notification: those of the monitor or callback
     * are the same for all, and a per-vehicle one ({@code $Vin}) names the first event's vehicle.
     */
    private static Rendered fleetEvents(Destination destination, List<OutboxStore.Stored> notifications) {
        OutboxStore.Stored first = notifications.get(0);
        Map<String, String> variables = variables(destination, first);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(first.kind() == Notification.Kind.MONITOR ? "monitorId" : "callbackId", destination.id());
        ArrayNode attributes = body.putArray("attributes");
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        for (Attribute a : allAttributes(destination, first)) {
            String value = substitute(a.value(), variables);
            switch (a.kind()) {
                case BODY -> attributes.addObject().put("key", a.key()).put("value", value);
                case HEADER -> headers.put(a.key(), value);
                case QUERY -> query.put(a.key(), value);
            }
        }
        ArrayNode events = body.putArray("events");
        for (OutboxStore.Stored n : notifications) {
            ObjectNode event = (ObjectNode) JSON.readTree(n.event());
            event.put(NOTIFICATION_ID, n.id().toString());
            events.add(event);
        }
        return new Rendered(JSON.writeValueAsString(body), headers, query, List.of(body));
    }

    private static ObjectNode message(Destination destination, OutboxStore.Stored n, Map<String, String> variables) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("callbackId", destination.id());
        ArrayNode attributes = m.putArray("attributes");
        for (Attribute a : allAttributes(destination, n)) {
            if (a.kind() == Attribute.Kind.BODY) {
                attributes.addObject().put("key", a.key()).put("value", substitute(a.value(), variables));
            }
        }
        m.put("type", n.kind().type());
        m.put("date", DateTimeFormatter.ISO_INSTANT.format(n.eventTime()));
        m.set(n.kind().member(), JSON.readTree(n.event()));
        m.put(NOTIFICATION_ID, n.id().toString());
        return m;
    }

    /** The destination's attributes, then the notification's own. */
    private static List<Attribute> allAttributes(Destination destination, OutboxStore.Stored n) {
        if (n.attributes() == null) {
            return destination.attributes();
        }
        List<Attribute> all = new ArrayList<>(destination.attributes());
        for (JsonNode a : JSON.readTree(n.attributes())) {
            all.add(new Attribute(Attribute.Kind.valueOf(a.get("kind").asString()), a.get("key").asString(),
                    a.get("value").asString()));
        }
        return all;
    }

    /** The notification's own attributes as stored: a JSON array, or null when there are none. */
    static String attributes(List<Attribute> attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Attribute a : attributes) {
            array.addObject().put("kind", a.kind().name()).put("key", a.key()).put("value", a.value());
        }
        return JSON.writeValueAsString(array);
    }

    private static Map<String, String> variables(Destination destination, OutboxStore.Stored n) {
        Map<String, String> values = new LinkedHashMap<>();
        JsonNode stored = JSON.readTree(n.variables());
        for (Map.Entry<String, JsonNode> e : stored.properties()) {
            values.put(e.getKey(), e.getValue().asString());
        }
        values.put("CallbackID", destination.id());
        values.put("CallbackLabel", destination.label());
        return values;
    }

    /** Replaces the known variables; anything else that looks like one is left as written. */
    static String substitute(String value, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = variables.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
