package org.odomo.remote;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.api.JsonRequestBody;
import org.odomo.delivery.Destination;
import org.odomo.vehicle.RemoteType;

import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code Remote} request body: exactly one action, each checked against its published
 * schema and the prose rules (charging preferences alone, at most 4 preconditioning programs in
 * unique slots 1 to 4, 1 to 10 navigation points). Every refusal is a 400 whose message names the
 * member. Members the schema does not declare are refused too: a misspelt member silently ignored
 * would send the vehicle another command than the app meant.
 */
final class RemoteReader {

    static final int MAX_BODY_BYTES = 32 * 1024;
    static final int MAX_TEXT = 255;
    static final int MAX_ATTRIBUTES = 20;
    static final int MAX_PROGRAMS = 4;
    static final List<String> ACTIONS = List.of("door", "horn", "lights", "charging", "preconditioning", "wakeUp",
            "navigation");
    /** The actions only a fleet owner sends (B2B {@code Remote}): they have no B2C scope. */
    static final List<String> FLEET_ACTIONS = List.of("immobilization", "stolen");
    /** The least report periods (seconds) of a stolen vehicle, ignition on and off (RemoteStolen.trackingPeriod). */
    static final int MIN_RUNNING_PERIOD = 5;
    static final int MIN_SHUTDOWN_PERIOD = 60;
    /** Beyond a day a period would mean the vehicle is not tracked at all. */
    static final int MAX_PERIOD = 86_400;
    private static final Set<String> VARIABLES = Set.of("$Vin", "$CallbackID", "$CallbackLabel", "$RemoteType",
            "$RemoteStatus", "$RemoteLabel");
    private static final Set<String> DAYS = Set.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    /** A time of day as an ISO 8601 duration from midnight: PT14H30M. */
    private static final Pattern TIME_OF_DAY = Pattern.compile("PT(?:\\d{1,2}H)?(?:\\d{1,4}M)?(?:\\d{1,5}S)?");

    /**
     * A checked request.
     *
     * @param action     the action as the vehicle protocol names it
     * @param type       the B2C remote type of the action, or null for the fleet-only actions
     *                   ({@code immobilization}, {@code stolen})
     * @param params     the action's member as the app gave it: the command's {@code params}
     * @param label      the app's label, or null
     * @param attributes the remote's own attributes, then its callback attributes
     */
    record Request(String action, RemoteType type, JsonNode params, String label,
            List<Destination.Attribute> attributes) {
    }

    private RemoteReader() {
    }

    static JsonNode parse(InputStream body) {
        return JsonRequestBody.read(body, MAX_BODY_BYTES);
    }

    /** @param channel the channel of the remote's callback, which callbackAttributes must name */
    static Request read(JsonNode body, String channel) {
        return read(body, channel, false);
    }

    /**
     * A fleet owner's request (the B2B {@code Remote}): the B2C actions plus {@code immobilization}
     * and {@code stolen}, a label, and no attributes of its own (the fleet's callback has them).
     */
    static Request readFleet(JsonNode body) {
        return read(body, "webhook", true);
    }

    private static Request read(JsonNode body, String channel, boolean fleet) {
        object(body, "body");
        List<String> actions = new ArrayList<>(ACTIONS);
        List<String> known = new ArrayList<>(List.of("label"));
        if (fleet) {
            actions.addAll(FLEET_ACTIONS);
        } else {
            known.addAll(List.of("attributes", "callbackAttributes"));
        }
        known.addAll(actions);
        members(body, "", known.toArray(String[]::new));
        List<String> given = actions.stream().filter(body::has).toList();
        if (given.size() != 1) {
            throw invalid((given.isEmpty() ? "" : given + ": ") + "exactly one action is required, one of " + actions);
        }
        String action = given.get(0);
        String label = text(body.get("label"), "label", false);
        List<Destination.Attribute> attributes = new ArrayList<>(
                attributes(body.get("attributes"), "attributes", Set.of("Header", "Body")));
        attributes.addAll(callbackAttributes(body.get("callbackAttributes"), channel));
        JsonNode params = body.get(action);
        if (action.equals("immobilization")) {
            immobilization(params, "immobilization");
            return new Request(action, null, params, label, List.copyOf(attributes));
        }
        if (action.equals("stolen")) {
            stolen(params);
            return new Request(action, null, params, label, List.copyOf(attributes));
        }
        RemoteType type = switch (action) {
            case "door" -> door(params);
            case "horn" -> horn(params);
            case "lights" -> lights(params);
            case "charging" -> charging(params);
            case "preconditioning" -> preconditioning(params);
            case "wakeUp" -> wakeUp(params);
            default -> navigation(params);
        };
        return new Request(action, type, params, label, List.copyOf(attributes));
    }

