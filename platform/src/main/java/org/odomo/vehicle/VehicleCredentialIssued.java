package org.odomo.vehicle;

/**
 * Published when a vehicle is given a credential (on registration and when it is replaced), so
 * that whatever else authenticates the vehicle (the MQTT broker's account) can follow. It carries
 * the secret itself, the only moment the platform has it: it is never persisted nor logged.
 */
public record VehicleCredentialIssued(String vin, String credential) {

    @Override
    public String toString() {
        return "VehicleCredentialIssued[vin=" + vin + "]";
    }
}
