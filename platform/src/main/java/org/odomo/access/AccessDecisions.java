package org.odomo.access;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.stereotype.Service;

/**
 * The one place that decides what a B2C caller may see of a vehicle: ownership, then the
 * per-field {@link FieldAccess}.
 */
@Service
public class AccessDecisions {

    private final VehicleRegistry vehicles;

    AccessDecisions(VehicleRegistry vehicles) {
        this.vehicles = vehicles;
    }

    /**
     * The vehicle with this API id if it belongs to the caller: 404 when no vehicle has that id,
     * 403 when it is someone else's.
     */
    public Vehicle ownedVehicle(B2cCaller caller, String vehicleId) {
        Vehicle vehicle = vehicles.findByApiIdCached(vehicleId)
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle " + vehicleId));
        if (vehicle.ownerId() == null || vehicle.ownerId() != caller.accountId()) {
            throw new ApiException(ApiErrorCode.NOT_YOUR_VEHICLE, "vehicle " + vehicleId + " is not one of the user's");
        }
        return vehicle;
    }

    /**
     * As {@link #ownedVehicle}, but another user's vehicle answers as an unknown one (404, not 403):
     * what the operations on a vehicle's callbacks (monitors, remotes) document, which also keeps
     * the vehicle's existence private.
     */
    public Vehicle ownedVehicleOrUnknown(B2cCaller caller, String vehicleId) {
        try {
            return ownedVehicle(caller, vehicleId);
        } catch (ApiException e) {
            if (e.code() == ApiErrorCode.NOT_YOUR_VEHICLE) {
                throw new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle " + BodyRules.shown(vehicleId));
            }
            throw e;
        }
    }

    public FieldAccess fieldAccess(B2cCaller caller, Vehicle vehicle) {
        return new FieldAccess(caller.scopes(), vehicle);
    }

    /**
     * What a fleet owner may see of a vehicle of its fleet: the scopes its contract covers, the
     * data the model produces and the active services cover. The {@code endUser} profile (GDPR)
     * also applies the car's privacy mode, as if no intermediary stood between its user and the
     * app; the {@code fleet} profile does not, the fleet owner being the keeper of the car (what
     * the car never uploaded is absent either way).
     */
    public FieldAccess fleetFieldAccess(B2bCaller caller, Vehicle vehicle, boolean endUserProfile) {
        if (endUserProfile) {
            return new FieldAccess(caller.contract(), vehicle);
        }
        return new FieldAccess(caller.contract(), vehicle.motorization(),
                Vehicle.uploadableData(vehicle.services(), PrivacyMode.DATA_AND_LOCATION),
                org.odomo.vehicle.ConnectedService.dataCoveredBy(vehicle.services()));
    }

    /** Refuses the call unless the fleet contract covers every one of these scopes (403). */
    public void requireContract(B2bCaller caller, String... scopes) {
        for (String scope : scopes) {
            if (!caller.covers(scope)) {
                throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "the fleet contract does not cover " + scope);
            }
        }
    }

    /** Refuses the call unless the user granted the app every one of these scopes. */
    public void requireScopes(B2cCaller caller, String... scopes) {
        for (String scope : scopes) {
            if (!caller.granted(scope)) {
                throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "this operation needs the scope " + scope);
            }
        }
    }
}
