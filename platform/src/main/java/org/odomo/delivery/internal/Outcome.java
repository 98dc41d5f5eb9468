package org.odomo.delivery.internal;

import java.util.Set;

/**
 * What one attempt came to.
 *
 * @param received     whether the receiver acknowledged it (any 2xx; a written websocket frame)
 * @param statusCode   the receiver's HTTP status, when it answered
 * @param error        why it was not received, for the delivery log
 * @param target       where it went, as the delivery log shows it (no query: it may hold secrets)
 * @param unregistered push device tokens the push service no longer knows
 */
record Outcome(boolean received, Integer statusCode, String error, String target, Set<String> unregistered) {

    static Outcome received(int status, String target) {
        return new Outcome(true, status, null, target, Set.of());
    }

    static Outcome failed(Integer status, String error, String target) {
        return new Outcome(false, status, error, target, Set.of());
    }
}
