package org.odomo.events;

import java.time.Instant;

/**
 * The privacy state the vehicle reports changed.
 *
 * @param from the state before ({@code None}, {@code Geolocation}, {@code Full}), or null when none was known
 * @param to   the state now
 */
public record PrivacyModeChanged(String vin, String messageId, Instant at, Instant receivedAt, String from, String to)
        implements VehicleEvent {
}
