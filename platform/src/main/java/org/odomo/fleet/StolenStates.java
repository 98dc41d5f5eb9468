package org.odomo.fleet;

/**
 * Whether a vehicle is declared stolen now (a fleet owner's stolen-vehicle declaration that is
 * not closed): what the remote rules ({@code NotPossibleDueToVehicleStolenState}) and the fleet
 * monitors' stolen-state data ask. Implemented by the stolen-vehicle declarations.
 */
public interface StolenStates {

    boolean stolen(String vin);
}
