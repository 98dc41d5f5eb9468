package org.odomo.callback;

/**
 * A callback is gone: its app deleted it, or the push service reported its last device
 * unregistered. Published inside the deleting transaction, so that what hangs on the callback
 * (its monitors) goes in the same commit.
 *
 * @param callbackId the deleted callback
 */
public record CallbackDeleted(String callbackId) {
}
