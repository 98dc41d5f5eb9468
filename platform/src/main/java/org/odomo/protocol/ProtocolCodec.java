package org.odomo.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes and validates uplink messages, and encodes downlink ones. Decoding is all-or-nothing:
 * either every section of the message is valid and comes back cleaned of unknown fields, or a
 * {@link MalformedMessageException} says what is wrong.
 */
public final class ProtocolCodec {

    public static final int VERSION = 1;
    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final JsonMapper json;

    public ProtocolCodec() {
        this(JsonMapper.builder().build());
    }

    public ProtocolCodec(JsonMapper json) {
        this.json = json;
    }

    public JsonMapper json() {
        return json;
    }

    public VehicleMessage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessageException(null, "empty message");
        }
        if (bytes.length > MAX_BYTES) {
            throw new MalformedMessageException(null, "message larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw new MalformedMessageException(null, "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException(null, "message must be a JSON object");
        }
        String vin = root.path("vin").isString() ? root.path("vin").stringValue() : null;
        if (vin == null || !VIN.matcher(vin).matches()) {
            throw new MalformedMessageException(null, "vin missing or not a VIN");
        }
        try {
            return decodeFields(root, vin);
        } catch (MalformedMessageException e) {
            throw e.vin() == null ? new MalformedMessageException(vin, e.getMessage()) : e;
        }
    }

    private VehicleMessage decodeFields(JsonNode root, String vin) {
        JsonNode v = root.path("v");
        if (!v.isIntegralNumber()) {
            throw new MalformedMessageException(vin, "v (protocol version) missing");
        }
        if (v.intValue() != VERSION) {
            throw new MalformedMessageException(vin, "unsupported protocol version " + v.intValue());
        }
        String id = root.path("id").isString() ? root.path("id").stringValue() : null;
        if (id == null || !MESSAGE_ID.matcher(id).matches()) {
            throw new MalformedMessageException(vin, "id missing or invalid");
        }
        Instant at = instant(vin, root.path("at"), "at");
        MessageType type = root.path("type").isString()
                ? MessageType.ofWire(root.path("type").stringValue()).orElse(null) : null;
        if (type == null || !type.isUplink()) {
            throw new MalformedMessageException(vin, "type missing or not an uplink type: " + root.path("type"));
        }
        // Optional: a transport that proves the sender's identity (a per-vehicle MQTT account) needs
        // none; whether one is required is the ingest gateway's decision, not the codec's.
        String credential = null;
        if (root.has("credential")) {
            credential = root.path("credential").isString() ? root.path("credential").stringValue() : null;
            if (credential == null || credential.isEmpty() || credential.length() > 200) {
                throw new MalformedMessageException(vin, "credential must be a string of 1 to 200 characters");
            }
        }
        ObjectNode data = root.has("data") ? VehicleDataShapes.checkData(root.get("data")) : null;
        ObjectNode event = null;
        ObjectNode command = null;
        ObjectNode lifecycle = null;
        switch (type) {
            case TELEMETRY -> {
                if (data == null) {
                    throw new MalformedMessageException(vin, "telemetry without data");
                }
            }
            case EVENT -> event = checkEvent(vin, root.path("event"));
            case COMMAND_PROGRESS -> {
                command = (ObjectNode) VehicleDataShapes.COMMAND_PROGRESS.check("command", root.path("command"));
                boolean done = "Done".equals(command.path("status").stringValue());
                if (done != command.has("result")) {
                    throw new MalformedMessageException(vin, "command.result goes with status Done, and only with it");
                }
                if (command.has("failureCause") && !"Failed".equals(command.path("result").asString(""))) {
                    throw new MalformedMessageException(vin, "command.failureCause goes with result Failed");
                }
                if (command.has("feedbackDetail") && !"Success".equals(command.path("result").asString(""))) {
                    throw new MalformedMessageException(vin, "command.feedbackDetail goes with result Success");
                }
            }
            case LIFECYCLE -> lifecycle = (ObjectNode) VehicleDataShapes.LIFECYCLE.check("lifecycle",
                    root.path("lifecycle"));
            default -> throw new MalformedMessageException(vin, "not an uplink type: " + type);
        }
        return new VehicleMessage(VERSION, vin, id, at, type, credential, data, event, command, lifecycle);
    }

    private ObjectNode checkEvent(String vin, JsonNode event) {
        if (!event.isObject() || !event.path("name").isString()) {
            throw new MalformedMessageException(vin, "event.name missing");
        }
        String name = event.path("name").stringValue();
        ObjectNode clean = switch (name) {
            case "alertRaised" -> (ObjectNode) VehicleDataShapes.EVENT_ALERT_RAISED.check("event", event);
            case "alertCleared" -> (ObjectNode) VehicleDataShapes.EVENT_ALERT_CLEARED.check("event", event);
            case "collision" -> (ObjectNode) VehicleDataShapes.EVENT_COLLISION.check("event", event);
            case "alarm" -> (ObjectNode) VehicleDataShapes.EVENT_ALARM.check("event", event);
            default -> {
                if (!VehicleDataShapes.DATA_ONLY_EVENTS.contains(name)) {
                    throw new MalformedMessageException(vin, "unknown event " + name);
                }
                yield Shape.NODES.objectNode();
            }
        };
        clean.put("name", name);
        return clean;
    }

    private static Instant instant(String vin, JsonNode node, String field) {
        if (!node.isString()) {
            throw new MalformedMessageException(vin, field + " missing");
        }
        try {
            return Instant.parse(node.stringValue());
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException(vin, field + " is not an RFC 3339 time: " + node.stringValue());
        }
    }

    /** Serialises a message (uplink or downlink) built as a tree. */
    public byte[] encode(JsonNode message) {
        return json.writeValueAsBytes(message);
    }

    public String toJson(JsonNode node) {
        return json.writeValueAsString(node);
    }

    public JsonNode readTree(String text) {
        return json.readTree(text);
    }

    public JsonNode readTree(byte[] bytes) {
        return json.readTree(bytes);
    }

    public ObjectNode newObject() {
        return json.createObjectNode();
    }

    /** Starts an envelope with the fields every message has. */
    public ObjectNode envelope(String vin, String id, Instant at, MessageType type) {
        ObjectNode root = json.createObjectNode();
        root.put("v", VERSION);
        root.put("vin", vin);
        root.put("id", id);
        root.put("at", at.toString());
        root.put("type", type.wireName());
        return root;
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
