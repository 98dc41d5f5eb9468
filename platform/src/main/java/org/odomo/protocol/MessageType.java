package org.odomo.protocol;

import java.util.Arrays;
import java.util.Optional;

/** Message types of the vehicle protocol, with their wire names. */
public enum MessageType {
    TELEMETRY("telemetry", true),
    EVENT("event", true),
    COMMAND_PROGRESS("commandProgress", true),
    LIFECYCLE("lifecycle", true),
    COMMAND("command", false),
    WAKE_UP("wakeUp", false),
    CONFIG("config", false);

    private final String wireName;
    private final boolean uplink;

    MessageType(String wireName, boolean uplink) {
        this.wireName = wireName;
        this.uplink = uplink;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isUplink() {
        return uplink;
    }

    public static Optional<MessageType> ofWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
