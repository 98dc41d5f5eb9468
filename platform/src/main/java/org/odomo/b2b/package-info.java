/**
 * The fleet owners' read API (B2B v3, {@code /connectedcar/v3/fleets/...}): their fleets, the
 * vehicles in them and each vehicle's current data, through the same views and field rules as the
 * B2C API, with the fleet contract's scopes and the {@code profile} a partner asks for.
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2B fleet API")
package org.odomo.b2b;
