package org.odomo.monitor;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.api.JsonRequestBody;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.monitor.DataPath.Op;
import org.odomo.monitor.DataPath.ValueType;
import org.odomo.monitor.MonitorDefinition.Attribute;
import org.odomo.monitor.MonitorDefinition.DataTrigger;
import org.odomo.monitor.MonitorDefinition.Previous;
import org.odomo.monitor.MonitorDefinition.TimeTrigger;
import org.odomo.monitor.MonitorDefinition.TimeWindow;
import org.odomo.monitor.MonitorDefinition.Transition;
import org.odomo.monitor.MonitorDefinition.Trigger;
import org.odomo.monitor.MonitorDefinition.ZoneTrigger;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Scopes;

import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code MonitorParameter} body member by member; anything the published schema or prose
 * rules out is a 400 whose message names the member (or the position in {@code boolExp}). Members
 * the schema does not declare are refused too: a misspelt member silently ignored would make a
 * monitor that never fires as the app meant.
 */
final class MonitorReader {

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_TEXT = 255;
    static final int MAX_ATTRIBUTES = 20;
    static final int MAX_VALUES = 50;
    static final int MAX_TIMES = 20;
    static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Paris");

    private static final Pattern NAME = Pattern.compile("[a-zA-Z]+[.\\-_]?[0-9]*");
    private static final Pattern WEEK = Pattern.compile("[wW]([1-9][0-9]?)(?:-[wW]([1-9][0-9]?))?");
    private static final Set<String> VARIABLES = Set.of("$Vin", "$CallbackID", "$CallbackLabel", "$MonitorID",
            "$MonitorLabel");
    private static final Set<String> TELEMETRY_TYPES = Set.of("environment", "privacy", "vehicle", "vehicle.adas",
            "vehicle.battery", "vehicle.doorsState", "vehicle.energies", "vehicle.engines", "vehicle.ignition",
            "vehicle.lightingSystem", "vehicle.safety", "vehicle.transmission", "vehicle.alarm.status",
            "vehicle.alarm.trigger", "vehicle.wipingBlades");
    /** The scope each {@code extendedEventParam} entry needs (telemetry ones: data:telemetry). */
    private static final Map<String, String> EXTENSIONS = Map.of("vehicle.doorsState", Scopes.TELEMETRY,
            "vehicle.status", Scopes.TELEMETRY, "vehicle.maintenance", Scopes.TELEMETRY, "vehicle.position",
            Scopes.POSITION, "vehicle.telemetry", Scopes.TELEMETRY, "vehicle.alerts", Scopes.ALERT, "vehicle.alarm",
            Scopes.TELEMETRY, "vehicle.trip", Scopes.TRIP, "vehicle.collisions", Scopes.COLLISION,
            // (fleet monitors only) the declaration shows where the car was when it was declared stolen
            "vehicle.stolen", Scopes.POSITION);

    private MonitorReader() {
    }

    /** Reads at most {@link #MAX_BODY_BYTES} of the body and parses it. */
    static JsonNode parse(InputStream body) {
        return JsonRequestBody.read(body, MAX_BODY_BYTES);
    }

    /**
     * @param channel the channel of the monitor's callback (webhook, websocket, pushnotif), with
     *                which {@code subscribeParam.callbackAttributes} must agree
     */
    static MonitorDefinition read(JsonNode body, String channel) {
        object(body, "the request body (MonitorParameter)");
        members(body, "", "label", "subscribeParam", "attributes", "extendedEventParam", "triggerParam");
        String label = text(body.get("label"), "label", true);
        Integer refresh = null;
        JsonNode subscribe = body.get("subscribeParam");
        if (subscribe != null) {
            object(subscribe, "subscribeParam");
            members(subscribe, "subscribeParam.", "refreshEvent", "callbackAttributes");
            JsonNode r = subscribe.get("refreshEvent");
            if (r != null) {
                if (!r.isIntegralNumber() || !r.canConvertToInt()) {
                    throw invalid("subscribeParam.refreshEvent: must be an integer number of seconds");
                }
                if (r.intValue() < 60) {
                    throw invalid("subscribeParam.refreshEvent: must be at least 60 seconds, not " + r.intValue());
                }
                refresh = r.intValue();
            }
            JsonNode ca = subscribe.get("callbackAttributes");
            if (ca != null) {
                callbackAttributes(ca, channel);
            }
        }
        List<Attribute> attributes = attributes(body.get("attributes"), "attributes", Set.of("Header", "Body"));
        List<String> extensions = extensions(body.get("extendedEventParam"));
        TriggerParam param = triggerParam(body.get("triggerParam"), false);
        return new MonitorDefinition(label, refresh, attributes, extensions, param.triggers(), param.boolExp());
    }

