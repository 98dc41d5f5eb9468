package org.odomo.state;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a batch write did.
 *
 * @param stored        per message of the batch, in order: true when written, false for a duplicate
 * @param changedParts  per message index, the state parts that message changed
 * @param privacyStates per VIN, the privacy state the merged state now shows, when it changed
 */
public record WriteResult(List<Boolean> stored, Map<Integer, Set<String>> changedParts, Map<String, String> privacyStates) {
}
