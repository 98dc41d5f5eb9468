package org.odomo.oauth;

import java.util.Arrays;
import java.util.Optional;

import org.odomo.vehicle.Brand;

import jakarta.servlet.http.HttpServletRequest;

/**
 * How one authorization server tells the five brand realms apart: the {@code realm} query
 * parameter, as the real token and revocation endpoints take it; failing that, a host named like
 * the brand's identity server ({@code idpcvs.peugeot.com} and so on, for deployments that give
 * each brand its own host name).
 */
public final class Realms {

    public static final String PARAMETER = "realm";
    static final String AUTHORITY_PREFIX = "REALM_";

    private Realms() {
    }

    public static Optional<Brand> fromRequest(HttpServletRequest request) {
        String realm = request.getParameter(PARAMETER);
        if (realm != null && !realm.isBlank()) {
            return Brand.ofRealm(realm);
        }
        return fromHost(request.getServerName());
    }

    static Optional<Brand> fromHost(String host) {
        if (host == null) {
            return Optional.empty();
        }
        return Arrays.stream(Brand.values()).filter(b -> host.equalsIgnoreCase("idpcvs." + b.domain())).findFirst();
    }
}
