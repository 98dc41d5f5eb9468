package org.odomo.apps;

import java.util.List;
import java.util.Set;

/**
 * What the operator is told about an app to register it.
 *
 * @param loginId         the app's login id, the CN its certificate request must carry
 * @param scopes          the data and remote scopes the app needs: it may never request others
 * @param redirectUris    exact redirect URIs of its OAuth2 authorization requests
 * @param slaPlan         code of the subscribed plan (sandbox when absent)
 */
public record AppRegistration(String name, String concept, String company, String contactEmail,
        Long requestsPerMonth, String loginId, Set<String> scopes, List<String> redirectUris, String slaPlan) {
}
