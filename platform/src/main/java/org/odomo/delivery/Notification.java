package org.odomo.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * A notification raised by a monitor or a remote, as its feature hands it to the delivery engine.
 *
 * @param destinationId the destination (a B2C callback id, for instance) it goes to
 * @param streamKey     the monitor or remote id: order and retry are per stream, never across streams
 * @param eventTime     when the event happened; the destination's lifetime counts from it, and it is
 *                      the message's {@code date}
 * @param kind          whether it is a monitor or a remote notification
 * @param event         the {@code monitorEvent} or {@code remoteEvent} body
 * @param variables     the values of the attribute variables, by name without the dollar sign
 *                      ({@code Vin}, {@code MonitorID}, {@code MonitorLabel}, {@code RemoteType},
 *                      {@code RemoteStatus}, {@code RemoteLabel}); {@code CallbackID} and
 *                      {@code CallbackLabel} come from the destination
 * @param attributes    the producer's own attributes (a monitor's {@code attributes} and
 *                      {@code callbackAttributes}), sent after the destination's, variables substituted
 *                      the same way
 */
public record Notification(String destinationId, String streamKey, Instant eventTime, Kind kind, JsonNode event,
        Map<String, String> variables, List<Destination.Attribute> attributes) {

    /** A notification with the destination's attributes only. */
    public Notification(String destinationId, String streamKey, Instant eventTime, Kind kind, JsonNode event,
            Map<String, String> variables) {
        this(destinationId, streamKey, eventTime, kind, event, variables, List.of());
    }

    public enum Kind {
        MONITOR("Monitor", "monitorEvent"), REMOTE("Remote", "remoteEvent");

        private final String type;
        private final String member;

        Kind(String type, String member) {
            this.type = type;
            this.member = member;
        }

        /** The message's {@code type}. */
        public String type() {
            return type;
        }

        /** The member of the message that holds the event. */
        public String member() {
            return member;
        }
    }

    public Notification {
        Objects.requireNonNull(destinationId);
        Objects.requireNonNull(streamKey);
        Objects.requireNonNull(eventTime);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(event);
        if (destinationId.isEmpty() || destinationId.length() > 100 || streamKey.isEmpty()
                || streamKey.length() > 200) {
            throw new IllegalArgumentException("destinationId (1 to 100 characters) and streamKey (1 to 200) are"
                    + " required");
        }
        if (!event.isObject()) {
            throw new IllegalArgumentException("the event must be a JSON object");
        }
        variables = Map.copyOf(variables);
        attributes = List.copyOf(attributes);
    }
}
