package org.odomo.simulator;

import tools.jackson.databind.JsonNode;

/** A remote command the car received and is carrying out. */
final class Cmd {

    static final byte RECEIVED = 0;
    static final byte IN_PROGRESS = 1;

    final String id;
    final String action;
    final JsonNode params;
    byte phase;
    /** When the command moves to its next phase. */
    long at;

    Cmd(String id, String action, JsonNode params, byte phase, long at) {
        this.id = id;
        this.action = action;
        this.params = params;
        this.phase = phase;
        this.at = at;
    }
}