    private static void immobilization(JsonNode p, String at) {
        object(p, at);
        members(p, at + ".", "activate");
        bool(p.get("activate"), at + ".activate", true);
    }

    /** {@code RemoteStolen}: one of {@code stolen}, {@code trackingPeriod} and {@code immobilization}. */
    private static void stolen(JsonNode p) {
        object(p, "stolen");
        members(p, "stolen.", "stolen", "trackingPeriod", "immobilization");
        if (p.size() != 1) {
            throw invalid("stolen: exactly one of stolen, trackingPeriod and immobilization");
        }
        bool(p.get("stolen"), "stolen.stolen", false);
        if (p.has("immobilization")) {
            immobilization(p.get("immobilization"), "stolen.immobilization");
        }
        JsonNode tracking = p.get("trackingPeriod");
        if (tracking != null) {
            object(tracking, "stolen.trackingPeriod");
            members(tracking, "stolen.trackingPeriod.", "running", "shutdown");
            if (tracking.isEmpty()) {
                throw invalid("stolen.trackingPeriod: running, shutdown or both");
            }
            period(tracking.get("running"), "stolen.trackingPeriod.running", MIN_RUNNING_PERIOD);
            period(tracking.get("shutdown"), "stolen.trackingPeriod.shutdown", MIN_SHUTDOWN_PERIOD);
        }
    }

    private static void period(JsonNode node, String at, int min) {
        if (node == null) {
            return;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min
                || node.intValue() > MAX_PERIOD) {
            throw invalid(at + ": a whole number of seconds from " + min + " to " + MAX_PERIOD);
        }
    }

    private static RemoteType door(JsonNode p) {
        object(p, "door");
        members(p, "door.", "state", "forced");
        oneOf(p.get("state"), "door.state", true, "Unlocked", "Locked");
        bool(p.get("forced"), "door.forced", false);
        return RemoteType.DOOR;
    }

    private static RemoteType horn(JsonNode p) {
        object(p, "horn");
        members(p, "horn.", "state");
        oneOf(p.get("state"), "horn.state", true, "Activated", "Unactivated");
        return RemoteType.HORN;
    }

    private static RemoteType lights(JsonNode p) {
        object(p, "lights");
        members(p, "lights.", "on");
        bool(p.get("on"), "lights.on", true);
        return RemoteType.LIGHTS;
    }

    private static RemoteType wakeUp(JsonNode p) {
        object(p, "wakeUp");
        members(p, "wakeUp.", "action");
        oneOf(p.get("action"), "wakeUp.action", false, "WakeUp");
        return RemoteType.WAKE_UP;
    }

    private static RemoteType navigation(JsonNode p) {
        object(p, "navigation");
        members(p, "navigation.", "positions", "driverApproval");
        bool(p.get("driverApproval"), "navigation.driverApproval", false);
        JsonNode positions = p.get("positions");
        if (positions == null) {
            throw invalid("navigation.positions: required");
        }
        if (!positions.isArray() || positions.isEmpty() || positions.size() > 10) {
            throw invalid("navigation.positions: must be an array of 1 to 10 GeoJSON points (the last is the"
                    + " destination)");
        }
        for (int i = 0; i < positions.size(); i++) {
            String at = "navigation.positions[" + i + "]";
            JsonNode point = positions.get(i);
            object(point, at);
            members(point, at + ".", "type", "coordinates");
            oneOf(point.get("type"), at + ".type", true, "Point");
            JsonNode c = point.get("coordinates");
            if (c == null) {
                throw invalid(at + ".coordinates: required");
            }
            if (!c.isArray() || c.size() < 2 || c.size() > 3) {
                throw invalid(at + ".coordinates: must be [longitude, latitude] or [longitude, latitude, altitude]");
            }
            for (JsonNode n : c) {
                if (!n.isNumber()) {
                    throw invalid(at + ".coordinates: must hold numbers");
                }
            }
            double lon = c.get(0).doubleValue();
            double lat = c.get(1).doubleValue();
            if (!(lon >= -180 && lon <= 180)) {
                throw invalid(at + ".coordinates[0]: a longitude is between -180 and 180");
            }
            if (!(lat >= -90 && lat <= 90)) {
                throw invalid(at + ".coordinates[1]: a latitude is between -90 and 90");
            }
        }
        return RemoteType.NAVIGATION;
    }

