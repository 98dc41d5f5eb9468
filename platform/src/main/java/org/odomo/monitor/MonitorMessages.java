package org.odomo.monitor;

import java.util.List;

import org.odomo.monitor.MonitorDefinition.Attribute;
import org.odomo.monitor.MonitorEvaluation.Notification;
import org.odomo.monitor.MonitorEvaluation.TriggerValue;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body a receiver gets for a monitor notification: the webhook template's {@code Message} of
 * type {@code Monitor}, carrying a {@code MonitorEvent}. The monitor's own variables are valued
 * here; the callback's ({@code $Vin}, {@code $CallbackLabel}) are the delivery engine's, which
 * knows the callback at send time.
 */
final class MonitorMessages {

    private MonitorMessages() {
    }

    static ObjectNode message(String callbackId, String monitorId, MonitorDefinition monitor, Notification n) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("callbackId", callbackId);
        List<Attribute> bodyAttributes = monitor.attributes().stream().filter(a -> a.type().equals("Body")).toList();
        if (!bodyAttributes.isEmpty()) {
            ArrayNode attributes = body.putArray("attributes");
            for (Attribute a : bodyAttributes) {
                attributes.addObject().put("key", a.key()).put("value", valued(a.value(), callbackId, monitorId,
                        monitor.label()));
            }
        }
        body.put("type", "Monitor");
        body.put("date", n.at().toString());
        body.set("monitorEvent", event(monitorId, n));
        return body;
    }

    /** The {@code MonitorEvent}: what the delivery engine puts in the message it builds. */
    static ObjectNode event(String monitorId, Notification n) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("monitorId", monitorId);
        ArrayNode values = event.putArray("values");
        for (TriggerValue v : n.values()) {
            ObjectNode item = values.addObject();
            item.put("data", v.data());
            ObjectNode value = item.putObject("value");
            value.put("type", "string");
            value.putObject("body").put("literalValue", v.value());
            if (v.previous() != null) {
                item.put("previous", v.previous());
            }
        }
        event.put("refresh", n.refresh());
        return event;
    }

    /**
     * The B2B {@code MonitorEvent}: which fleet and vehicle raised it, when, and the values that
     * made the expression true. The delivery engine puts it in the {@code events} of the
     * {@code MonitorEvents} it sends, with the monitor's id.
     */
    static ObjectNode fleetEvent(String fleetId, String vin, Notification n) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("fleetId", fleetId);
        event.put("vin", vin);
        event.put("eventDate", n.at().toString());
        ArrayNode values = event.putArray("values");
        for (TriggerValue v : n.values()) {
            ObjectNode item = values.addObject();
            item.put("data", v.data());
            ObjectNode value = item.putObject("value");
            value.put("type", "string");
            value.putObject("body").put("literalValue", v.value());
        }
        event.put("refresh", n.refresh());
        return event;
    }

    private static String valued(String value, String callbackId, String monitorId, String label) {
        return switch (value) {
            case "$MonitorID" -> monitorId;
            case "$MonitorLabel" -> label;
            case "$CallbackID" -> callbackId;
            default -> value;
        };
    }
}
