package org.odomo.client;

import java.util.Arrays;

/**
 * The brand realms of the platform. A user's account lives in one realm, the one of the brand of
 * their car; an app enrolls a user in that realm and names it on every call.
 */
public enum Realm {
    PEUGEOT("clientsB2CPeugeot"),
    CITROEN("clientsB2CCitroen"),
    DS("clientsB2CDS"),
    OPEL("clientsB2COpel"),
    VAUXHALL("clientsB2CVauxhall");

    private final String id;

    Realm(String id) {
        this.id = id;
    }

    /** The realm's name as the API spells it, for example {@code clientsB2CPeugeot}. */
    public String id() {
        return id;
    }

    /** The realm of that name. */
    public static Realm of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown realm " + id));
    }
}
