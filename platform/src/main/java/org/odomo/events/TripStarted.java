package org.odomo.events;

import java.time.Instant;

/**
 * A trip began: appended by the trip consumer when a message opens a trip, or when a late message
 * makes a rebuild find one more. {@code messageId} and {@code at} are those of the trip's first
 * message; {@code receivedAt}, when the message that revealed the trip was received.
 */
public record TripStarted(String vin, String messageId, Instant at, Instant receivedAt, String tripId)
        implements VehicleEvent {
}