    private static RemoteType charging(JsonNode p) {
        object(p, "charging");
        members(p, "charging.", "nextDelayedTime", "schedule", "immediate", "preferences");
        if (p.isEmpty()) {
            throw invalid("charging: one of immediate, schedule and preferences is required");
        }
        if (p.has("preferences") && p.size() > 1) {
            throw invalid("charging.preferences: cannot be combined with immediate or schedule");
        }
        bool(p.get("immediate"), "charging.immediate", false);
        if (p.has("nextDelayedTime")) {
            if (p.has("schedule")) {
                throw invalid("charging.nextDelayedTime: deprecated, and not with schedule (give"
                        + " schedule.nextDelayedTime)");
            }
            instant(p.get("nextDelayedTime"), "charging.nextDelayedTime");
        }
        if (p.has("schedule")) {
            JsonNode s = p.get("schedule");
            object(s, "charging.schedule");
            members(s, "charging.schedule.", "nextDelayedTime", "programs");
            if (s.size() != 1) {
                throw invalid("charging.schedule: exactly one of nextDelayedTime and programs");
            }
            if (s.has("nextDelayedTime")) {
                instant(s.get("nextDelayedTime"), "charging.schedule.nextDelayedTime");
            } else {
                JsonNode programs = s.get("programs");
                if (!programs.isArray() || programs.isEmpty() || programs.size() > MAX_PROGRAMS) {
                    throw invalid("charging.schedule.programs: must be an array of 1 to " + MAX_PROGRAMS
                            + " programs");
                }
                for (int i = 0; i < programs.size(); i++) {
                    String at = "charging.schedule.programs[" + i + "]";
                    JsonNode program = programs.get(i);
                    object(program, at);
                    members(program, at + ".", "start", "end", "occurence", "enabled");
                    timeOfDay(program.get("start"), at + ".start", true);
                    timeOfDay(program.get("end"), at + ".end", false);
                    occurence(program.get("occurence"), at + ".occurence", false);
                    bool(program.get("enabled"), at + ".enabled", false);
                }
            }
        }
        if (p.has("preferences")) {
            JsonNode prefs = p.get("preferences");
            object(prefs, "charging.preferences");
            members(prefs, "charging.preferences.", "level", "type");
            if (prefs.isEmpty()) {
                throw invalid("charging.preferences: level or type is required");
            }
            oneOf(prefs.get("level"), "charging.preferences.level", false, "Level1", "Level2", "Level3", "Level4",
                    "Level5");
            oneOf(prefs.get("type"), "charging.preferences.type", false, "Partial", "Full");
        }
        return RemoteType.CHARGING;
    }

