package org.odomo.account;

import java.time.Instant;

import org.odomo.vehicle.Brand;

/** An end user's account in one brand realm. */
public record Account(long id, Brand brand, String email, String firstName, String lastName,
        Instant createdAt, Instant updatedAt) {

    public String realm() {
        return brand.realm();
    }
}
