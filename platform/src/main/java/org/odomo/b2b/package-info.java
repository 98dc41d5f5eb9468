/**
 * The fleet owners' read API (B2B v3, {@code /connectedcar/v3/fleets/...}): their fleets, the
 * vehicles in them and each vehicle's current data, through the same views and field rules as the
 * B2C API, with the fleet contract's scopes.
 *
 * <ul>
 * <li>A partner reaches only its own fleets (another partner's is 403, an unknown one 404) and,
 * in a fleet, only the vehicles in it now (a vehicle moved elsewhere is 403 for the old fleet).</li>
 * <li>A fleet sees what a vehicle measured since it joined the fleet, never before: status parts,
 * position and maintenance measured earlier are left out (404 when nothing is left).</li>
 * <li>{@code profile=fleet} (the default) shows what the contract covers and the car uploaded;
 * {@code profile=endUser} also applies the car's privacy mode, as its user's own app would see it
 * (see {@link org.odomo.fleet.FleetAccess#fieldAccess}).</li>
 * <li>The fleet-wide collections (vehicles, status, maintenances) page in VIN order with keyset
 * page tokens signed by the server ({@code odomo.b2b.paging.token-key}, the same on every node),
 * so that the last page of a large fleet costs what the first costs.</li>
 * <li>The capability API ({@code GET /connectedcar/v3/vehicles/{vin}}, served by the B2C module)
 * answers a partner for any VIN, not only its fleets': apps and partners call it before a car is
 * theirs, to know what it can do before enrolling it, and it shows the model's capabilities, no
 * data of the car.</li>
 * </ul>
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2B fleet API")
package org.odomo.b2b;
