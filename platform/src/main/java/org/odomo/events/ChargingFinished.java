package org.odomo.events;

import java.time.Instant;

/**
 * The electric energy's charging status left {@code InProgress}.
 *
 * @param status the status it went to ({@code Finished}, {@code Stopped}, {@code Failure},
 *               {@code Disconnected}), or null when the vehicle no longer reports one
 * @param level  the battery level (percent) the vehicle reported with it, or null
 */
public record ChargingFinished(String vin, String messageId, Instant at, Instant receivedAt, String status,
        Double level) implements VehicleEvent {
}
