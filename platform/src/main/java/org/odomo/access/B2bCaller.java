package org.odomo.access;

import java.util.Set;

/**
 * Who calls the B2B API: a fleet owner (partner), checked by its password, its client id and its
 * client certificate, with the scopes its fleet contract covers.
 */
public record B2bCaller(String partnerId, String loginId, String clientId, Set<String> contract) {

    public boolean covers(String scope) {
        return contract.contains(scope);
    }
}
