package org.odomo.events;

import java.time.Instant;

/** The vehicle cleared its open alert of a type. */
public record AlertClosed(String vin, String messageId, Instant at, Instant receivedAt, String alertType)
        implements VehicleEvent {
}
