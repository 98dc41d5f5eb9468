package org.odomo.trip;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.odomo.state.HistoryQueries;
import org.odomo.state.TimeWindow;
import org.odomo.state.VehicleHistory;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.stereotype.Service;

/**
 * Reads of a vehicle's trips and of what happened during one: its waypoints, alerts and
 * collisions. The caller checks who may see which vehicle and which fields.
 */
@Service
public class TripQueries {

    private final TripStore store;
    private final VehicleHistory history;
    private final HistoryQueries queries;
    private final VehicleRegistry registry;

    TripQueries(TripStore store, VehicleHistory history, HistoryQueries queries, VehicleRegistry registry) {
        this.queries = queries;
        this.store = store;
        this.history = history;
        this.registry = registry;
    }

    /**
     * Trips of the vehicle that started in [{@code from}, {@code to}), newest first, the one in
     * progress included.
     *
     * @param from null for no lower bound
     * @param to   null for no upper bound
     */
    public List<Trip> trips(String vin, Instant from, Instant to, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        VehicleModel model = model(vin);
        return store.list(vin, from, to, Math.max(0, offset), limit).stream().map(r -> toTrip(r, model)).toList();
    }

    /** How many trips {@link #trips} would list without paging. */
    public long count(String vin, Instant from, Instant to) {
        return store.count(vin, from, to);
    }

    public Optional<Trip> trip(String vin, String tripId) {
        return store.find(vin, tripId).map(r -> toTrip(r, model(vin)));
    }

    /**
     * A page of the fleet's trips that started in the windows and match the filter, newest first,
     * after {@code after} (null for the first page): only of the vehicles in the fleet now, and of
     * each only those that started once it had joined.
     */
    public List<Trip> fleetTrips(String fleetId, List<TimeWindow> windows, TripFilter filter,
            HistoryQueries.After after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return store.fleetList(fleetId, windows, after, filter, limit).stream()
                .map(r -> toTrip(r, model(r.vin()))).toList();
    }

    /** How many trips {@link #fleetTrips} lists in all. */
    public long fleetTripCount(String fleetId, List<TimeWindow> windows, TripFilter filter) {
        return store.fleetCount(fleetId, windows, filter);
    }

    /** The trip if the fleet may see it: its vehicle is a member and it started once it had joined. */
    public Optional<Trip> fleetTrip(String fleetId, String tripId) {
        return store.findInFleet(fleetId, tripId).map(r -> toTrip(r, model(r.vin())));
    }

    /** Positions the vehicle stored from the trip's start to its stop (to now while it goes on), in time order. */
    public List<VehicleHistory.PositionRecord> waypoints(String vin, String tripId, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return trip(vin, tripId).map(t -> {
            int skip = Math.max(0, offset);
            List<VehicleHistory.PositionRecord> all = history.positions(vin, t.startedAt(), end(t),
                    (int) Math.min(Integer.MAX_VALUE, (long) skip + limit));
            return skip >= all.size() ? List.<VehicleHistory.PositionRecord>of() : all.subList(skip, all.size());
        }).orElse(List.of());
    }

    public long waypointCount(String vin, String tripId) {
        return trip(vin, tripId).map(t -> (long) history.positions(vin, t.startedAt(), end(t), Integer.MAX_VALUE).size())
                .orElse(0L);
    }

    /** Alerts that started during the trip, in time order. */
    public List<VehicleHistory.AlertRecord> alerts(String vin, String tripId) {
        return trip(vin, tripId).map(t -> inTimeOrder(queries.alerts(vin, span(t), 0, Integer.MAX_VALUE).items()))
                .orElse(List.of());
    }

    /** Collisions that occurred during the trip, in time order. */
    public List<VehicleHistory.CollisionRecord> collisions(String vin, String tripId) {
        return trip(vin, tripId).map(t -> inTimeOrder(queries.collisions(vin, span(t), 0, Integer.MAX_VALUE).items()))
                .orElse(List.of());
    }

    /** The trip's span as a history window, its stop included. */
    private static List<TimeWindow> span(Trip t) {
        return List.of(new TimeWindow(t.startedAt(), end(t)));
    }

    /** History pages come newest first; a trip lists its events as they happened. */
    private static <T> List<T> inTimeOrder(List<T> newestFirst) {
        List<T> ordered = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    /** Exclusive end of the trip's span for history reads. */
    private static Instant end(Trip t) {
        return t.stoppedAt() == null ? TripStore.DISTANT_FUTURE : t.stoppedAt().plusNanos(1000);
    }

    private VehicleModel model(String vin) {
        return registry.findCached(vin).flatMap(v -> VehicleModels.byCode(v.modelCode())).orElse(null);
    }

    private static Trip toTrip(TripStore.Row r, VehicleModel model) {
        return TripMath.toTrip(r.id(), r.vin(), r.createdAt(), r.updatedAt(), r.acc(), model);
    }
}
