package org.odomo.events;

import java.time.Instant;

/** The vehicle raised an alert of a type that was not open. */
public record AlertRaised(String vin, String messageId, Instant at, Instant receivedAt, String alertType,
        String severity) implements VehicleEvent {
}
