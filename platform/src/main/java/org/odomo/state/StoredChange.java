package org.odomo.state;

import java.time.Instant;
import java.util.Set;

import tools.jackson.databind.node.ObjectNode;

/**
 * One message of a batch as the write left the vehicle's state, handed to the stages that run in
 * the write's transaction (event derivation). The state documents are snapshots that nobody
 * changes afterwards: a merge replaces parts, never changes one in place.
 *
 * @param index        the message's place in the written batch
 * @param before       the state before this message (empty for a vehicle without state)
 * @param after        the state after this message
 * @param changedParts the {@link StatePart}s this message made newer
 * @param older        whether the message was measured before the stored state and changed nothing
 * @param alert        the alert the message opened or closed, or null
 */
public record StoredChange(int index, IncomingMessage incoming, ObjectNode before, ObjectNode after,
        Set<String> changedParts, boolean older, AlertChange alert) {

    /**
     * An alert opened ({@code raised}) or closed by an alert event.
     *
     * @param severity the raised alert's severity; null when closed
     */
    public record AlertChange(String type, String severity, boolean raised, Instant at) {
    }
}
