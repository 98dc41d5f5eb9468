package org.odomo.fleet;

/**
 * Published after a vehicle joined or left a fleet (a move is both), so that what a fleet set up
 * for the vehicle (monitoring, stolen-vehicle tracking) follows.
 *
 * @param previousFleetId the fleet it left, or null
 * @param fleetId         the fleet it is in now, or null
 */
public record FleetMembershipChanged(String vin, String previousFleetId, String fleetId) {
}
