package org.odomo.fleet;

import java.time.Instant;

/** A partner's group of vehicles. */
public record Fleet(String id, String partnerId, String name, String description, Instant createdAt, Instant updatedAt) {
}
