package org.odomo.simulator;

import org.odomo.protocol.MessageType;

/** One uplink message kept until the platform acknowledges it: resent byte for byte, same id. */
final class Pending {

    static final byte NEW = 0;
    static final byte IN_FLIGHT = 1;
    static final byte ACKED = 2;
    static final byte WAITING = 3;
    static final byte DROPPED = 4;

    final Twin twin;
    final MessageType type;
    final byte[] json;
    byte state = NEW;
    int attempts;
    long retryAt = Long.MAX_VALUE;
    boolean queued;

    Pending(Twin twin, MessageType type, byte[] json) {
        this.twin = twin;
        this.type = type;
        this.json = json;
    }
}
