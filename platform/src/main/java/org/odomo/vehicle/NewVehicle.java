package org.odomo.vehicle;

import java.util.Set;

/** What the operator (or the demo seeding) gives to register a vehicle. */
public record NewVehicle(String vin, Brand brand, String modelCode, Long ownerId,
        PrivacyMode privacyMode, Set<ConnectedService> services) {
}
