package org.odomo.b2b.history;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.b2c.HistoryApi;
import org.odomo.b2c.TimeRanges;
import org.odomo.b2c.TripsApi;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetVehicle;
import org.odomo.state.HistoryQueries;
import org.odomo.state.TimeWindow;
import org.odomo.state.VehicleHistory;
import org.odomo.trip.Trip;
import org.odomo.trip.TripFilter;
import org.odomo.trip.TripQueries;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The history of a fleet's vehicles: alerts, collisions and trips (with a trip's alerts,
 * collisions, waypoints and telemetry), per vehicle and fleet-wide. Items are those of the B2C API
 * plus their vehicle's VIN, filtered by the fleet contract and the GDPR {@code profile}; a fleet
 * sees a vehicle's data only from when it joined, and none of a vehicle that left.
 * <p>
 * A list whose data the contract does not cover is refused (403, as the B2C API refuses a list
 * whose scope the user did not grant); a list the contract covers but the vehicle does not upload
 * (no service covering it, or its privacy mode under {@code profile=endUser}) is empty; a single
 * item the caller may not see is unknown (404).
 */
@RestController
@RequestMapping(path = HistoryPage.API_BASE + "/fleets/{fid}")
class FleetHistoryApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    private static final int MAX_PAGE = 60;
    private static final int MAX_PAGE_HIGH_FREQUENCY = 2000;
    /** Rows a fleet-wide page reads at most past hidden ones before it ends early (with a next link). */
    private static final int MAX_ROWS_PER_PAGE = 600;
    /** Waypoints of one trip read at most. */
    private static final int MAX_WAYPOINTS = 20_000;

    private final FleetAccess fleets;
    private final AccessDecisions decisions;
    private final HistoryQueries history;
    private final TripQueries trips;
    private final HistoryApi historyViews;
    private final TripsApi tripLists;
    private final VehicleRegistry vehicles;
    private final HistoryPageTokens tokens;
    private final HistoryPagingProperties settings;
    private final Clock clock = Clock.systemUTC();

    FleetHistoryApi(FleetAccess fleets, AccessDecisions decisions, HistoryQueries history,
            TripQueries trips, HistoryApi historyViews, TripsApi tripLists, VehicleRegistry vehicles,
            HistoryPageTokens tokens, HistoryPagingProperties settings) {
        this.fleets = fleets;
        this.decisions = decisions;
        this.history = history;
        this.trips = trips;
        this.historyViews = historyViews;
        this.tripLists = tripLists;
        this.vehicles = vehicles;
        this.tokens = tokens;
        this.settings = settings;
    }

    /** A request on one vehicle of the fleet: who asks, the membership, and how items are shown. */
    private record One(B2bCaller caller, FleetVehicle member, HistoryApi.Viewer viewer) {

        String vin() {
            return member.vehicle().vin();
        }

        String path() {
            return viewer.vehiclePath();
        }

        FieldAccess fields() {
            return viewer.fields();
        }
    }

    private One one(String fid, String vid, String profile, String... scopes) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle member = fleets.fleetVehicle(caller, fid, vid);
        decisions.requireContract(caller, scopes);
        FieldAccess fields = fleets.fieldAccess(caller, member.vehicle(), profile);
        return new One(caller, member, viewer(caller, member.fleet().id(), member.vehicle(), fields));
    }

    private static HistoryApi.Viewer viewer(B2bCaller caller, String fleetId, Vehicle vehicle, FieldAccess fields) {
        return new HistoryApi.Viewer(fields, HistoryPage.API_BASE, caller.clientId(),
                "/fleets/" + fleetId + "/vehicles/" + vehicle.apiId(), vehicle.vin());
    }

    // ------------------------------------------------------------------ one vehicle

    @GetMapping("/vehicles/{vid}/alerts")
    ResponseEntity<ObjectNode> vehicleAlerts(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.ALERT);
        return vehicleList(one, Scopes.ALERT, "/alerts", "alerts", profile, timestamps, indexRange, pageSize, pageToken,
                (windows, page) -> history.alerts(one.vin(), windows, (int) Math.min(Integer.MAX_VALUE, page.index),
                        page.limit()),
                a -> HistoryApi.alertView(one.viewer(), a, one.path()));
    }

    @GetMapping("/vehicles/{vid}/alerts/{aid}")
    ResponseEntity<ObjectNode> vehicleAlert(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String aid, @RequestParam(required = false) String profile) {
        One one = one(fid, vid, profile, Scopes.ALERT);
        VehicleHistory.AlertRecord a = Optional.of(one).filter(o -> o.fields().allowsCategory(Scopes.ALERT))
                .flatMap(o -> history.alert(o.vin(), aid))
                .filter(x -> !x.startedAt().isBefore(one.member().joinedAt()))
                .orElseThrow(() -> unknown("alert", aid));
        return ok(HistoryApi.alertView(one.viewer(), a, one.path()));
    }

    @GetMapping("/vehicles/{vid}/collisions")
    ResponseEntity<ObjectNode> vehicleCollisions(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.COLLISION);
        return vehicleList(one, Scopes.COLLISION, "/collisions", "Collisions", profile, timestamps, indexRange,
                pageSize, pageToken,
                (windows, page) -> history.collisions(one.vin(), windows,
                        (int) Math.min(Integer.MAX_VALUE, page.index), page.limit()),
                c -> HistoryApi.collisionView(one.viewer(), c, one.path()));
    }

    @GetMapping("/vehicles/{vid}/collisions/{cid}")
    ResponseEntity<ObjectNode> vehicleCollision(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String cid, @RequestParam(required = false) String profile) {
        One one = one(fid, vid, profile, Scopes.COLLISION);
        VehicleHistory.CollisionRecord c = Optional.of(one).filter(o -> o.fields().allowsCategory(Scopes.COLLISION))
                .flatMap(o -> history.collision(o.vin(), cid))
                .filter(x -> !x.occurredAt().isBefore(one.member().joinedAt()))
                .orElseThrow(() -> unknown("collision", cid));
        return ok(HistoryApi.collisionView(one.viewer(), c, one.path()));
    }

    private interface VehiclePageQuery<T> {
        HistoryQueries.Page<T> fetch(List<TimeWindow> windows, HistoryPage page);
    }

    /** A page of one vehicle's alerts or collisions, paged by index (a vehicle's history is short). */
    private <T> ResponseEntity<ObjectNode> vehicleList(One one, String scope, String resource, String name,
            String profile, List<String> timestamps, String indexRange, String pageSize, String pageToken,
            VehiclePageQuery<T> query, Function<T, ObjectNode> view) {
        String path = one.path() + resource;
        Map<String, String> q = query(profile, timestamps, indexRange);
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize, indexRange, pageToken,
                MAX_PAGE);
        List<TimeWindow> windows = windows(timestamps, one.member().joinedAt());
        List<ObjectNode> items = new ArrayList<>();
        long total = 0;
        if (one.fields().allowsCategory(scope) && !windows.isEmpty()) {
            HistoryQueries.Page<T> found = query.fetch(windows, page);
            total = found.total();
            found.items().forEach(record -> items.add(view.apply(record)));
        }
        return ok(indexedPage(one, page, path, q, name, items, total));
    }

    /** The body of a page of a list paged by index: there is a next page while items remain within the range. */
    private ObjectNode indexedPage(One one, HistoryPage page, String path, Map<String, String> q, String name,
            List<ObjectNode> items, long total) {
        long end = page.rangeEnd == null ? total : Math.min(total, page.rangeEnd + 1);
        long nextIndex = page.index + page.pageSize;
        HistoryPageTokens.Position next = !items.isEmpty() && nextIndex < end
                ? new HistoryPageTokens.Position(nextIndex, null, null) : null;
        return page.body(tokens, one.caller().clientId(), path, q, name, items, total, next);
    }

    // ------------------------------------------------------------------ one vehicle's trips

    @GetMapping("/vehicles/{vid}/trips")
    ResponseEntity<ObjectNode> vehicleTrips(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String distance, @RequestParam(required = false) String duration,
            @RequestParam(required = false) List<String> states, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.TRIP);
        TripFilter filter = TripsApi.filter(distance, duration, states);
        String path = one.path() + "/trips";
        Map<String, String> q = query(profile, timestamps, indexRange);
        q.putAll(TripsApi.filterQuery(filter, distance, duration));
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize, indexRange, pageToken,
                MAX_PAGE);
        List<TimeRanges.Range> ranges = ranges(timestamps, one.member().joinedAt());
        List<Trip> matching = one.fields().allowsCategory(Scopes.TRIP) && !ranges.isEmpty()
                ? tripLists.matching(one.vin(), ranges, filter) : List.of();
        List<ObjectNode> items = new ArrayList<>();
        for (Trip t : slice(matching, page)) {
            items.add(TripsApi.view(one.viewer(), t));
        }
        return ok(indexedPage(one, page, path, q, "trips", items, matching.size()));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}")
    ResponseEntity<ObjectNode> vehicleTrip(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String tid, @RequestParam(required = false) String profile) {
        One one = one(fid, vid, profile, Scopes.TRIP);
        return ok(TripsApi.view(one.viewer(), trip(one, tid)));
    }

    /** The vehicle's trip, if the caller may see it: it started once the vehicle had joined the fleet. */
    private Trip trip(One one, String tid) {
        if (!one.fields().allowsCategory(Scopes.TRIP)) {
            throw unknown("trip", tid);
        }
        return trips.trip(one.vin(), tid).filter(t -> !t.startedAt().isBefore(one.member().joinedAt()))
                .orElseThrow(() -> unknown("trip", tid));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}/alerts")
    ResponseEntity<ObjectNode> tripAlerts(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String tid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.TRIP, Scopes.ALERT);
        Trip trip = trip(one, tid);
        List<VehicleHistory.AlertRecord> all = one.fields().allowsCategory(Scopes.ALERT)
                ? trips.alerts(one.vin(), trip.id()) : List.of();
        String tripPath = one.path() + "/trips/" + trip.id();
        return tripList(one, tripPath + "/alerts", "alerts", profile, timestamps, indexRange, pageSize, pageToken,
                MAX_PAGE, all, VehicleHistory.AlertRecord::startedAt,
                a -> HistoryApi.alertView(one.viewer(), a, tripPath));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}/alerts/{aid}")
    ResponseEntity<ObjectNode> tripAlert(@PathVariable String fid, @PathVariable String vid, @PathVariable String tid,
            @PathVariable String aid, @RequestParam(required = false) String profile) {
        One one = one(fid, vid, profile, Scopes.TRIP, Scopes.ALERT);
        Trip trip = trip(one, tid);
        VehicleHistory.AlertRecord a = trips.alerts(one.vin(), trip.id()).stream()
                .filter(x -> x.id().equals(aid) && one.fields().allowsCategory(Scopes.ALERT)).findFirst()
                .orElseThrow(() -> unknown("alert", aid));
        return ok(HistoryApi.alertView(one.viewer(), a, one.path() + "/trips/" + trip.id()));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}/collisions")
    ResponseEntity<ObjectNode> tripCollisions(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String tid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.TRIP, Scopes.COLLISION);
        Trip trip = trip(one, tid);
        List<VehicleHistory.CollisionRecord> all = one.fields().allowsCategory(Scopes.COLLISION)
                ? trips.collisions(one.vin(), trip.id()) : List.of();
        String tripPath = one.path() + "/trips/" + trip.id();
        return tripList(one, tripPath + "/collisions", "Collisions", profile, timestamps, indexRange, pageSize,
                pageToken, MAX_PAGE, all, VehicleHistory.CollisionRecord::occurredAt,
                c -> HistoryApi.collisionView(one.viewer(), c, tripPath));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}/wayPoints")
    ResponseEntity<ObjectNode> tripWayPoints(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String tid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String tolerance, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, profile, Scopes.TRIP, Scopes.POSITION);
        double toleranceKm = tolerance(tolerance);
        Trip trip = trip(one, tid);
        boolean allowed = one.fields().allowsCategory(Scopes.TRIP) && one.fields().allowsCategory(Scopes.POSITION);
        List<VehicleHistory.PositionRecord> all = allowed
                ? PathSimplifier.simplify(trips.waypoints(one.vin(), trip.id(), 0, MAX_WAYPOINTS), toleranceKm)
                : List.of();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("tolerance", tolerance);
        return tripList(one, one.path() + "/trips/" + trip.id() + "/wayPoints", "positions", profile, timestamps,
                indexRange, pageSize, pageToken, MAX_PAGE_HIGH_FREQUENCY, all, VehicleHistory.PositionRecord::measuredAt,
                p -> TripsApi.waypoint(one.fields(), p), extra);
    }

    @GetMapping("/vehicles/{vid}/telemetry")
    ResponseEntity<ObjectNode> vehicleTelemetry(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken, @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) List<String> extension) {
        One one = one(fid, vid, profile, Scopes.TELEMETRY);
        return telemetryPage(one, one.path() + "/telemetry", windows(timestamps, one.member().joinedAt()), profile,
                timestamps, indexRange, pageSize, pageToken, type, extension);
    }

    /** A vehicle's alarm statuses and triggers since it joined the fleet (no profile: the operation has none). */
    @GetMapping("/vehicles/{vid}/alarms")
    ResponseEntity<ObjectNode> vehicleAlarms(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) List<String> type, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        One one = one(fid, vid, null, Scopes.TELEMETRY);
        List<String> kinds = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (String t : type == null ? List.<String>of() : type) {
            for (String part : t.split(",")) {
                switch (part.trim()) {
                    case "vehicle.alarm.status" -> kinds.add("status");
                    case "vehicle.alarm.trigger" -> kinds.add("trigger");
                    default -> throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                            "type must be vehicle.alarm.status or vehicle.alarm.trigger");
                }
                named.add(part.trim());
            }
        }
        String path = one.path() + "/alarms";
        Map<String, String> q = query(null, timestamps, indexRange);
        if (!named.isEmpty()) {
            q.put("type", String.join(",", named));
        }
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize, indexRange, pageToken,
                MAX_PAGE);
        List<TimeWindow> windows = windows(timestamps, one.member().joinedAt());
        HistoryQueries.Page<VehicleHistory.AlarmRecord> found = history.alarms(one.vin(), windows, kinds,
                (int) Math.min(Integer.MAX_VALUE, page.index), page.limit());
        List<ObjectNode> items = new ArrayList<>();
        for (VehicleHistory.AlarmRecord a : found.items()) {
            HistoryApi.alarmView(one.fields(), a).ifPresent(items::add);
        }
        long total = items.isEmpty() && !found.items().isEmpty() ? 0 : found.total();
        return ok(indexedPage(one, page, path, q, "alarms", items, total));
    }

    @GetMapping("/vehicles/{vid}/alarms/{aid}")
    ResponseEntity<ObjectNode> vehicleAlarm(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String aid) {
        One one = one(fid, vid, null, Scopes.TELEMETRY);
        return ok(history.alarm(one.vin(), aid).filter(a -> !a.measuredAt().isBefore(one.member().joinedAt()))
                .flatMap(a -> HistoryApi.alarmView(one.fields(), a))
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no alarm " + BodyRules.shown(aid))));
    }

    @GetMapping("/vehicles/{vid}/trips/{tid}/telemetry")
    ResponseEntity<ObjectNode> tripTelemetry(@PathVariable String fid, @PathVariable String vid,
            @PathVariable String tid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken,
            @RequestParam(required = false) List<String> type, @RequestParam(required = false) List<String> extension) {
        One one = one(fid, vid, profile, Scopes.TRIP);
        Trip trip = trip(one, tid);
        Instant end = trip.stoppedAt() == null ? clock.instant().plusSeconds(1) : trip.stoppedAt().plusMillis(1);
        List<TimeWindow> windows = new ArrayList<>();
        for (TimeWindow w : windows(timestamps, one.member().joinedAt())) {
            Instant from = w.from().isAfter(trip.startedAt()) ? w.from() : trip.startedAt();
            Instant to = w.to().isBefore(end) ? w.to() : end;
            if (from.isBefore(to)) {
                windows.add(new TimeWindow(from, to));
            }
        }
        return telemetryPage(one, one.path() + "/trips/" + trip.id() + "/telemetry", windows, profile, timestamps,
                indexRange, pageSize, pageToken, type, extension);
    }

    /** A page of the vehicle's telemetry messages within {@code windows} (already bounded by its joining). */
    private ResponseEntity<ObjectNode> telemetryPage(One one, String path, List<TimeWindow> windows, String profile,
            List<String> timestamps, String indexRange, String pageSize, String pageToken, List<String> type,
            List<String> extension) {
        Map<String, String> q = query(profile, timestamps, indexRange);
        // Reads type and extension (400 when unknown) and adds them to the query before the list is named.
        Map<String, String> selection = new LinkedHashMap<>();
        // Telemetry items have no vin member in the fleet API's schema, unlike the other history items.
        HistoryApi.Viewer viewer = new HistoryApi.Viewer(one.fields(), HistoryPage.API_BASE, one.caller().clientId(),
                one.path(), null);
        HistoryQueries.Page<ObjectNode> probe = historyViews.telemetry(viewer, one.vin(), type, extension,
                List.of(), 0, 0, selection);
        q.putAll(selection);
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize, indexRange, pageToken,
                MAX_PAGE_HIGH_FREQUENCY);
        HistoryQueries.Page<ObjectNode> found = windows.isEmpty() || page.limit() == 0 ? probe
                : historyViews.telemetry(viewer, one.vin(), type, extension, windows,
                        (int) Math.min(Integer.MAX_VALUE, page.index), page.limit(), new LinkedHashMap<>());
        List<ObjectNode> items = new ArrayList<>();
        found.items().forEach(item -> items.add(withoutB2cOnlyEnergyMembers(item)));
        return ok(indexedPage(one, page, path, q, "telemetries", items, found.total()));
    }

    /**
     * A telemetry item as the fleet API's schema has it: its engines and energies without the
     * members only the end-user API has (its deprecated engine oil, instant consumptions, electric
     * residual and battery capacity). The item's energies are replaced by copies: the views' parts may be shared.
     */
    static ObjectNode withoutB2cOnlyEnergyMembers(ObjectNode item) {
        JsonNode engines = item.path("vehicle").path("engines");
        if (engines.isArray() && engines.findParent("oil") != null) {
            // the end-user API's deprecated engines[].oil (the thermic extension carries the oil)
            tools.jackson.databind.node.ArrayNode kept = (tools.jackson.databind.node.ArrayNode) engines.deepCopy();
            kept.forEach(engine -> ((ObjectNode) engine).remove("oil"));
            ObjectNode vehicle = ((ObjectNode) item.get("vehicle")).deepCopy();
            vehicle.set("engines", kept);
            item = item.deepCopy();
            item.set("vehicle", vehicle);
        }
        JsonNode energies = item.path("vehicle").path("energies");
        if (!energies.isArray()) {
            return item;
        }
        tools.jackson.databind.node.ArrayNode copy = (tools.jackson.databind.node.ArrayNode) energies.deepCopy();
        for (JsonNode energy : copy) {
            JsonNode extension = energy.path("extension");
            if (extension.path("fuel") instanceof ObjectNode fuel) {
                fuel.remove("consumption");
                if (fuel.isEmpty()) {
                    ((ObjectNode) extension).remove("fuel");
                }
            }
            if (extension.path("electric") instanceof ObjectNode electric) {
                electric.remove(List.of("consumption", "residual"));
                if (electric.path("battery") instanceof ObjectNode battery) {
                    battery.remove("capacity");
                    if (battery.isEmpty()) {
                        electric.remove("battery");
                    }
                }
                if (electric.isEmpty()) {
                    ((ObjectNode) extension).remove("electric");
                }
            }
            if (extension instanceof ObjectNode e && e.isEmpty()) {
                ((ObjectNode) energy).remove("extension");
            }
        }
        ObjectNode vehicle = ((ObjectNode) item.get("vehicle")).deepCopy();
        vehicle.set("energies", copy);
        ObjectNode out = item.deepCopy();
        out.set("vehicle", vehicle);
        return out;
    }

    private <T> ResponseEntity<ObjectNode> tripList(One one, String path, String name, String profile,
            List<String> timestamps, String indexRange, String pageSize, String pageToken, int maxPageSize,
            List<T> records, Function<T, Instant> time, Function<T, ObjectNode> view) {
        return tripList(one, path, name, profile, timestamps, indexRange, pageSize, pageToken, maxPageSize, records,
                time, view, Map.of());
    }

    /** A page of a trip's records, those within the requested time ranges, in time order. */
    private <T> ResponseEntity<ObjectNode> tripList(One one, String path, String name, String profile,
            List<String> timestamps, String indexRange, String pageSize, String pageToken, int maxPageSize,
            List<T> records, Function<T, Instant> time, Function<T, ObjectNode> view, Map<String, String> extra) {
        Map<String, String> q = query(profile, timestamps, indexRange);
        q.putAll(extra);
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize, indexRange, pageToken,
                maxPageSize);
        List<TimeRanges.Range> ranges = ranges(timestamps, one.member().joinedAt());
        List<T> all = records.stream().filter(r -> ranges.stream().anyMatch(x -> x.contains(time.apply(r)))).toList();
        List<ObjectNode> items = new ArrayList<>();
        for (T record : slice(all, page)) {
            items.add(view.apply(record));
        }
        return ok(indexedPage(one, page, path, q, name, items, all.size()));
    }

    private static <T> List<T> slice(List<T> all, HistoryPage page) {
        int from = (int) Math.min(page.index, all.size());
        return all.subList(from, Math.min(all.size(), from + page.limit()));
    }

    private static double tolerance(String value) {
        if (value == null) {
            return 0;
        }
        try {
            double km = Double.parseDouble(value.trim());
            if (km >= 0 && km <= 1000) {
                return km;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "tolerance must be a number of km from 0 to 1000");
    }

    // ------------------------------------------------------------------ fleet-wide

    /** A request on the whole fleet. */
    private record All(B2bCaller caller, Fleet fleet, String profile, Map<String, FieldAccess> fields,
            Map<String, Optional<Vehicle>> vehicles) {
    }

    private All all(String fid, String profile, String scope) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        decisions.requireContract(caller, scope);
        FleetAccess.endUserProfile(profile);
        return new All(caller, fleet, profile, new HashMap<>(), new HashMap<>());
    }

    /** The viewer of one item of a fleet-wide list; empty when its vehicle's data of {@code scope} is hidden. */
    private Optional<HistoryApi.Viewer> itemViewer(All all, String vin, String scope) {
        Optional<Vehicle> vehicle = all.vehicles().computeIfAbsent(vin, vehicles::findCached);
        if (vehicle.isEmpty()) {
            return Optional.empty();
        }
        FieldAccess fields = all.fields().computeIfAbsent(vin,
                v -> fleets.fieldAccess(all.caller(), vehicle.get(), all.profile()));
        if (!fields.allowsCategory(scope)) {
            return Optional.empty();
        }
        return Optional.of(viewer(all.caller(), all.fleet().id(), vehicle.get(), fields));
    }

    @GetMapping("/alerts")
    ResponseEntity<ObjectNode> fleetAlerts(@PathVariable String fid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken) {
        All all = all(fid, profile, Scopes.ALERT);
        List<TimeWindow> windows = windows(timestamps, Instant.EPOCH);
        return fleetList(all, Scopes.ALERT, "/alerts", "alerts", query(profile, timestamps, indexRange), pageSize,
                indexRange, pageToken,
                (after, limit) -> history.fleetAlerts(all.fleet().id(), windows, after, limit),
                () -> history.fleetAlertCount(all.fleet().id(), windows),
                a -> new HistoryQueries.After(a.startedAt(), a.vin(), a.id()), VehicleHistory.AlertRecord::vin,
                (viewer, a) -> HistoryApi.alertView(viewer, a, viewer.vehiclePath()));
    }

    @GetMapping("/alerts/{aid}")
    ResponseEntity<ObjectNode> fleetAlert(@PathVariable String fid, @PathVariable String aid,
            @RequestParam(required = false) String profile) {
        All all = all(fid, profile, Scopes.ALERT);
        VehicleHistory.AlertRecord a = history.fleetAlert(all.fleet().id(), aid).orElseThrow(() -> unknown("alert", aid));
        HistoryApi.Viewer viewer = itemViewer(all, a.vin(), Scopes.ALERT).orElseThrow(() -> unknown("alert", aid));
        return ok(HistoryApi.alertView(viewer, a, viewer.vehiclePath()));
    }

    @GetMapping("/collisions")
    ResponseEntity<ObjectNode> fleetCollisions(@PathVariable String fid,
            @RequestParam(required = false) String profile, @RequestParam(required = false) List<String> timestamps,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        All all = all(fid, profile, Scopes.COLLISION);
        List<TimeWindow> windows = windows(timestamps, Instant.EPOCH);
        return fleetList(all, Scopes.COLLISION, "/collisions", "Collisions", query(profile, timestamps, indexRange),
                pageSize, indexRange, pageToken,
                (after, limit) -> history.fleetCollisions(all.fleet().id(), windows, after, limit),
                () -> history.fleetCollisionCount(all.fleet().id(), windows),
                c -> new HistoryQueries.After(c.occurredAt(), c.vin(), c.id()), VehicleHistory.CollisionRecord::vin,
                (viewer, c) -> HistoryApi.collisionView(viewer, c, viewer.vehiclePath()));
    }

    @GetMapping("/collisions/{cid}")
    ResponseEntity<ObjectNode> fleetCollision(@PathVariable String fid, @PathVariable String cid,
            @RequestParam(required = false) String profile) {
        All all = all(fid, profile, Scopes.COLLISION);
        VehicleHistory.CollisionRecord c = history.fleetCollision(all.fleet().id(), cid)
                .orElseThrow(() -> unknown("collision", cid));
        HistoryApi.Viewer viewer = itemViewer(all, c.vin(), Scopes.COLLISION)
                .orElseThrow(() -> unknown("collision", cid));
        return ok(HistoryApi.collisionView(viewer, c, viewer.vehiclePath()));
    }

    @GetMapping("/trips")
    ResponseEntity<ObjectNode> fleetTrips(@PathVariable String fid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String distance,
            @RequestParam(required = false) String duration, @RequestParam(required = false) List<String> states,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        All all = all(fid, profile, Scopes.TRIP);
        TripFilter filter = TripsApi.filter(distance, duration, states);
        List<TimeWindow> windows = windows(timestamps, Instant.EPOCH);
        Map<String, String> q = query(profile, timestamps, indexRange);
        q.putAll(TripsApi.filterQuery(filter, distance, duration));
        return fleetList(all, Scopes.TRIP, "/trips", "trips", q, pageSize, indexRange, pageToken,
                (after, limit) -> trips.fleetTrips(all.fleet().id(), windows, filter, after, limit),
                () -> trips.fleetTripCount(all.fleet().id(), windows, filter),
                t -> new HistoryQueries.After(t.startedAt(), t.vin(), t.id()), Trip::vin, TripsApi::view);
    }

    private interface KeysetQuery<T> {
        List<T> fetch(HistoryQueries.After after, int limit);
    }

    private interface Counter {
        long count();
    }

    private interface View<T> {
        ObjectNode of(HistoryApi.Viewer viewer, T record);
    }

    /**
     * A page of a fleet-wide list, newest first, resuming after the key in the token. The total is
     * counted once, on the first page, and carried by the tokens: later pages read only their own
     * rows, so the last page of a long list costs what the first does. It counts the items of the
     * fleet's members since they joined; items a member does not upload (see the class comment)
     * are left out of the pages but counted.
     */
    private <T> ResponseEntity<ObjectNode> fleetList(All all, String scope, String resource, String name,
            Map<String, String> q, String pageSize, String indexRange, String pageToken, KeysetQuery<T> query,
            Counter counter, Function<T, HistoryQueries.After> key, Function<T, String> vin, View<T> view) {
        String path = "/fleets/" + all.fleet().id() + resource;
        HistoryPage page = HistoryPage.of(tokens, HistoryPage.listOf(path, q), pageSize,
                indexRange, pageToken, MAX_PAGE);
        long total = page.carriedTotal != null ? page.carriedTotal : counter.count();
        HistoryQueries.After after = page.after;
        long index = page.index;
        if (after == null && index > 0) {
            // A first page deeper than 0 (indexRange): the items before it are read and skipped.
            if (index > settings.maxIndexRangeStart()) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange of a fleet-wide list may start at "
                        + settings.maxIndexRangeStart() + " at most: page on with pageToken");
            }
            List<T> skipped = query.fetch(null, (int) index);
            if (skipped.size() < index) {
                return ok(page.body(tokens, all.caller().clientId(), path, q, name, List.of(), total, null));
            }
            after = key.apply(skipped.get(skipped.size() - 1));
        }
        int limit = page.limit();
        List<ObjectNode> items = new ArrayList<>();
        HistoryQueries.After last = after;
        boolean more = limit > 0;
        int read = 0;
        while (items.size() < limit && more && read < MAX_ROWS_PER_PAGE) {
            int want = limit - items.size();
            // One row more than needed tells whether anything follows this page.
            List<T> rows = query.fetch(last, want + 1);
            more = rows.size() > want;
            for (T row : rows.subList(0, Math.min(rows.size(), want))) {
                last = key.apply(row);
                read++;
                itemViewer(all, vin.apply(row), scope).ifPresent(viewer -> items.add(view.of(viewer, row)));
            }
        }
        HistoryPageTokens.Position next = more && !page.rangeEndsWithin(items.size()) && last != null
                ? new HistoryPageTokens.Position(page.index + items.size(), total, last) : null;
        return ok(page.body(tokens, all.caller().clientId(), path, q, name, items, total, next));
    }

    // ------------------------------------------------------------------ helpers

    /** The requested time windows (all time when none), from {@code since} on. */
    private List<TimeWindow> windows(List<String> timestamps, Instant since) {
        return ranges(timestamps, since).stream().map(r -> new TimeWindow(r.from(), r.to())).toList();
    }

    private List<TimeRanges.Range> ranges(List<String> timestamps, Instant since) {
        List<TimeRanges.Range> out = new ArrayList<>();
        for (TimeRanges.Range r : TimeRanges.parse(timestamps, clock.instant())) {
            Instant from = r.from().isBefore(since) ? since : r.from();
            if (from.isBefore(r.to())) {
                out.add(new TimeRanges.Range(from, r.to()));
            }
        }
        return out;
    }

    private static Map<String, String> query(String profile, List<String> timestamps, String indexRange) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("profile", profile);
        if (timestamps != null && !timestamps.isEmpty()) {
            q.put("timestamps", String.join(",", timestamps));
        }
        q.put("indexRange", indexRange);
        return q;
    }

    private static ApiException unknown(String what, String id) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no " + what + " " + BodyRules.shown(id));
    }

    private static ResponseEntity<ObjectNode> ok(ObjectNode body) {
        return ResponseEntity.ok().contentType(HAL).body(body);
    }
}
