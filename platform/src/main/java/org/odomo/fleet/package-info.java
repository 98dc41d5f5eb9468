/**
 * Fleets of the B2B API: a partner's groups of vehicles, a vehicle in at most one fleet at a time,
 * and the checks every fleet operation starts with ({@link org.odomo.fleet.FleetAccess}): the
 * fleet is the caller's, the vehicle is in it, and which of its data the contract lets through.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Fleets")
package org.odomo.fleet;
