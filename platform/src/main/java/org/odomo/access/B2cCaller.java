package org.odomo.access;

import java.util.Set;

import org.odomo.vehicle.Brand;

/**
 * Who calls the B2C API: an end user (account id and realm) through an app (client id), with the
 * scopes the user granted that app.
 */
public record B2cCaller(long accountId, Brand brand, String clientId, Set<String> scopes) {

    public boolean granted(String scope) {
        return scopes.contains(scope);
    }
}
