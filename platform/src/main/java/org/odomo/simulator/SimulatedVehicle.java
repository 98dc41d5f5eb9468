package org.odomo.simulator;

import java.util.Objects;
import java.util.Set;

import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModels;
import org.odomo.vehicle.Vin;

/**
 * One car to simulate, as the platform registered it.
 *
 * @param vin           the registered VIN
 * @param modelCode     a code of {@link VehicleModels}
 * @param credential    the secret the car presents in every uplink message
 * @param privacyMode   the privacy setting chosen in the car
 * @param upload        the data categories the car may upload until the platform sends a {@code config}
 * @param homeLongitude where the car is parked at night (WGS 84 degrees)
 * @param homeLatitude  where the car is parked at night (WGS 84 degrees)
 */
public record SimulatedVehicle(String vin, String modelCode, String credential, PrivacyMode privacyMode,
        Set<DataCategory> upload, double homeLongitude, double homeLatitude) {

    public SimulatedVehicle {
        if (!Vin.isValid(vin)) {
            throw new IllegalArgumentException("not a VIN: " + vin);
        }
        VehicleModels.require(modelCode);
        if (credential == null || credential.isEmpty() || credential.length() > 200) {
            throw new IllegalArgumentException("credential missing or longer than 200 characters");
        }
        Objects.requireNonNull(privacyMode, "privacyMode");
        upload = upload == null ? Set.of() : Set.copyOf(upload);
        if (!(homeLongitude >= -180 && homeLongitude <= 180 && homeLatitude >= -85 && homeLatitude <= 85)) {
            throw new IllegalArgumentException("home position out of range: " + homeLongitude + ", " + homeLatitude);
        }
    }
}
