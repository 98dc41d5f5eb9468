package org.odomo.vehicle;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A model as sold: what it is, what data it can produce and which remote actions its telematics
 * unit understands. The energy figures drive the simulator and the capability API.
 *
 * @param batteryKwh         usable traction battery, 0 without one
 * @param electricKwhPer100  consumption on electric drive
 * @param tankLitres         fuel tank (hydrogen models: kg of H2), 0 without one
 * @param fuelPer100         fuel (or kg of H2) per 100 km
 * @param maxChargeKw        AC home charging power for plug-in models
 * @param preconditioningPrograms  weekly programs the car stores, 0 when it has none
 */
public record VehicleModel(
        String code,
        Brand brand,
        String label,
        Motorization motorization,
        double batteryKwh,
        double electricKwhPer100,
        double tankLitres,
        double fuelPer100,
        double maxChargeKw,
        int preconditioningPrograms,
        Set<RemoteType> remotes) {

    public VehicleModel {
        remotes = Set.copyOf(remotes);
    }

    public boolean supports(RemoteType remote) {
        return remotes.contains(remote);
    }

    /**
     * The data scopes and sub-scopes the model can produce, in the vocabulary of the API's
     * {@code onboardCapabilities.data}. Derived from the data catalog's vehicle types: gearbox
     * ratio and engine fluids only exist with a combustion engine; traction battery, charging and
     * the alarm activation state only with an electrified powertrain.
     */
    public Set<String> producedData() {
        Set<String> data = new LinkedHashSet<>(List.of(
                "data:telemetry", "data:telemetry:environment", "data:telemetry:privacy",
                "data:telemetry:vehicle", "data:telemetry:vehicle:ignition",
                "data:telemetry:vehicle:energies", "data:telemetry:vehicle:engines",
                "data:telemetry:vehicle:doorsState", "data:telemetry:vehicle:powertrain",
                "data:telemetry:vehicle:battery", "data:telemetry:vehicle:safety",
                "data:telemetry:vehicle:odometer", "data:telemetry:vehicle:kinetic",
                "data:telemetry:vehicle:adas", "data:telemetry:vehicle:lightingSystem",
                "data:telemetry:vehicle:maintenance", "data:telemetry:vehicle:drivingBehavior",
                "data:telemetry:vehicle:wipingBlades"));
        if (motorization == Motorization.ICE || motorization == Motorization.PHEV) {
            data.add("data:telemetry:vehicle:transmission");
        }
        if (motorization.hasTractionBattery()) {
            data.add("data:telemetry:vehicle:alarm");
        }
        if (supports(RemoteType.PRECONDITIONING)) {
            data.add("data:telemetry:vehicle:preconditioning");
        }
        data.addAll(List.of("data:position", "data:trip", "data:alert", "data:collision"));
        return data;
    }

    /** Views under which the platform serves a picture of the model (see {@link VehiclePictures}). */
    public static final List<String> PICTURE_VIEWS = List.of("side", "front");

    /** Paths, relative to the platform's base URL, of the model's pictures. */
    public List<String> picturePaths() {
        return PICTURE_VIEWS.stream().map(view -> "/media/vehicles/" + code + "/" + view + ".svg").toList();
    }

    static Set<RemoteType> remotes(RemoteType... types) {
        return types.length == 0 ? EnumSet.noneOf(RemoteType.class) : EnumSet.of(types[0], types);
    }
}
