package org.odomo.fleet;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.odomo.vehicle.Vin;
import org.springframework.stereotype.Service;

/**
 * The one place that decides what a fleet owner may reach: its own fleets, the vehicles in them
 * now, and of each vehicle the data its contract covers under the requested GDPR profile.
 */
@Service
public class FleetAccess {

    private final FleetDirectory fleets;
    private final VehicleRegistry vehicles;
    private final AccessDecisions decisions;

    FleetAccess(FleetDirectory fleets, VehicleRegistry vehicles, AccessDecisions decisions) {
        this.fleets = fleets;
        this.vehicles = vehicles;
        this.decisions = decisions;
    }

    /** The fleet if it is the caller's: 404 when no fleet has that id, 403 when it is another partner's. */
    public Fleet ownedFleet(B2bCaller caller, String fleetId) {
        Fleet fleet = fleets.find(fleetId)
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no fleet " + BodyRules.shown(fleetId)));
        if (!fleet.partnerId().equals(caller.partnerId())) {
            throw new ApiException(ApiErrorCode.FORBIDDEN, "fleet " + BodyRules.shown(fleetId)
                    + " is not one of the partner's");
        }
        return fleet;
    }

    /**
     * The vehicle {@code vehicleId} (its API id, or its VIN) of the caller's fleet: 404 when no
     * vehicle has that id, 403 when it is not in this fleet now (another fleet's, or one that left).
     */
    public FleetVehicle fleetVehicle(B2bCaller caller, String fleetId, String vehicleId) {
        Fleet fleet = ownedFleet(caller, fleetId);
        Vehicle vehicle = vehicles.findByApiIdCached(vehicleId)
                .or(() -> Vin.isValid(vehicleId) ? vehicles.findCached(vehicleId) : java.util.Optional.empty())
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle "
                        + BodyRules.shown(vehicleId)));
        Membership membership = fleets.membership(vehicle.vin()).filter(m -> m.fleetId().equals(fleet.id()))
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_YOUR_VEHICLE, "vehicle "
                        + BodyRules.shown(vehicleId) + " is not in fleet " + BodyRules.shown(fleetId)));
        return new FleetVehicle(fleet, vehicle, membership.joinedAt());
    }

    /**
     * What the caller may see of the vehicle's data: the contract's scopes, the model and its
     * services; with {@code profile=endUser}, the car's privacy mode as well.
     *
     * @param profile the {@code profile} query parameter: null or {@code fleet}, or {@code endUser}
     */
    public FieldAccess fieldAccess(B2bCaller caller, Vehicle vehicle, String profile) {
        return decisions.fleetFieldAccess(caller, vehicle, endUserProfile(profile));
    }

    /** Reads the {@code profile} query parameter: 400 for anything but {@code fleet} or {@code endUser}. */
    public static boolean endUserProfile(String profile) {
        if (profile == null || profile.equals("fleet")) {
            return false;
        }
        if (profile.equals("endUser")) {
            return true;
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "profile must be fleet or endUser, not "
                + BodyRules.shown(profile));
    }
}