    /** The triggers and their expression, read from {@code triggerParam}. */
    record TriggerParam(List<Trigger> triggers, BoolExp boolExp) {
    }

    /**
     * Reads {@code triggerParam}.
     *
     * @param fleet whether the monitor is a fleet one, which may watch the data only the B2B API lists
     */
    static TriggerParam triggerParam(JsonNode param, boolean fleet) {
        if (param == null) {
            throw invalid("triggerParam: required");
        }
        object(param, "triggerParam");
        members(param, "triggerParam.", "triggers", "boolExp");
        JsonNode triggersNode = param.get("triggers");
        if (triggersNode == null || !triggersNode.isArray() || triggersNode.isEmpty() || triggersNode.size() > 5) {
            throw invalid("triggerParam.triggers: required, an array of 1 to 5 triggers");
        }
        List<Trigger> triggers = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < triggersNode.size(); i++) {
            Trigger t = trigger(triggersNode.get(i), "triggerParam.triggers[" + i + "]", fleet);
            if (!names.add(t.name())) {
                throw invalid("triggerParam.triggers[" + i + "].name: '" + t.name() + "' is already the name of"
                        + " another trigger");
            }
            triggers.add(t);
        }
        BoolExp exp = boolExp(param.get("boolExp"), names);
        return new TriggerParam(triggers, exp);
    }

    /** Whether {@code type} is one of the telemetry types a {@code vehicle.telemetry.<type>} entry names. */
    static boolean isTelemetryType(String type) {
        return TELEMETRY_TYPES.contains(type);
    }

    /** Every scope the monitor needs: its triggers' and its extensions'. */
    static Set<String> scopesNeeded(MonitorDefinition d) {
        Set<String> scopes = new TreeSet<>();
        d.triggers().forEach(t -> scopes.addAll(t.scopes()));
        for (String e : d.extensions()) {
            scopes.add(EXTENSIONS.get(e.startsWith("vehicle.telemetry") ? "vehicle.telemetry" : e));
        }
        return scopes;
    }

    /**
     * The data categories a connected service of the vehicle must cover for the monitor's triggers
     * to ever see their data (a time window reads none).
     */
    static Set<DataCategory> dataNeeded(MonitorDefinition d) {
        Set<DataCategory> needed = EnumSet.noneOf(DataCategory.class);
        for (var t : d.triggers()) {
            for (String scope : t.scopes()) {
                needed.add(switch (scope) {
                    case Scopes.POSITION -> DataCategory.POSITION;
                    case Scopes.ALERT -> DataCategory.ALERT;
                    case Scopes.TRIP -> DataCategory.TRIP;
                    default -> DataCategory.TELEMETRY;
                });
            }
        }
        return needed;
    }

    static BoolExp boolExp(JsonNode node, Set<String> declared) {
        if (node == null || !node.isString() || node.stringValue().isBlank()) {
            throw invalid("triggerParam.boolExp: required, an expression over the trigger names");
        }
        BoolExp exp;
        try {
            exp = BoolExp.parse(node.stringValue());
        } catch (BoolExp.SyntaxError e) {
            throw invalid("triggerParam.boolExp: " + e.getMessage());
        }
        Set<String> used = exp.names();
        for (String name : used) {
            if (!declared.contains(name)) {
                throw invalid("triggerParam.boolExp: '" + shown(name) + "' at position " + node.stringValue()
                        .indexOf(name) + " is not the name of a trigger; declared: " + declared);
            }
        }
        for (String name : declared) {
            if (!used.contains(name)) {
                throw invalid("triggerParam.boolExp: trigger '" + name + "' is declared but not used");
            }
        }
        if (!BoolExp.isContingent(exp, List.copyOf(used))) {
            boolean always = exp.evaluate(n -> false);
            throw invalid("triggerParam.boolExp: the expression is always " + always + " whatever the triggers");
        }
        return exp;
    }

    private static Trigger trigger(JsonNode node, String at, boolean fleet) {
        object(node, at);
        members(node, at + ".", "name", "zone", "time", "data");
        JsonNode nameNode = node.get("name");
        String name = text(nameNode, at + ".name", true);
        if (!NAME.matcher(name).matches()) {
            throw invalid(at + ".name: '" + shown(name) + "' must be letters, then optionally one of . - _, then"
                    + " optionally digits");
        }
        int kinds = (node.has("zone") ? 1 : 0) + (node.has("time") ? 1 : 0) + (node.has("data") ? 1 : 0);
        if (kinds != 1) {
            throw invalid(at + ": exactly one of zone, time and data is required");
        }
        if (node.has("zone")) {
            return zone(name, node.get("zone"), at + ".zone");
        }
        if (node.has("time")) {
            return time(name, node.get("time"), at + ".time");
        }
        return data(name, node.get("data"), at + ".data", fleet);
    }

    private static ZoneTrigger zone(String name, JsonNode node, String at) {
        object(node, at);
        members(node, at + ".", "transition", "place");
        JsonNode transition = node.get("transition");
        if (transition == null || !transition.isString()
                || !(transition.stringValue().equals("In") || transition.stringValue().equals("Out"))) {
            throw invalid(at + ".transition: required, In or Out");
        }
        JsonNode place = node.get("place");
        if (place == null) {
            throw invalid(at + ".place: required, a circle {center, radius}");
        }
        object(place, at + ".place");
        members(place, at + ".place.", "center", "radius");
        JsonNode radius = place.get("radius");
        if (radius == null || !radius.isIntegralNumber() || !radius.canConvertToInt() || radius.intValue() <= 0) {
            throw invalid(at + ".place.radius: required, a whole number of kilometres above 0");
        }
        if (radius.intValue() > 20_000) {
            throw invalid(at + ".place.radius: at most 20000 km (half the Earth's circumference)");
        }
        JsonNode center = place.get("center");
        if (center == null) {
            throw invalid(at + ".place.center: required, {longitude, latitude}");
        }
        object(center, at + ".place.center");
        members(center, at + ".place.center.", "longitude", "latitude");
        double lon = coordinate(center.get("longitude"), at + ".place.center.longitude", 180);
        double lat = coordinate(center.get("latitude"), at + ".place.center.latitude", 90);
        return new ZoneTrigger(name, lon, lat, radius.intValue(), Transition.valueOf(transition.stringValue()));
    }

    private static double coordinate(JsonNode node, String at, int limit) {
        if (node == null || !node.isNumber()) {
            throw invalid(at + ": required, a number of degrees");
        }
        double v = node.doubleValue();
        if (!Double.isFinite(v) || v < -limit || v > limit) {
            throw invalid(at + ": must be between -" + limit + " and " + limit);
        }
        return v;
    }

    private static TimeTrigger time(String name, JsonNode node, String at) {
        object(node, at);
        members(node, at + ".", "times", "timeZone");
        ZoneId zone = DEFAULT_ZONE;
        JsonNode tz = node.get("timeZone");
        if (tz != null) {
            String id = text(tz, at + ".timeZone", true);
            // Region ids only (Europe/Paris): offsets and abbreviations would not follow the region's rules.
            if (!id.contains("/") || !ZoneId.getAvailableZoneIds().contains(id)) {
                throw invalid(at + ".timeZone: '" + shown(id) + "' is not an IANA time zone such as Europe/Paris");
            }
            zone = ZoneId.of(id);
        }
        JsonNode times = node.get("times");
        if (times == null || !times.isArray() || times.isEmpty() || times.size() > MAX_TIMES) {
            throw invalid(at + ".times: required, an array of 1 to " + MAX_TIMES + " time entries");
        }
        List<TimeWindow> windows = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            windows.add(window(times.get(i), at + ".times[" + i + "]"));
        }
        return new TimeTrigger(name, windows, zone);
    }

    private static TimeWindow window(JsonNode node, String at) {
        object(node, at);
        members(node, at + ".", "recurrence", "start", "duration", "occurence");
        JsonNode rec = node.get("recurrence");
        boolean daily;
        if (rec == null) {
            daily = true; // the published default
        } else if (rec.isString() && (rec.stringValue().equals("Daily") || rec.stringValue().equals("None"))) {
            daily = rec.stringValue().equals("Daily");
        } else {
            throw invalid(at + ".recurrence: must be None or Daily");
        }
        String start = text(node.get("start"), at + ".start", true);
        Duration duration = null;
        if (node.has("duration")) {
            duration = duration(text(node.get("duration"), at + ".duration", true), at + ".duration");
            if (duration.isZero() || duration.isNegative()) {
                throw invalid(at + ".duration: must be longer than zero");
            }
        }
        if (!daily) {
            if (node.has("occurence")) {
                throw invalid(at + ".occurence: only for a Daily recurrence");
            }
            try {
                return new TimeWindow(false, OffsetDateTime.parse(start).toInstant(), null, duration, Set.of(),
                        Set.of());
            } catch (DateTimeParseException e) {
                throw invalid(at + ".start: '" + shown(start) + "' is not an RFC 3339 date-time (recurrence None)");
            }
        }
        if (duration == null) {
            throw invalid(at + ".duration: required for a Daily recurrence");
        }
        if (duration.compareTo(Duration.ofDays(1)) > 0) {
            throw invalid(at + ".duration: at most one day (P1D) for a Daily recurrence");
        }
        Duration fromMidnight = duration(start, at + ".start");
        if (fromMidnight.isNegative() || fromMidnight.compareTo(Duration.ofDays(1)) >= 0) {
            throw invalid(at + ".start: must be between PT0S and PT23H59M after midnight");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        Set<Integer> weeks = new TreeSet<>();
        JsonNode occ = node.get("occurence");
        if (occ != null) {
            object(occ, at + ".occurence");
            members(occ, at + ".occurence.", "day", "week");
            JsonNode d = occ.get("day");
            if (d != null) {
                if (!d.isArray() || d.isEmpty() || d.size() > 7) {
                    throw invalid(at + ".occurence.day: an array of 1 to 7 days (Mon ... Sun)");
                }
                for (int i = 0; i < d.size(); i++) {
                    days.add(day(d.get(i), at + ".occurence.day[" + i + "]"));
                }
            }
            JsonNode w = occ.get("week");
            if (w != null) {
                if (!w.isArray() || w.isEmpty() || w.size() > 52) {
                    throw invalid(at + ".occurence.week: an array of 1 to 52 weeks or ranges (w1, w34-w46)");
                }
                for (int i = 0; i < w.size(); i++) {
                    weeks(w.get(i), at + ".occurence.week[" + i + "]", weeks);
                }
            }
        }
        return new TimeWindow(true, null, fromMidnight, duration, days, weeks);
    }

    private static DayOfWeek day(JsonNode node, String at) {
        String[] names = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        if (node.isString()) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(node.stringValue())) {
                    return DayOfWeek.of(i + 1);
                }
            }
        }
        throw invalid(at + ": must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static void weeks(JsonNode node, String at, Set<Integer> into) {
        Matcher m = node.isString() ? WEEK.matcher(node.stringValue()) : null;
        if (m == null || !m.matches()) {
            throw invalid(at + ": must be a week w1 ... w53 or a range such as w34-w46");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (from > 53 || to > 53 || to < from) {
            throw invalid(at + ": weeks go from w1 to w53, a range from the lower to the higher");
        }
        for (int w = from; w <= to; w++) {
            into.add(w);
        }
    }

    private static Duration duration(String text, String at) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(at + ": '" + shown(text) + "' is not an ISO 8601 duration such as PT14H30M");
        }
    }

    private static DataTrigger data(String name, JsonNode node, String at, boolean fleet) {
        object(node, at);
        members(node, at + ".", "data", "op", "value", "previous");
        String wire = text(node.get("data"), at + ".data", true);
        DataPath path = DataPath.ofWireName(wire).filter(p -> fleet || !p.fleetOnly())
                .orElseThrow(() -> invalid(at + ".data: '" + shown(wire) + "' is not data a monitor can watch"));
        Op op = op(node.get("op"), at + ".op", path.ops(), path);
        List<String> value = values(node.get("value"), at + ".value", op, path);
        Previous previous = null;
        JsonNode prev = node.get("previous");
        if (prev != null) {
            if (path.previousOps().isEmpty()) {
                throw invalid(at + ".previous: " + wire + " cannot have a previous condition");
            }
            object(prev, at + ".previous");
            members(prev, at + ".previous.", "op", "value");
            Op pop = op(prev.get("op"), at + ".previous.op", path.previousOps(), path);
            if (prev.get("value") == null) {
                throw invalid(at + ".previous.value: required");
            }
            previous = new Previous(pop, values(prev.get("value"), at + ".previous.value", pop, path));
        }
        return new DataTrigger(name, path, op, value, previous);
    }

    private static Op op(JsonNode node, String at, Set<Op> allowed, DataPath path) {
        if (node == null || !node.isString()) {
            throw invalid(at + ": required, one of " + allowed);
        }
        for (Op op : allowed) {
            if (op.name().equals(node.stringValue())) {
                return op;
            }
        }
        throw invalid(at + ": '" + shown(node.stringValue()) + "' is not allowed for " + path.wireName()
                + "; allowed: " + allowed);
    }

    private static List<String> values(JsonNode node, String at, Op op, DataPath path) {
        if (op == Op.onChange) {
            if (node != null && !(node.isArray() && node.isEmpty())) {
                throw invalid(at + ": onChange takes no value (it compares the data with its own previous value)");
            }
            return List.of();
        }
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid(at + ": required, an array of " + (op == Op.includedIn ? "at least one value" : "one value"));
        }
        if (op != Op.includedIn && node.size() != 1) {
            throw invalid(at + ": " + op + " takes exactly one value");
        }
        if (node.size() > MAX_VALUES) {
            throw invalid(at + ": at most " + MAX_VALUES + " values");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String v = text(node.get(i), at + "[" + i + "]", true);
            checkType(v, path.type(), at + "[" + i + "]", path);
            values.add(v);
        }
        return values;
    }

    private static void checkType(String v, ValueType type, String at, DataPath path) {
        boolean ok = switch (type) {
            case INTEGER -> v.matches("-?[0-9]{1,18}");
            case NUMBER -> v.matches("-?[0-9]{1,15}(\\.[0-9]{1,15})?([eE][-+]?[0-9]{1,3})?")
                    && Double.isFinite(new BigDecimal(v).doubleValue());
            case BOOLEAN -> v.equals("true") || v.equals("false");
            case ENUM, LIST, LITERAL -> v.matches("[A-Za-z0-9_.\\-]{1,64}");
            case NONE -> false;
        };
        if (!ok) {
            throw invalid(at + ": '" + shown(v) + "' is not " + switch (type) {
                case INTEGER -> "an integer";
                case NUMBER -> "a number";
                case BOOLEAN -> "true or false";
                default -> "a value name (letters, digits, . - _)";
            } + ", as " + path.wireName() + " needs");
        }
    }

    private static List<String> extensions(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 30) {
            throw invalid("extendedEventParam: must be an array of at most 30 entries");
        }
        List<String> extensions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String e = text(node.get(i), "extendedEventParam[" + i + "]", true);
            boolean known = EXTENSIONS.containsKey(e) || (e.startsWith("vehicle.telemetry.")
                    && TELEMETRY_TYPES.contains(e.substring("vehicle.telemetry.".length())));
            if (!known) {
                throw invalid("extendedEventParam[" + i + "]: '" + shown(e) + "' is not one of " + new TreeSet<>(
                        EXTENSIONS.keySet()) + " or vehicle.telemetry.<type>");
            }
            if (!seen.add(e)) {
                throw invalid("extendedEventParam[" + i + "]: '" + e + "' is already listed");
            }
            extensions.add(e);
        }
        return extensions;
    }

    private static void callbackAttributes(JsonNode node, String channel) {
        String at = "subscribeParam.callbackAttributes";
        object(node, at);
        members(node, at + ".", "webhook", "websocket", "pushnotif");
        if (node.size() > 1) {
            throw invalid(at + ": only one of webhook, websocket and pushnotif");
        }
        if (node.size() == 1 && !node.has(channel)) {
            throw invalid(at + ": the monitor's callback is a " + channel + " one, so only " + channel
                    + " attributes apply");
        }
        if (node.has("webhook")) {
            attributes(node.get("webhook"), at + ".webhook", Set.of("Header", "Body", "Query"));
        } else if (node.has("websocket")) {
            attributes(node.get("websocket"), at + ".websocket", Set.of("Body"));
        } else if (node.has("pushnotif")) {
            attributes(node.get("pushnotif"), at + ".pushnotif", Set.of("Header", "Body"));
        }
    }

    private static List<Attribute> attributes(JsonNode node, String at, Set<String> types) {
        return BodyRules.attributes(node, at, types, VARIABLES, MAX_ATTRIBUTES, MAX_TEXT).stream()
                .map(e -> new Attribute(e.type(), e.key(), e.value())).toList();
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
