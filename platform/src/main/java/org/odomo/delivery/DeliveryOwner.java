package org.odomo.delivery;

import java.util.Objects;

/**
 * Who owns a destination: an end user's enrollment of an app (B2C), or later a fleet of a partner
 * (B2B). Compared by value.
 */
public record DeliveryOwner(Kind kind, String key) {

    public enum Kind {
        END_USER_APP, FLEET
    }

    public DeliveryOwner {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(key);
    }

    /** A partner's fleet of the B2B API: its fleet monitors and remote callbacks. */
    public static DeliveryOwner fleet(String fleetId) {
        return new DeliveryOwner(Kind.FLEET, fleetId);
    }

    /** The (user, app) pair of the B2C API: the account and the app's client id. */
    public static DeliveryOwner endUserApp(long accountId, String clientId) {
        return new DeliveryOwner(Kind.END_USER_APP, accountId + "/" + clientId);
    }
}
