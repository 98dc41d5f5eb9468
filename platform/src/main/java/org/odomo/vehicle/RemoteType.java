package org.odomo.vehicle;

/** Remote actions a vehicle may support, with the B2C scope that allows an app to send them. */
public enum RemoteType {
    DOOR("door", "remote:door:write"),
    HORN("horn", "remote:horn:write"),
    LIGHTS("lights", "remote:lights:write"),
    CHARGING("charging", "remote:charging:write"),
    PRECONDITIONING("preconditioning", "remote:preconditioning:write"),
    WAKE_UP("wakeUp", "remote:wakeup:write"),
    NAVIGATION("navigation", "remote:navigation:write");

    private final String action;
    private final String scope;

    RemoteType(String action, String scope) {
        this.action = action;
        this.scope = scope;
    }

    /** The {@code command.action} word of the vehicle protocol. */
    public String action() {
        return action;
    }

    public String scope() {
        return scope;
    }
}
