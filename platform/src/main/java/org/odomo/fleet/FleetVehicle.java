package org.odomo.fleet;

import java.time.Instant;

import org.odomo.vehicle.Vehicle;

/**
 * A vehicle as one of a fleet's: the fleet sees its data from {@code joinedAt} on, never what it
 * sent before it joined.
 */
public record FleetVehicle(Fleet fleet, Vehicle vehicle, Instant joinedAt) {
}
