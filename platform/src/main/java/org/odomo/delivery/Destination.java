package org.odomo.delivery;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A receiver of notifications as the delivery engine needs it.
 *
 * @param id         the destination's id (a B2C callback id, for instance), stable for its life
 * @param owner      who owns it: only that owner may read its delivery log
 * @param label      the owner's label for it (the {@code $CallbackLabel} variable), may be empty
 * @param state      whether messages go out now, wait, or are dropped
 * @param channel    how messages reach the receiver
 * @param attributes the owner's headers, body members and query parameters, with variables
 * @param policy     when to retry and how to batch
 * @param format     the body the receiver expects: the B2C {@code Message} (a JSON array of them
 *                   for a batch) or the B2B event list ({@code MonitorEvents}, {@code RemoteEvents})
 */
public record Destination(String id, DeliveryOwner owner, String label, State state, Channel channel,
        List<Attribute> attributes, DeliveryPolicy policy, Format format) {

    /** A destination of the B2C API (bodies in the end-user {@code Message} format). */
    public Destination(String id, DeliveryOwner owner, String label, State state, Channel channel,
            List<Attribute> attributes, DeliveryPolicy policy) {
        this(id, owner, label, state, channel, attributes, policy, Format.END_USER_MESSAGE);
    }

    /** The body a receiver gets. */
    public enum Format {
        /**
         * The B2C webhook template: one {@code Message} per notification, a JSON array of them for
         * a batch, header and query attributes on single messages only.
         */
        END_USER_MESSAGE,
        /**
         * The B2B webhook template: one object with the destination's id ({@code monitorId} for a
         * monitor, {@code callbackId} for a remote callback), its body attributes and the list of
         * {@code events} (one, or a batch); header and query attributes on every delivery. Each
         * event is the notification's event as the producer built it ({@code vin},
         * {@code fleetId}, {@code eventDate}...).
         */
        FLEET_EVENTS
    }

    public Destination {
        Objects.requireNonNull(id);
        Objects.requireNonNull(owner);
        label = label == null ? "" : label;
        Objects.requireNonNull(state);
        Objects.requireNonNull(channel);
        attributes = List.copyOf(attributes);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(format);
    }

    public enum State {
        /** Messages go out. */
        RUNNING,
        /** Messages are kept (within the policy's lifetime) and go out on resume. */
        PAUSED,
        /** The owner lost the right to receive (consent withdrawn, vehicle unlinked): messages are dropped. */
        FAILED
    }

    /** How messages reach the receiver. */
    public sealed interface Channel permits Webhook, Websocket, Push {
    }

    /** An HTTP POST of the message (or of a JSON array of messages) to the target. */
    public record Webhook(URI target) implements Channel {
        public Webhook {
            Objects.requireNonNull(target);
        }
    }

    /** A websocket that the platform opens to the target and keeps open, one text frame per message. */
    public record Websocket(URI target) implements Channel {
        public Websocket {
            Objects.requireNonNull(target);
        }
    }

    /** Mobile devices reached through the push service, one message per device. */
    public record Push(List<String> deviceTokens) implements Channel {
        public Push {
            deviceTokens = List.copyOf(deviceTokens);
        }
    }

    /** One of the owner's attributes; the value may hold variables such as {@code $Vin}. */
    public record Attribute(Kind kind, String key, String value) {
        public enum Kind {
            HEADER, BODY, QUERY
        }

        public Attribute {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(key);
            value = value == null ? "" : value;
        }
    }
}
