package org.odomo.b2c;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.state.HistoryQueries;
import org.odomo.state.TimeWindow;
import org.odomo.state.VehicleHistory;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vehicle's history: alerts, collisions, alarms, maintenance and telemetry. Its views are
 * public for the fleet API, which shows the same items with their vehicle's VIN and its own links.
 */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/vehicles/{id}")
public class HistoryApi {

    /**
     * Whom a view is built for and where its links lead.
     *
     * @param fields      what the reader may see of the vehicle's data
     * @param apiBase     the API the links are below ({@code /connectedcar/v4} or {@code /connectedcar/v3})
     * @param clientId    the reader's client id, carried by every link
     * @param vehiclePath the vehicle's path below {@code apiBase}
     * @param vin         the VIN the item carries (the fleet API's items do), null for none
     */
    public record Viewer(FieldAccess fields, String apiBase, String clientId, String vehiclePath, String vin) {

        public String href(String path) {
            return Links.href(apiBase, clientId, path, null);
        }

        public String href(String path, Map<String, String> query) {
            return Links.href(apiBase, clientId, path, query);
        }

        /** Adds the VIN after filtering: it names the item's vehicle, data of no catalog item. */
        public ObjectNode withVin(ObjectNode json) {
            if (vin != null) {
                json.put("vin", vin);
            }
            return json;
        }
    }

    static Viewer b2c(B2cCaller caller, Vehicle vehicle, FieldAccess fields) {
        return new Viewer(fields, Links.BASE, caller.clientId(), "/user/vehicles/" + vehicle.apiId(), null);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, List<String>> TELEMETRY_KEYS = new LinkedHashMap<>();

    static {
        TELEMETRY_KEYS.put("environment", List.of("environment"));
        TELEMETRY_KEYS.put("privacy", List.of("privacy"));
        TELEMETRY_KEYS.put("vehicle", List.of("ignition", "kinetic", "odometer", "energies", "battery", "doorsState",
                "powertrain", "engines", "safety", "drivingBehavior", "lightingSystem", "transmission", "adas",
                "wipingBlades", "alarm"));
        for (String part : List.of("adas", "battery", "doorsState", "energies", "engines", "ignition",
                "lightingSystem", "safety", "transmission", "wipingBlades")) {
            TELEMETRY_KEYS.put("vehicle." + part, List.of(part));
        }
        TELEMETRY_KEYS.put("vehicle.alarm.status", List.of("alarm"));
        TELEMETRY_KEYS.put("vehicle.alarm.trigger", List.of("alarm"));
    }

    private final AccessDecisions access;
    private final HistoryQueries queries;
    private final Clock clock = Clock.systemUTC();

    HistoryApi(AccessDecisions access, HistoryQueries queries) {
        this.access = access;
        this.queries = queries;
    }

    // ---- alerts

    @GetMapping("/alerts")
    ResponseEntity<ObjectNode> alerts(@PathVariable String id, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.ALERT);
        return historyPage(ctx, Scopes.ALERT, "alerts", "alerts", queries::alerts, a -> alertView(ctx, a), timestamps,
                pageSize, indexRange, pageToken);
    }

    /** Fetches one page of a kind of history record. */
    private interface PageQuery<T> {
        HistoryQueries.Page<T> fetch(String vin, List<TimeWindow> windows, int offset, int limit);
    }

    /** A page of the vehicle's alerts or collisions: empty when the caller may not see that category. */
    private <T> ResponseEntity<ObjectNode> historyPage(Ctx ctx, String scope, String resource, String embeddedName,
            PageQuery<T> query, java.util.function.Function<T, ObjectNode> view, List<String> timestamps,
            String pageSize, String indexRange, String pageToken) {
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<TimeWindow> windows = windows(timestamps);
        List<ObjectNode> items = new ArrayList<>();
        long total = 0;
        if (ctx.fields.allowsCategory(scope)) {
            HistoryQueries.Page<T> page = query.fetch(ctx.vehicle.vin(), windows, paging.offset,
                    paging.limit(Long.MAX_VALUE));
            total = page.total();
            page.items().forEach(record -> items.add(view.apply(record)));
        }
        return ok(paging.page(ctx.caller.clientId(), base(ctx) + "/" + resource, query(timestamps, indexRange),
                embeddedName, items, total));
    }

