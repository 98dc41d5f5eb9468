package org.odomo.b2c;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.state.VehicleHistory;
import org.odomo.trip.Trip;
import org.odomo.trip.TripFilter;
import org.odomo.trip.TripQueries;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vehicle's trips, with the alerts, collisions, waypoints and telemetry of each. Its views and
 * parameter readers are public for the fleet API, which shows the same trips with their VIN.
 */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/vehicles/{id}/trips")
public class TripsApi {

    private static final Pattern RANGE = Pattern.compile("(\\d+(?:\\.\\d)?)-(\\d+(?:\\.\\d)?)?");
    private static final int MAX_TRIPS_SCANNED = 20_000;

    private final AccessDecisions access;
    private final TripQueries trips;
    private final HistoryApi history;
    private final Clock clock = Clock.systemUTC();

    TripsApi(AccessDecisions access, TripQueries trips, HistoryApi history) {
        this.access = access;
        this.trips = trips;
        this.history = history;
    }

    private record Ctx(B2cCaller caller, Vehicle vehicle, FieldAccess fields, String base) {
    }

    private Ctx context(String id, String... scopes) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        access.requireScopes(caller, scopes);
        FieldAccess fields = access.fieldAccess(caller, vehicle);
        return new Ctx(caller, vehicle, fields, "/user/vehicles/" + vehicle.apiId() + "/trips");
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String id, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String distance, @RequestParam(required = false) String duration,
            @RequestParam(required = false) List<String> states, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.TRIP);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        TripFilter filter = filter(distance, duration, states);
        List<Trip> matching = ctx.fields.allowsCategory(Scopes.TRIP)
                ? matching(ctx.vehicle.vin(), TimeRanges.parse(timestamps, clock.instant()), filter) : List.of();
        int from = Math.min(paging.offset, matching.size());
        List<ObjectNode> items = new ArrayList<>();
        for (Trip t : matching.subList(from, from + paging.limit(matching.size()))) {
            items.add(view(ctx, t));
        }
        Map<String, String> q = new LinkedHashMap<>();
        if (timestamps != null && !timestamps.isEmpty()) {
            q.put("timestamps", String.join(",", timestamps));
        }
        q.putAll(filterQuery(filter, distance, duration));
        q.put("indexRange", indexRange);
        return ok(paging.page(ctx.caller.clientId(), ctx.base, q, "trips", items, matching.size()));
    }

    /** The vehicle's trips that started in the ranges and match the filter, newest first. */
    public List<Trip> matching(String vin, List<TimeRanges.Range> ranges, TripFilter filter) {
        List<Trip> matching = new ArrayList<>();
        for (TimeRanges.Range r : ranges) {
            for (Trip t : trips.trips(vin, r.from(), r.to(), 0, MAX_TRIPS_SCANNED)) {
                if (filter.matches(t) && matching.stream().noneMatch(m -> m.id().equals(t.id()))) {
                    matching.add(t);
                }
            }
        }
        matching.sort(Comparator.comparing(Trip::startedAt).reversed());
        return matching;
    }

    /** Reads the {@code distance}, {@code duration} and {@code states} query parameters (400 when malformed). */
    public static TripFilter filter(String distance, String duration, List<String> states) {
        List<String> wanted = new ArrayList<>();
        if (states != null) {
            for (String value : states) {
                for (String s : value.split(",")) {
                    if (!s.isBlank()) {
                        if (!TripFilter.STATES.contains(s.trim())) {
                            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "unknown trip state " + s
                                    + "; known: " + TripFilter.STATES);
                        }
                        wanted.add(s.trim());
                    }
                }
            }
        }
        return new TripFilter(range(distance, "distance"), range(duration, "duration"), wanted);
    }

    /** The filter's query parameters, for the links of a page. */
    public static Map<String, String> filterQuery(TripFilter filter, String distance, String duration) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("distance", distance);
        q.put("duration", duration);
        if (!filter.states().isEmpty()) {
            q.put("states", String.join(",", filter.states()));
        }
        return q;
    }

    @GetMapping("/{tid}")
    ResponseEntity<ObjectNode> one(@PathVariable String id, @PathVariable String tid) {
        Ctx ctx = context(id, Scopes.TRIP);
        return ok(view(ctx, trip(ctx, tid)));
    }

    @GetMapping("/{tid}/alerts")
    ResponseEntity<ObjectNode> alerts(@PathVariable String id, @PathVariable String tid,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.TRIP, Scopes.ALERT);
        Trip trip = trip(ctx, tid);
        List<VehicleHistory.AlertRecord> all = ctx.fields.allowsCategory(Scopes.ALERT)
                ? trips.alerts(ctx.vehicle.vin(), trip.id()) : List.of();
        return tripPage(ctx, trip, "alerts", "alerts", all, VehicleHistory.AlertRecord::startedAt,
                a -> history.alertView(ctx.caller, ctx.vehicle, ctx.fields, a, ctx.base + "/" + trip.id()),
                timestamps, pageSize, indexRange, pageToken);
    }

    /** A page of a trip's records, those measured within the requested time ranges. */
    private <T> ResponseEntity<ObjectNode> tripPage(Ctx ctx, Trip trip, String resource, String embeddedName,
            List<T> records, java.util.function.Function<T, Instant> time,
            java.util.function.Function<T, ObjectNode> view, List<String> timestamps, String pageSize,
            String indexRange, String pageToken) {
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<TimeRanges.Range> ranges = TimeRanges.parse(timestamps, clock.instant());
        List<T> all = records.stream().filter(r -> ranges.stream().anyMatch(x -> x.contains(time.apply(r)))).toList();
        int from = Math.min(paging.offset, all.size());
        List<ObjectNode> items = new ArrayList<>();
        for (T record : all.subList(from, from + paging.limit(all.size()))) {
            items.add(view.apply(record));
        }
        return ok(paging.page(ctx.caller.clientId(), ctx.base + "/" + trip.id() + "/" + resource,
                query(timestamps, indexRange), embeddedName, items, all.size()));
    }

    @GetMapping("/{tid}/alerts/{aid}")
    ResponseEntity<ObjectNode> alert(@PathVariable String id, @PathVariable String tid, @PathVariable String aid) {
        Ctx ctx = context(id, Scopes.TRIP, Scopes.ALERT);
        Trip trip = trip(ctx, tid);
        VehicleHistory.AlertRecord a = trips.alerts(ctx.vehicle.vin(), trip.id()).stream()
                .filter(x -> x.id().equals(aid) && ctx.fields.allowsCategory(Scopes.ALERT)).findFirst()
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no alert " + aid + " in this trip"));
        return ok(history.alertView(ctx.caller, ctx.vehicle, ctx.fields, a, ctx.base + "/" + trip.id()));
    }

    @GetMapping("/{tid}/collisions")
    ResponseEntity<ObjectNode> collisions(@PathVariable String id, @PathVariable String tid,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.TRIP, Scopes.COLLISION);
        Trip trip = trip(ctx, tid);
        List<VehicleHistory.CollisionRecord> all = ctx.fields.allowsCategory(Scopes.COLLISION)
                ? trips.collisions(ctx.vehicle.vin(), trip.id()) : List.of();
        return tripPage(ctx, trip, "collisions", "Collisions", all, VehicleHistory.CollisionRecord::occurredAt,
                c -> history.collisionView(ctx.caller, ctx.vehicle, ctx.fields, c, ctx.base + "/" + trip.id()),
                timestamps, pageSize, indexRange, pageToken);
    }

    @GetMapping("/{tid}/collisions/{cid}")
    ResponseEntity<ObjectNode> collision(@PathVariable String id, @PathVariable String tid, @PathVariable String cid) {
        Ctx ctx = context(id, Scopes.TRIP, Scopes.COLLISION);
        Trip trip = trip(ctx, tid);
        VehicleHistory.CollisionRecord c = trips.collisions(ctx.vehicle.vin(), trip.id()).stream()
                .filter(x -> x.id().equals(cid) && ctx.fields.allowsCategory(Scopes.COLLISION)).findFirst()
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no collision " + cid + " in this trip"));
        return ok(history.collisionView(ctx.caller, ctx.vehicle, ctx.fields, c, ctx.base + "/" + trip.id()));
    }

    @GetMapping("/{tid}/wayPoints")
    ResponseEntity<ObjectNode> wayPoints(@PathVariable String id, @PathVariable String tid,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken,
            @RequestParam(required = false) String tolerance) {
        Ctx ctx = context(id, Scopes.TRIP, Scopes.POSITION);
        Trip trip = trip(ctx, tid);
        boolean allowed = ctx.fields.allowsCategory(Scopes.TRIP) && ctx.fields.allowsCategory(Scopes.POSITION);
        List<VehicleHistory.PositionRecord> all = allowed
                ? trips.waypoints(ctx.vehicle.vin(), trip.id(), 0, MAX_TRIPS_SCANNED) : List.of();
        // The path is returned as measured: tolerance is accepted and ignored.
        return tripPage(ctx, trip, "wayPoints", "positions", all, VehicleHistory.PositionRecord::measuredAt,
                p -> waypoint(ctx, p), timestamps, pageSize, indexRange, pageToken);
    }

    private static ObjectNode waypoint(Ctx ctx, VehicleHistory.PositionRecord p) {
        return waypoint(ctx.fields, p);
    }

    /** A waypoint of a trip as the reader may see it. */
    public static ObjectNode waypoint(FieldAccess fields, VehicleHistory.PositionRecord p) {
        ObjectNode json = feature(p.longitude(), p.latitude(), p.altitude(), p.measuredAt(), p.heading(),
                p.signalQuality(), p.type(), p.fixStatus());
        fields.filter("waypoint", json);
        return json;
    }

    @GetMapping("/{tid}/telemetry")
    ResponseEntity<ObjectNode> telemetry(@PathVariable String id, @PathVariable String tid,
            @RequestParam(required = false) List<String> type, @RequestParam(required = false) List<String> extension,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Ctx ctx = context(id, Scopes.TRIP);
        Trip trip = trip(ctx, tid);
        Instant end = trip.stoppedAt() == null ? clock.instant().plusSeconds(1) : trip.stoppedAt().plusMillis(1);
        List<String> window = new ArrayList<>();
        for (TimeRanges.Range r : TimeRanges.parse(timestamps, clock.instant())) {
            Instant from = r.from().isAfter(trip.startedAt()) ? r.from() : trip.startedAt();
            Instant to = r.to().isBefore(end) ? r.to() : end;
            if (from.isBefore(to)) {
                window.add(from + "/" + to);
            }
        }
        if (window.isEmpty()) {
            window.add(trip.startedAt() + "/" + trip.startedAt());
        }
        return history.telemetryPage(ctx.caller, ctx.vehicle, type, extension, window, pageSize, indexRange, pageToken,
                ctx.base + "/" + trip.id() + "/telemetry");
    }

    private Trip trip(Ctx ctx, String tid) {
        if (!ctx.fields.allowsCategory(Scopes.TRIP)) {
            throw new ApiException(ApiErrorCode.NOT_FOUND, "no trip " + tid);
        }
        return trips.trip(ctx.vehicle.vin(), tid)
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no trip " + tid));
    }

    /**
     * The vehicle's trip that started last at or before {@code at}, as {@code GET .../trips/{tid}}
     * shows it to this reader; empty when there is none or the reader may not see trips.
     */
    Optional<ObjectNode> tripAt(B2cCaller reader, Vehicle vehicle, FieldAccess fields, Instant at) {
        if (!fields.allowsCategory(Scopes.TRIP)) {
            return Optional.empty();
        }
        Ctx ctx = new Ctx(reader, vehicle, fields, "/user/vehicles/" + vehicle.apiId() + "/trips");
        return trips.trips(vehicle.vin(), null, at.plusMillis(1), 0, 1).stream().findFirst().map(t -> view(ctx, t));
    }

    private ObjectNode view(Ctx ctx, Trip t) {
        return view(HistoryApi.b2c(ctx.caller, ctx.vehicle, ctx.fields), t);
    }

    /** A trip as the API shows it to the viewer, below the viewer's vehicle path. */
    public static ObjectNode view(HistoryApi.Viewer viewer, Trip t) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String self = viewer.vehiclePath() + "/trips/" + t.id();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(viewer.href(self)));
        links.set("vehicle", Links.link(viewer.href(viewer.vehiclePath())));
        links.set("waypoints", Links.link(viewer.href(self + "/wayPoints")));
        links.set("alerts", Links.link(viewer.href(self + "/alerts")));
        links.set("collisions", Links.link(viewer.href(self + "/collisions")));
        json.put("id", t.id());
        json.put("createdAt", t.createdAt().toString());
        json.put("updatedAt", t.updatedAt().toString());
        json.put("startedAt", t.startedAt().toString());
        if (t.stoppedAt() != null) {
            json.put("stoppedAt", t.stoppedAt().toString());
        }
        if (t.startPosition() != null) {
            json.set("startPosition", position(t.startPosition()));
        }
        if (t.stopPosition() != null) {
            json.set("stopPosition", position(t.stopPosition()));
        }
        if (t.duration() != null) {
            json.put("duration", t.duration());
        }
        if (t.distance() != null) {
            json.put("distance", round(t.distance(), 3));
        }
        if (t.startMileage() != null) {
            json.put("startMileage", round(t.startMileage(), 1));
        }
        if (!t.startEnergies().isEmpty()) {
            json.set("startEnergies", energies(t.startEnergies()));
        }
        if (!t.endEnergies().isEmpty()) {
            json.set("endEnergies", energies(t.endEnergies()));
        }
        if (!t.energyConsumptions().isEmpty()) {
            ArrayNode consumptions = json.putArray("energyConsumptions");
            for (Trip.EnergyConsumption c : t.energyConsumptions()) {
                ObjectNode n = consumptions.addObject();
                n.put("type", c.type());
                if (c.subType() != null) {
                    n.put("subType", c.subType());
                }
                n.put("consumption", round(c.consumption(), 3));
                if (c.avgConsumption() != null) {
                    n.put("avgConsumption", round(c.avgConsumption(), 1));
                }
            }
        }
        if (t.kinetic() != null && (t.kinetic().avgSpeed() != null || t.kinetic().maxSpeed() != null)) {
            ObjectNode k = json.putObject("kinetic");
            if (t.kinetic().avgSpeed() != null) {
                k.put("avgSpeed", round(t.kinetic().avgSpeed(), 1));
            }
            if (t.kinetic().maxSpeed() != null) {
                k.put("maxSpeed", round(t.kinetic().maxSpeed(), 1));
            }
        }
        if (!t.segments().isEmpty()) {
            ArrayNode segments = json.putArray("segments");
            for (Trip.Segment s : t.segments()) {
                segments.addObject().put("propulsion", s.propulsion()).put("percent", round(s.percent(), 1))
                        .put("distance", round(s.distance(), 3));
            }
        }
        json.put("done", t.done());
        if (!t.faults().isEmpty()) {
            ArrayNode faults = json.putArray("faults");
            for (Trip.Fault f : t.faults()) {
                ObjectNode n = faults.addObject().put("fault", f.fault());
                if (f.cause() != null) {
                    n.put("cause", f.cause());
                }
            }
        }
        viewer.fields().filter("trip", json);
        return viewer.withVin(json);
    }

    private static ObjectNode position(Trip.Position p) {
        return feature(p.longitude(), p.latitude(), p.altitude(), p.createdAt(), p.heading(), p.signalQuality(), p.type(),
                p.fixStatus());
    }

    private static ObjectNode feature(double lon, double lat, Double alt, Instant at, Integer heading,
            Integer signalQuality, String type, String fixStatus) {
        ObjectNode feature = HistoryApi.feature(lon, lat, alt, at);
        ObjectNode props = (ObjectNode) feature.get("properties");
        if (heading != null) {
            props.put("heading", heading);
        }
        if (signalQuality != null) {
            props.put("signalQuality", signalQuality);
        }
        if (type != null) {
            props.put("type", type);
        }
        if (fixStatus != null) {
            props.put("fixStatus", fixStatus);
        }
        return feature;
    }

    private static ArrayNode energies(List<Trip.LiteEnergy> energies) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Trip.LiteEnergy e : energies) {
            ObjectNode n = array.addObject().put("type", e.type());
            if (e.subType() != null) {
                n.put("subType", e.subType());
            }
            if (e.level() != null) {
                n.put("level", round(e.level(), 1));
            }
            if (e.autonomy() != null) {
                n.put("autonomy", e.autonomy());
            }
        }
        return array;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static double[] range(String value, String name) {
        if (value == null) {
            return null;
        }
        Matcher m = RANGE.matcher(value);
        if (!m.matches()) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, name + " must look like 10-3600 or 20-");
        }
        double low = Double.parseDouble(m.group(1));
        double high = m.group(2) == null ? Double.MAX_VALUE : Double.parseDouble(m.group(2));
        if (high < low) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, name + " range ends before it starts");
        }
        return new double[] {low, high};
    }


    private static Map<String, String> query(List<String> timestamps, String indexRange) {
        Map<String, String> q = new LinkedHashMap<>();
        if (timestamps != null && !timestamps.isEmpty()) {
            q.put("timestamps", String.join(",", timestamps));
        }
        q.put("indexRange", indexRange);
        return q;
    }

    private static ResponseEntity<ObjectNode> ok(ObjectNode body) {
        return ResponseEntity.ok().contentType(VehiclesApi.HAL).body(body);
    }
}
