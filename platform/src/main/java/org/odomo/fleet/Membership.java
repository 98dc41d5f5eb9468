package org.odomo.fleet;

import java.time.Instant;

/** The fleet a vehicle is in now, since when. */
public record Membership(String vin, String fleetId, Instant joinedAt) {
}
