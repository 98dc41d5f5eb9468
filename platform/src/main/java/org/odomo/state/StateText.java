package org.odomo.state;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes state documents as JSON, reusing the text of every part that is still the same part
 * object as when the document was last written: parts are replaced, never changed in place, so
 * an unchanged part has an unchanged text. The result is the very text Jackson writes for the
 * whole document (fields in order, no spaces), at the cost of serializing the new parts only,
 * which were just built, rather than walking the whole tree, cold in memory since its last batch.
 */
final class StateText {

    /** A document's JSON and the texts of its parts, by part identity, for its next write. */
    record Written(String json, Map<JsonNode, String> parts) {
    }

    private final JsonMapper json;
    private final Map<String, String> quotedNames = new ConcurrentHashMap<>();

    StateText(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param previous part texts of the document's last write, by part identity (empty when unknown)
     */
    Written write(ObjectNode doc, Map<JsonNode, String> previous) {
        Map<JsonNode, String> parts = new IdentityHashMap<>();
        StringBuilder text = new StringBuilder(1024).append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : doc.properties()) {
            JsonNode part = field.getValue();
            String partText = previous.get(part);
            if (partText == null) {
                partText = json.writeValueAsString(part);
            }
            parts.put(part, partText);
            if (!first) {
                text.append(',');
            }
            first = false;
            String name = quotedNames.get(field.getKey());
            if (name == null) {
                name = quotedNames.computeIfAbsent(field.getKey(), json::writeValueAsString);
            }
            text.append(name).append(':').append(partText);
        }
        return new Written(text.append('}').toString(), parts);
    }
}
