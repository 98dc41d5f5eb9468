package org.odomo.vehicle;

/**
 * The kinds of vehicle data a connected service can cover and a vehicle can upload. They are
 * coarser than API fields: the access layer maps each field to one or more of them.
 */
public enum DataCategory {
    TELEMETRY("telemetry"),
    POSITION("position"),
    ALERT("alert"),
    COLLISION("collision"),
    MAINTENANCE("maintenance"),
    TRIP("trip");

    private final String wireName;

    DataCategory(String wireName) {
        this.wireName = wireName;
    }

    /** Name used in the vehicle protocol's {@code config} message. */
    public String wireName() {
        return wireName;
    }
}
