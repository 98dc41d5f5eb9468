package org.odomo.protocol;

import java.time.Instant;

import tools.jackson.databind.node.ObjectNode;

/**
 * A decoded uplink message. The JSON sections are kept as trees: the data parts use the API's
 * own shapes and are stored and served as they are.
 *
 * @param data      the data sample, or null
 * @param event     the event section of an {@code event} message, or null
 * @param command   the command section of a {@code commandProgress} message, or null
 * @param lifecycle the lifecycle section, or null
 */
public record VehicleMessage(
        int version,
        String vin,
        String id,
        Instant at,
        MessageType type,
        String credential,
        ObjectNode data,
        ObjectNode event,
        ObjectNode command,
        ObjectNode lifecycle) {

    /** Same message with another data sample (after the upload filter). */
    public VehicleMessage withData(ObjectNode filtered) {
        return new VehicleMessage(version, vin, id, at, type, credential, filtered, event, command, lifecycle);
    }

    /** Same message with another event section (after the upload filter). */
    public VehicleMessage withEvent(ObjectNode filtered) {
        return new VehicleMessage(version, vin, id, at, type, credential, data, filtered, command, lifecycle);
    }

    public String eventName() {
        return event == null ? null : event.path("name").asString(null);
    }
}
