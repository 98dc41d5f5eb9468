package org.odomo.events;

import java.time.Instant;

/**
 * A trip ended: appended by the trip consumer. {@code messageId} and {@code at} are those of the
 * trip's last message.
 *
 * @param endReason how it ended: {@code Stop} (an ignition stop), {@code Off} (a sample showed the
 *                  ignition off), {@code Next} (a newer trip started without a stop)
 */
public record TripEnded(String vin, String messageId, Instant at, Instant receivedAt, String tripId,
        String endReason) implements VehicleEvent {
}