    private static RemoteType preconditioning(JsonNode p) {
        object(p, "preconditioning");
        members(p, "preconditioning.", "airConditioning");
        JsonNode ac = p.get("airConditioning");
        if (ac == null) {
            throw invalid("preconditioning.airConditioning: required");
        }
        object(ac, "preconditioning.airConditioning");
        members(ac, "preconditioning.airConditioning.", "immediate", "programs");
        if (ac.isEmpty()) {
            throw invalid("preconditioning.airConditioning: immediate or programs is required");
        }
        bool(ac.get("immediate"), "preconditioning.airConditioning.immediate", false);
        JsonNode programs = ac.get("programs");
        if (programs != null) {
            if (!programs.isArray() || programs.isEmpty() || programs.size() > MAX_PROGRAMS) {
                throw invalid("preconditioning.airConditioning.programs: must be an array of 1 to " + MAX_PROGRAMS
                        + " programs");
            }
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < programs.size(); i++) {
                String at = "preconditioning.airConditioning.programs[" + i + "]";
                JsonNode program = programs.get(i);
                object(program, at);
                members(program, at + ".", "slot", "enabled", "recurrence", "start", "occurence", "actionsType");
                String action = oneOf(program.get("actionsType"), at + ".actionsType", false, "Set", "Delete");
                boolean set = action == null || action.equals("Set");
                JsonNode slot = program.get("slot");
                if (slot == null) {
                    throw invalid(at + ".slot: required");
                }
                if (!slot.isIntegralNumber() || slot.asLong() < 1 || slot.asLong() > 4) {
                    throw invalid(at + ".slot: an integer from 1 to 4");
                }
                if (!slots.add(slot.asInt())) {
                    throw invalid(at + ".slot: slot " + slot.asInt() + " is already used in this list");
                }
                bool(program.get("enabled"), at + ".enabled", set);
                String recurrence = oneOf(program.get("recurrence"), at + ".recurrence", false, "None", "Daily");
                // The published schema requires start in every program, Delete ones included.
                timeOfDay(program.get("start"), at + ".start", true);
                occurence(program.get("occurence"), at + ".occurence", set);
                if ("None".equals(recurrence) && program.path("occurence").path("day").size() > 1) {
                    throw invalid(at + ".occurence: a program without recurrence runs on one day");
                }
            }
        }
        return RemoteType.PRECONDITIONING;
    }

    private static void occurence(JsonNode node, String at, boolean required) {
        if (node == null) {
            if (required) {
                throw invalid(at + ": required");
            }
            return;
        }
        object(node, at);
        members(node, at + ".", "day");
        JsonNode days = node.get("day");
        if (days == null) {
            throw invalid(at + ".day: required");
        }
        if (!days.isArray() || days.isEmpty() || days.size() > 7) {
            throw invalid(at + ".day: must be an array of 1 to 7 days");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < days.size(); i++) {
            String day = oneOf(days.get(i), at + ".day[" + i + "]", true, DAYS.toArray(String[]::new));
            if (!seen.add(day)) {
                throw invalid(at + ".day[" + i + "]: " + day + " is already listed");
            }
        }
    }

    private static void timeOfDay(JsonNode node, String at, boolean required) {
        if (node == null) {
            if (required) {
                throw invalid(at + ": required");
            }
            return;
        }
        String text = text(node, at, true);
        Duration d;
        try {
            d = TIME_OF_DAY.matcher(text).matches() && !text.equals("PT") ? Duration.parse(text) : null;
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofDays(1)) >= 0) {
            throw invalid(at + ": a time of day as an ISO 8601 duration from midnight, such as PT14H30M");
        }
    }

    private static void instant(JsonNode node, String at) {
        String text = text(node, at, true);
        try {
            Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(at + ": an RFC 3339 date and time, such as 2024-05-01T22:00:00Z");
        }
    }

    private static List<Destination.Attribute> callbackAttributes(JsonNode node, String channel) {
        if (node == null) {
            return List.of();
        }
        String at = "callbackAttributes";
        object(node, at);
        members(node, at + ".", "webhook", "websocket", "pushnotif");
        if (node.size() > 1) {
            throw invalid(at + ": only one of webhook, websocket and pushnotif");
        }
        if (node.size() == 1 && !node.has(channel)) {
            throw invalid(at + ": the remote's callback is a " + channel + " one, so only " + channel
                    + " attributes apply");
        }
        if (node.has("webhook")) {
            return attributes(node.get("webhook"), at + ".webhook", Set.of("Header", "Body", "Query"));
        } else if (node.has("websocket")) {
            return attributes(node.get("websocket"), at + ".websocket", Set.of("Body"));
        } else if (node.has("pushnotif")) {
            return attributes(node.get("pushnotif"), at + ".pushnotif", Set.of("Header", "Body"));
        }
        return List.of();
    }

    private static List<Destination.Attribute> attributes(JsonNode node, String at, Set<String> types) {
        List<Destination.Attribute> attributes = new ArrayList<>();
        for (BodyRules.AttributeEntry e : BodyRules.attributes(node, at, types, VARIABLES, MAX_ATTRIBUTES, MAX_TEXT)) {
            Destination.Attribute.Kind kind = switch (e.type()) {
                case "Header" -> Destination.Attribute.Kind.HEADER;
                case "Query" -> Destination.Attribute.Kind.QUERY;
                default -> Destination.Attribute.Kind.BODY;
            };
            attributes.add(new Destination.Attribute(kind, e.key(), e.value()));
        }
        return attributes;
    }

    private static String oneOf(JsonNode node, String at, boolean required, String... values) {
        String text = text(node, at, required);
        if (text != null && !List.of(values).contains(text)) {
            throw invalid(at + ": must be one of " + List.of(values));
        }
        return text;
    }

    private static void bool(JsonNode node, String at, boolean required) {
        if (node == null) {
            if (required) {
                throw invalid(at + ": required");
            }
            return;
        }
        if (!node.isBoolean()) {
            throw invalid(at + ": must be true or false");
        }
    }

    private static void object(JsonNode node, String at) {
        BodyRules.object(node, at);
    }

    private static void members(JsonNode node, String prefix, String... known) {
        BodyRules.members(node, prefix, known);
    }

    private static String text(JsonNode node, String at, boolean required) {
        return BodyRules.text(node, at, required, MAX_TEXT);
    }

    static String shown(String text) {
        return BodyRules.shown(text);
    }

    static ApiException invalid(String message) {
        return BodyRules.invalid(message);
    }
}
