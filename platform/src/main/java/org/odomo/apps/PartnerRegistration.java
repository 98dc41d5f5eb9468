package org.odomo.apps;

import java.util.Set;

/**
 * What the operator is told about a fleet owner to register it.
 *
 * @param loginId  the login of its HTTP Basic credentials, and the CN its certificate request must carry
 * @param contract the data and remote scopes its fleet contract covers: the most it ever reads or sends
 * @param slaPlan  code of the subscribed plan (sandbox when absent)
 */
public record PartnerRegistration(String name, String company, String contactEmail, String loginId,
        Set<String> contract, String slaPlan) {
}
