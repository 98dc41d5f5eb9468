package org.odomo.apps;

import java.time.Instant;
import java.util.Set;

/**
 * A fleet owner registered for the B2B API (a partner): its identity, the scopes its fleet
 * contract covers, its plan and the serial of the client certificate in force.
 */
public record Partner(
        String id,
        String clientId,
        String loginId,
        String name,
        String company,
        String contactEmail,
        Set<String> contract,
        String slaPlan,
        String certificatePem,
        String certificateSerial,
        App.Status status,
        Instant createdAt,
        Instant updatedAt) {

    public boolean active() {
        return status == App.Status.ACTIVE;
    }
}
