package org.odomo.events;

import java.time.Instant;

/**
 * The electric energy's charging status became {@code InProgress}.
 *
 * @param level the battery level (percent) the vehicle reported with it, or null
 */
public record ChargingStarted(String vin, String messageId, Instant at, Instant receivedAt, Double level)
        implements VehicleEvent {
}
