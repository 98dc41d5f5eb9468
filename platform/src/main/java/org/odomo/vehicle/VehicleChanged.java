package org.odomo.vehicle;

/** Published after a registry change that affects what a vehicle may upload or do. */
public record VehicleChanged(String vin) {
}