    @GetMapping("/alerts/{aid}")
    ResponseEntity<ObjectNode> alert(@PathVariable String id, @PathVariable String aid) {
        Ctx ctx = context(id, Scopes.ALERT);
        VehicleHistory.AlertRecord a = Optional.of(ctx).filter(c -> c.fields.allowsCategory(Scopes.ALERT))
                .flatMap(c -> queries.alert(c.vehicle.vin(), aid))
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no alert " + aid));
        return ok(alertView(ctx, a));
    }

    private ObjectNode alertView(Ctx ctx, VehicleHistory.AlertRecord a) {
        return alertView(ctx.caller, ctx.vehicle, ctx.fields, a, base(ctx));
    }

    /** An alert as the API shows it to this caller; its self link is under {@code linkBase}. */
    ObjectNode alertView(B2cCaller caller, Vehicle vehicle, FieldAccess fields, VehicleHistory.AlertRecord a,
            String linkBase) {
        return alertView(b2c(caller, vehicle, fields), a, linkBase);
    }

    /** An alert as the API shows it to the viewer; its self link is under {@code linkBase}. */
    public static ObjectNode alertView(Viewer viewer, VehicleHistory.AlertRecord a, String linkBase) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(viewer.href(linkBase + "/alerts/" + a.id())));
        links.set("vehicle", Links.link(viewer.href(viewer.vehiclePath())));
        json.put("id", a.id());
        json.put("active", a.active());
        json.put("type", a.type());
        json.put("severity", a.severity());
        json.put("startedAt", a.startedAt().toString());
        if (a.endAt() != null) {
            json.put("endAt", a.endAt().toString());
        }
        if (a.startLongitude() != null) {
            json.set("startPosition", feature(a.startLongitude(), a.startLatitude(), a.startAltitude(),
                    a.startPositionAt() != null ? a.startPositionAt() : a.startedAt()));
        }
        if (a.endLongitude() != null) {
            json.set("endPosition", feature(a.endLongitude(), a.endLatitude(), a.endAltitude(),
                    a.endPositionAt() != null ? a.endPositionAt() : a.endAt()));
        }
        json.put("createdAt", a.createdAt().toString());
        json.put("updatedAt", a.updatedAt().toString());
        viewer.fields().filter("alert", json);
        return viewer.withVin(json);
    }

    // ---- collisions

    @GetMapping("/collisions")
    ResponseEntity<ObjectNode> collisions(@PathVariable String id,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.COLLISION);
        return historyPage(ctx, Scopes.COLLISION, "collisions", "Collisions", queries::collisions,
                c -> collisionView(ctx, c), timestamps, pageSize, indexRange, pageToken);
    }

    @GetMapping("/collisions/{cid}")
    ResponseEntity<ObjectNode> collision(@PathVariable String id, @PathVariable String cid) {
        Ctx ctx = context(id, Scopes.COLLISION);
        VehicleHistory.CollisionRecord c = Optional.of(ctx).filter(x -> x.fields.allowsCategory(Scopes.COLLISION))
                .flatMap(x -> queries.collision(x.vehicle.vin(), cid))
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no collision " + cid));
        return ok(collisionView(ctx, c));
    }

    private ObjectNode collisionView(Ctx ctx, VehicleHistory.CollisionRecord c) {
        return collisionView(ctx.caller, ctx.vehicle, ctx.fields, c, base(ctx));
    }

    /** A collision as the API shows it to this caller; its self link is under {@code linkBase}. */
    ObjectNode collisionView(B2cCaller caller, Vehicle vehicle, FieldAccess fields, VehicleHistory.CollisionRecord c,
            String linkBase) {
        return collisionView(b2c(caller, vehicle, fields), c, linkBase);
    }

    /** A collision as the API shows it to the viewer; its self link is under {@code linkBase}. */
    public static ObjectNode collisionView(Viewer viewer, VehicleHistory.CollisionRecord c, String linkBase) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(viewer.href(linkBase + "/collisions/" + c.id())));
        links.set("vehicle", Links.link(viewer.href(viewer.vehiclePath())));
        json.put("id", c.id());
        json.put("createdAt", c.occurredAt().toString());
        json.put("updatedAt", c.createdAt().toString());
        json.set("details", JSON.readTree(c.details()));
        if (c.tippedOver() != null) {
            json.put("tippedOver", c.tippedOver());
        }
        if (c.pedestrian() != null) {
            json.put("pedestrian", c.pedestrian());
        }
        viewer.fields().filter("collision", json);
        return viewer.withVin(json);
    }

    // ---- alarms

    @GetMapping("/alarms")
    ResponseEntity<ObjectNode> alarms(@PathVariable String id, @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.TELEMETRY);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<String> kinds = new ArrayList<>();
        for (String t : split(type)) {
            switch (t) {
                case "vehicle.alarm.status" -> kinds.add("status");
                case "vehicle.alarm.trigger" -> kinds.add("trigger");
                default -> throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                        "type must be vehicle.alarm.status or vehicle.alarm.trigger");
            }
        }
        HistoryQueries.Page<VehicleHistory.AlarmRecord> page = queries.alarms(ctx.vehicle.vin(), windows(timestamps),
                kinds, paging.offset, paging.limit(Long.MAX_VALUE));
        List<ObjectNode> items = new ArrayList<>();
        long total = page.total();
        for (VehicleHistory.AlarmRecord a : page.items()) {
            alarmView(ctx, a).ifPresent(items::add);
        }
        if (items.isEmpty() && !page.items().isEmpty()) {
            total = 0;
        }
        Map<String, String> q = query(timestamps, indexRange);
        if (!kinds.isEmpty()) {
            q.put("type", String.join(",", split(type)));
        }
        return ok(paging.page(ctx.caller.clientId(), base(ctx) + "/alarms", q, "alarms", items, total));
    }

    @GetMapping("/alarms/{aid}")
    ResponseEntity<ObjectNode> alarm(@PathVariable String id, @PathVariable String aid) {
        Ctx ctx = context(id, Scopes.TELEMETRY);
        return ok(queries.alarm(ctx.vehicle.vin(), aid).flatMap(a -> alarmView(ctx, a))
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no alarm " + aid)));
    }

    private Optional<ObjectNode> alarmView(Ctx ctx, VehicleHistory.AlarmRecord a) {
        return alarmView(ctx.fields, a);
    }

    /** An alarm status or trigger as the API shows it, if the caller may see anything of it. */
    public static Optional<ObjectNode> alarmView(FieldAccess fields, VehicleHistory.AlarmRecord a) {
        JsonNode body = JSON.readTree(a.body());
        ObjectNode alarm = JsonNodeFactory.instance.objectNode();
        alarm.put("id", a.id());
        if ("status".equals(a.kind())) {
            ObjectNode status = alarm.putObject("status");
            status.put("activation", body.path("activation").stringValue());
            status.put("createdAt", a.measuredAt().toString());
        } else {
            ObjectNode trigger = alarm.putObject("trigger");
            trigger.put("type", body.path("type").stringValue());
            trigger.put("startAt", body.path("startAt").asString(a.measuredAt().toString()));
            trigger.put("createdAt", a.measuredAt().toString());
            if (body.has("coordinates")) {
                JsonNode c = body.get("coordinates");
                trigger.set("position", feature(c.get(0).doubleValue(), c.get(1).doubleValue(),
                        c.size() > 2 ? c.get(2).doubleValue() : null, a.measuredAt()));
            }
        }
        return fields.filter("alarm", alarm) ? Optional.of(alarm) : Optional.empty();
    }

    // ---- maintenance

    @GetMapping("/maintenance")
    ResponseEntity<ObjectNode> maintenance(@PathVariable String id) {
        Ctx ctx = context(id, Scopes.TELEMETRY);
        VehicleHistory.MaintenanceRecord m = queries.latestMaintenance(ctx.vehicle.vin())
                .orElseThrow(() -> new ApiException(ApiErrorCode.NO_DATA, "no maintenance data from this vehicle"));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(Links.href(ctx.caller.clientId(), base(ctx) + "/maintenance")));
        links.set("vehicle", Links.link(Links.href(ctx.caller.clientId(), base(ctx))));
        links.set("alerts", Links.link(Links.href(ctx.caller.clientId(), base(ctx) + "/alerts")));
        json.put("createdAt", m.measuredAt().toString());
        json.put("updatedAt", m.measuredAt().toString());
        if (m.daysBefore() != null) {
            json.put("daysBeforeMaintenance", m.daysBefore());
        }
        if (m.mileageBefore() != null) {
            json.put("mileageBeforeMaintenance", m.mileageBefore());
        }
        if (!ctx.fields.filter("maintenance", json)) {
            throw new ApiException(ApiErrorCode.NO_DATA, "no maintenance data available for this app");
        }
        return ok(json);
    }

    // ---- telemetry

    @GetMapping("/telemetry")
    ResponseEntity<ObjectNode> telemetry(@PathVariable String id, @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) List<String> extension,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        if (!caller.granted(Scopes.TELEMETRY) && !caller.granted(Scopes.POSITION)) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "this operation needs data:telemetry or data:position");
        }
        return telemetryPage(caller, vehicle, type, extension, timestamps, pageSize, indexRange, pageToken,
                "/user/vehicles/" + vehicle.apiId() + "/telemetry");
    }

    /** A page of telemetry items of the vehicle, as the caller may see them. */
    ResponseEntity<ObjectNode> telemetryPage(B2cCaller caller, Vehicle vehicle, List<String> type,
            List<String> extension, List<String> timestamps, String pageSize, String indexRange, String pageToken,
            String path) {
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 2000);
        Map<String, String> q = query(timestamps, indexRange);
        HistoryQueries.Page<ObjectNode> page = telemetry(b2c(caller, vehicle, access.fieldAccess(caller, vehicle)),
                vehicle.vin(), type, extension, windows(timestamps), paging.offset, paging.limit(Long.MAX_VALUE), q);
        return ok(paging.page(caller.clientId(), path, q, "telemetries", page.items(), page.total()));
    }

    /**
     * Telemetry items of the viewer's vehicle in the windows, newest first, as the viewer may see
     * them, and how many there are; the {@code type} and {@code extension} parameters read are
     * added to {@code query} for the page's links.
     */
    public HistoryQueries.Page<ObjectNode> telemetry(Viewer viewer, String vin, List<String> type, List<String> extension,
            List<TimeWindow> windows, int offset, int limit, Map<String, String> query) {
        Set<String> types = new LinkedHashSet<>(split(type));
        if (types.size() > 15) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "type takes 1 to 15 values");
        }
        List<String> keys = new ArrayList<>();
        for (String t : types) {
            List<String> k = TELEMETRY_KEYS.get(t);
            if (k == null) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "unknown telemetry type " + t + "; known: "
                        + TELEMETRY_KEYS.keySet());
            }
            keys.addAll(k);
        }
        Set<String> extensions = new LinkedHashSet<>(split(extension));
        for (String e : extensions) {
            if (!e.equals("location") && !e.equals("maintenance")) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "extension must be location or maintenance");
            }
        }
        HistoryQueries.Page<VehicleHistory.StoredMessage> page = queries.messages(vin, windows, keys,
                offset, limit);
        List<ObjectNode> items = new ArrayList<>();
        for (VehicleHistory.StoredMessage m : page.items()) {
            telemetryView(viewer, m, types, extensions).ifPresent(items::add);
        }
        long total = items.isEmpty() && !page.items().isEmpty() ? 0 : page.total();
        if (!types.isEmpty()) {
            query.put("type", String.join(",", types));
        }
        if (!extensions.isEmpty()) {
            query.put("extension", String.join(",", extensions));
        }
        return new HistoryQueries.Page<>(items, total);
    }

    /** How many of the newest messages {@link #latestTelemetry} looks through for one the reader may see. */
    private static final int LATEST_TELEMETRY_SCAN = 20;

    /**
     * The newest telemetry item measured at or before {@code at} of the given types (all when
     * empty), as {@code GET .../telemetry?type=...} shows it to the reader, without its links;
     * empty when the reader may see none of the newest few.
     */
    Optional<ObjectNode> latestTelemetry(B2cCaller reader, Vehicle vehicle, Set<String> types, Instant at) {
        if (!reader.granted(Scopes.TELEMETRY) && !reader.granted(Scopes.POSITION)) {
            return Optional.empty();
        }
        Viewer viewer = b2c(reader, vehicle, access.fieldAccess(reader, vehicle));
        List<String> keys = new ArrayList<>();
        for (String t : types) {
            List<String> k = TELEMETRY_KEYS.get(t);
            if (k == null) {
                throw new IllegalArgumentException("unknown telemetry type " + t);
            }
            keys.addAll(k);
        }
        List<TimeWindow> upToEvent = List.of(new TimeWindow(Instant.EPOCH, at.plusNanos(1)));
        for (VehicleHistory.StoredMessage m : queries.messages(vehicle.vin(), upToEvent, keys, 0,
                LATEST_TELEMETRY_SCAN).items()) {
            Optional<ObjectNode> view = telemetryView(viewer, m, types, Set.of());
            if (view.isPresent()) {
                view.get().remove("_links");
                return view;
            }
        }
        return Optional.empty();
    }

    /**
     * A telemetry item as the caller may see it; empty when none of its data is visible, since
     * its links and time alone would tell when the vehicle sent data the caller may not see.
     */
    private static Optional<ObjectNode> telemetryView(Viewer viewer, VehicleHistory.StoredMessage m, Set<String> types,
            Set<String> extensions) {
        JsonNode stored = JSON.readTree(m.body());
        JsonNode data = stored.path("data");
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(viewer.href(viewer.vehiclePath() + "/telemetry",
                Map.of("timestamps", m.measuredAt() + "/" + m.measuredAt().plusSeconds(1)))));
        links.set("vehicle", Links.link(viewer.href(viewer.vehiclePath())));
        json.put("createdAt", m.measuredAt().toString());
        boolean all = types.isEmpty();
        if ((all || types.contains("privacy")) && data.has("privacy")) {
            json.set("privacy", strip(data.get("privacy")));
        }
        if ((all || types.contains("environment")) && data.has("environment")) {
            ObjectNode env = json.putObject("environment");
            data.get("environment").properties().forEach(e -> env.set(e.getKey(), strip(e.getValue())));
        }
        ObjectNode vehicle = JsonNodeFactory.instance.objectNode();
        for (String part : TELEMETRY_KEYS.get("vehicle")) {
            boolean wanted = all || types.contains("vehicle") || types.contains("vehicle." + part)
                    || (part.equals("alarm") && (types.contains("vehicle.alarm.status")
                            || types.contains("vehicle.alarm.trigger")));
            if (!wanted) {
                continue;
            }
            if (data.has(part)) {
                JsonNode value = data.get(part);
                vehicle.set(part, value.isArray() ? stripAll(value) : strip(value));
            }
            if (part.equals("alarm") && "alarm".equals(stored.path("event").path("name").asString(""))) {
                ObjectNode alarm = vehicle.has("alarm") ? (ObjectNode) vehicle.get("alarm") : vehicle.putObject("alarm");
                ObjectNode trigger = alarm.putObject("trigger");
                trigger.put("type", stored.path("event").path("alarm").path("trigger").path("type").stringValue());
                trigger.put("startAt", m.measuredAt().toString());
            }
        }
        // The deprecated members of the engines and energies items, filled as in the status.
        if (vehicle.get("energies") instanceof ArrayNode energies) {
            energies.forEach(e -> {
                if (e instanceof ObjectNode energy) {
                    StatusView.withLegacyEnergyMembers(energy);
                }
            });
        }
        if (vehicle.get("engines") instanceof ArrayNode engines) {
            JsonNode gmpStatus = data.path("powertrain").get("status");
            engines.forEach(e -> {
                if (e instanceof ObjectNode engine) {
                    StatusView.withLegacyEngineMembers(engine, gmpStatus);
                }
            });
        }
        if (vehicle.has("ignition")) {
            // IgnitionBase keeps its createdAt even inside a telemetry item.
            ((ObjectNode) vehicle.get("ignition")).put("createdAt", m.measuredAt().toString());
        }
        if (!vehicle.isEmpty()) {
            json.set("vehicle", vehicle);
        }
        ObjectNode extension = JsonNodeFactory.instance.objectNode();
        if (extensions.contains("location") && data.has("position")) {
            JsonNode p = data.get("position");
            ObjectNode located = (ObjectNode) p.deepCopy();
            located.put("createdAt", m.measuredAt().toString());
            ObjectNode location = StatusView.position(located);
            ((ObjectNode) location.get("properties")).remove("createdAt");
            extension.set("location", location);
        }
        if (extensions.contains("maintenance") && data.has("maintenance")) {
            ObjectNode maintenance = (ObjectNode) strip(data.get("maintenance"));
            maintenance.put("createdAt", m.measuredAt().toString());
            extension.set("maintenance", maintenance);
        }
        if (!extension.isEmpty()) {
            json.putObject("_embedded").set("extension", extension);
        }
        return viewer.fields().filter("telemetry", json) ? Optional.of(viewer.withVin(json)) : Optional.empty();
    }

    /** Telemetry objects carry no per-part createdAt: the item's own createdAt says when. */
    private static JsonNode strip(JsonNode part) {
        if (!part.isObject()) {
            return part;
        }
        ObjectNode copy = (ObjectNode) part.deepCopy();
        copy.remove("createdAt");
        return copy;
    }

    private static JsonNode stripAll(JsonNode array) {
        ArrayNode copy = JsonNodeFactory.instance.arrayNode();
        array.forEach(item -> copy.add(strip(item)));
        return copy;
    }

    // ---- helpers

    private record Ctx(B2cCaller caller, Vehicle vehicle, FieldAccess fields) {
    }

    private Ctx context(String id, String requiredScope) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        access.requireScopes(caller, requiredScope);
        return new Ctx(caller, vehicle, access.fieldAccess(caller, vehicle));
    }

    private static String base(Ctx ctx) {
        return "/user/vehicles/" + ctx.vehicle.apiId();
    }

    private List<TimeWindow> windows(List<String> timestamps) {
        return TimeRanges.parse(timestamps, clock.instant()).stream().map(r -> new TimeWindow(r.from(), r.to())).toList();
    }

    private static Map<String, String> query(List<String> timestamps, String indexRange) {
        Map<String, String> q = new LinkedHashMap<>();
        if (timestamps != null && !timestamps.isEmpty()) {
            q.put("timestamps", String.join(",", timestamps));
        }
        q.put("indexRange", indexRange);
        return q;
    }

    private static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String s : v.split(",")) {
                    if (!s.isBlank()) {
                        out.add(s.trim());
                    }
                }
            }
        }
        return out;
    }

    static ObjectNode feature(double lon, double lat, Double alt, Instant at) {
        ObjectNode feature = JsonNodeFactory.instance.objectNode();
        feature.put("type", "Feature");
        ObjectNode geometry = feature.putObject("geometry");
        geometry.put("type", "Point");
        ArrayNode c = geometry.putArray("coordinates").add(lon).add(lat);
        if (alt != null) {
            c.add(alt);
        }
        feature.putObject("properties").put("createdAt", at.toString());
        return feature;
    }

    private static ResponseEntity<ObjectNode> ok(ObjectNode body) {
        return ResponseEntity.ok().contentType(VehiclesApi.HAL).body(body);
    }
}
