package org.odomo.events;

import java.time.Instant;

/**
 * A vehicle said it is awake (after a wake-up, or when it starts) or falls asleep, when it stops
 * listening to commands ({@code lifecycle}).
 *
 * @param state {@code Awake} or {@code Asleep}
 */
public record VehicleLifecycleReported(String vin, String messageId, Instant at, Instant receivedAt, String state)
        implements VehicleEvent {
}
