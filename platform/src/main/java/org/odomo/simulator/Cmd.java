package org.odomo.simulator;

import tools.jackson.databind.JsonNode;

/**
 * A remote command the car received: queued and carried out, then remembered with its outcome for
 * a while, so that the same command sent again is answered rather than run twice.
 */
final class Cmd {

    static final byte RECEIVED = 0;
    static final byte IN_PROGRESS = 1;
    static final byte DONE = 2;

    final String id;
    final String action;
    /** The action's parameters; dropped once done. */
    JsonNode params;
    byte phase;
    /** When the command moves to its next phase. */
    long at;
    /** Once done: {@code Success}, {@code AlreadyDone} or {@code Failed}, and what goes with it. */
    String result;
    String failureCause;
    String feedbackDetail;

    Cmd(String id, String action, JsonNode params, byte phase, long at) {
        this.id = id;
        this.action = action;
        this.params = params;
        this.phase = phase;
        this.at = at;
    }
}
