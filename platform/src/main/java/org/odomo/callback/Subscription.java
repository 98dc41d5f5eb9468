package org.odomo.callback;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A checked callback subscription: what the app asked for, in the form it is stored and shown.
 *
 * @param label      the app's label, null when it gave none
 * @param types      the features it serves ({@code Monitor}, {@code Remote}), null when the app gave
 *                   none (then it serves both)
 * @param channel    how messages reach the receiver
 * @param name       the webhook's name (webhooks only, else null)
 * @param target     the webhook or websocket target (null for push)
 * @param devices    the push devices (push only, else empty)
 * @param attributes the app's attributes, variables in their canonical spelling
 */
record Subscription(String label, Set<Type> types, Channel channel, String name, URI target, List<String> devices,
        List<Attribute> attributes) {

    Subscription {
        Objects.requireNonNull(channel);
        types = types == null ? null : Set.copyOf(types);
        devices = List.copyOf(devices);
        attributes = List.copyOf(attributes);
    }

    /** The features a callback can serve. */
    enum Type {
        Monitor, Remote
    }

    /** The three kinds of callback, named as the API's members are. */
    enum Channel {
        webhook, websocket, pushnotif
    }

    /** Where an attribute goes. */
    enum AttributeType {
        Header, Body, Query
    }

    record Attribute(AttributeType type, String key, String value) {
    }

    boolean serves(Type type) {
        return types == null || types.contains(type);
    }
}
