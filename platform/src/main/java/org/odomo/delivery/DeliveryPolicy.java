package org.odomo.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * When a message that was not received is sent again, and how messages are grouped.
 *
 * @param retry       what happens after a failed attempt
 * @param retryNumber how many retries {@link Retry#BOUNDED} allows
 * @param retryDelay  the pause between attempts
 * @param lifetime    how long after its event a message may still be delivered; dropped after
 * @param batchSize   the most messages in one delivery (a JSON array)
 * @param batchWindow how long to wait for more messages before sending a batch; zero sends at once
 *                    (B2C batches only a receiver that is behind)
 */
public record DeliveryPolicy(Retry retry, int retryNumber, Duration retryDelay, Duration lifetime, int batchSize,
        Duration batchWindow) {

    public enum Retry {
        /** One attempt, no retry. */
        NONE,
        /** At most {@code retryNumber} retries. */
        BOUNDED,
        /** Until the message's lifetime ends. */
        ALWAYS
    }

    public DeliveryPolicy {
        Objects.requireNonNull(retry);
        Objects.requireNonNull(retryDelay);
        Objects.requireNonNull(lifetime);
        Objects.requireNonNull(batchWindow);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1");
        }
    }

    /**
     * The published B2C behaviour: resent every 10 s until received, for at most 72 h from the
     * event; a receiver that is behind gets JSON arrays of up to 100 messages.
     */
    public static DeliveryPolicy endUser() {
        return new DeliveryPolicy(Retry.ALWAYS, 0, Duration.ofSeconds(10), Duration.ofHours(72), 100, Duration.ZERO);
    }
}
