package org.odomo.vehicle;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** A registered vehicle as the registry knows it. */
public record Vehicle(
        String vin,
        String apiId,
        Brand brand,
        String modelCode,
        String label,
        Motorization motorization,
        Long ownerId,
        PrivacyMode privacyMode,
        Set<ConnectedService> services,
        Instant createdAt,
        Instant updatedAt) {

    public Vehicle {
        services = services.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(services));
    }

    public VehicleModel model() {
        return VehicleModels.require(modelCode);
    }

    /**
     * What the platform accepts from this vehicle now: the data its active services cover, less
     * what its privacy mode keeps in the car.
     */
    public Set<DataCategory> uploadableData() {
        return uploadableData(services, privacyMode);
    }

    public static Set<DataCategory> uploadableData(Set<ConnectedService> services, PrivacyMode mode) {
        EnumSet<DataCategory> allowed = EnumSet.noneOf(DataCategory.class);
        allowed.addAll(ConnectedService.dataCoveredBy(services));
        if (!mode.refreshesData()) {
            allowed.clear();
        } else if (!mode.refreshesLocation()) {
            allowed.remove(DataCategory.POSITION);
        }
        return allowed;
    }

    public Set<RemoteType> remotesAvailable() {
        EnumSet<RemoteType> available = EnumSet.noneOf(RemoteType.class);
        available.addAll(ConnectedService.remotesCoveredBy(services));
        available.retainAll(model().remotes());
        return available;
    }
}
