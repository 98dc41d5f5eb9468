package org.odomo.apps;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A registered third-party app (accessing party). */
public record App(
        String id,
        String clientId,
        String loginId,
        String name,
        String concept,
        String company,
        String contactEmail,
        long requestsPerMonth,
        Set<String> scopes,
        List<String> redirectUris,
        String slaPlan,
        String certificatePem,
        Status status,
        Instant createdAt,
        Instant updatedAt) {

    public enum Status {
        ACTIVE, SUSPENDED
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
