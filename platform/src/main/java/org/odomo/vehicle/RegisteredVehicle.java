package org.odomo.vehicle;

/**
 * A vehicle just registered, with the credential it must present in every message. The platform
 * keeps only a hash of it, so this is the one time it can be read.
 */
public record RegisteredVehicle(Vehicle vehicle, String credential) {
}
