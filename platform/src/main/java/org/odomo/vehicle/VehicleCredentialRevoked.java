package org.odomo.vehicle;

/** Published when a vehicle's credential is revoked: no message of it is accepted any more. */
public record VehicleCredentialRevoked(String vin) {
}
