package org.odomo.fleet;

/**
 * Whether a vehicle is declared stolen now (a fleet owner's stolen-vehicle declaration that is
 * not closed): what the remote rules ({@code NotPossibleDueToVehicleStolenState}) and the fleet
 * monitors' stolen-state data ask. Implemented by the stolen-vehicle declarations.
 */
public interface StolenStates {

    boolean stolen(String vin);

    /**
     * The declaration of this fleet open now for the vehicle, as the fleet API's {@code Stolen}
     * shows it without its links (a fleet monitor's {@code vehicle.stolen} extension); empty when
     * the fleet has none open.
     */
    java.util.Optional<tools.jackson.databind.node.ObjectNode> openDeclaration(String fleetId, String vin);
}
