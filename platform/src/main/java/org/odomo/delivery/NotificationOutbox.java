package org.odomo.delivery;

import java.util.UUID;

/**
 * The delivery engine's entry point: features that raise notifications (monitors, remotes) write
 * them here, in their own database transaction, and the engine delivers them durably, at least
 * once, in order per stream, under the destination's policy.
 */
public interface NotificationOutbox {

    /**
     * Stores a notification for delivery. Joins the caller's transaction when there is one (so the
     * notification exists exactly when the caller's change commits) and runs in its own otherwise
     * (the notification is durable on return): {@code Propagation.REQUIRED}. Nothing is sent
     * before the commit, and never on the calling thread.
     *
     * @return the notification's id, carried in every body it is sent in as {@code notificationId}
     *         so that receivers can recognise a resent message
     */
    UUID enqueue(Notification notification);

    /**
     * The destination changed (resumed, its target or attributes replaced): what waits for it is
     * tried now rather than at its next scheduled attempt.
     */
    void destinationChanged(String destinationId);
}
