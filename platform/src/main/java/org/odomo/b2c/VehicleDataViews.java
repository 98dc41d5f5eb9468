package org.odomo.b2c;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.FieldAccess;
import org.odomo.state.HistoryQueries;
import org.odomo.state.StatePart;
import org.odomo.state.VehicleHistory;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The vehicle data as the API shows it to a (user, app) pair, for features that send it rather
 * than serve it (a monitor's {@code extendedEventParam}): the same views, filtered by the same
 * field rules (the pair's scopes, the vehicle's services and privacy mode), so that nothing reaches
 * an app that it could not read through the API. Empty when the reader may see no data of the kind.
 */
@Component
public class VehicleDataViews {

    private final VehicleHistory history;
    private final AccessDecisions access;
    private final HistoryQueries queries;
    private final HistoryApi views;
    private final TripsApi trips;

    VehicleDataViews(VehicleHistory history, HistoryQueries queries, AccessDecisions access, HistoryApi views,
            TripsApi trips) {
        this.trips = trips;
        this.history = history;
        this.queries = queries;
        this.access = access;
        this.views = views;
    }

    /** The answer of {@code GET .../status}, without its links. */
    public Optional<ObjectNode> status(B2cCaller reader, Vehicle vehicle) {
        FieldAccess fields = access.fieldAccess(reader, vehicle);
        return history.current(vehicle.vin()).map(state -> StatusView.data(vehicle, state, fields));
    }

    /**
     * The vehicle's door state as {@code GET .../status} shows it (its {@code doorsState}, stamped
     * with when it was measured).
     */
    public Optional<ObjectNode> doorsState(B2cCaller reader, Vehicle vehicle) {
        return statusMember(reader, vehicle, "doorsState");
    }

    /**
     * The vehicle's alarm as {@code GET .../status} shows it: its current status and latest
     * trigger, each stamped with when it was measured.
     */
    public Optional<ObjectNode> alarm(B2cCaller reader, Vehicle vehicle) {
        return statusMember(reader, vehicle, "alarm");
    }

    /**
     * The newest telemetry item measured at or before {@code at} with data of the given types
     * (the API's telemetry types; all when empty), as {@code GET .../telemetry} shows it, without
     * its links.
     */
    public Optional<ObjectNode> telemetry(B2cCaller reader, Vehicle vehicle, Set<String> types, Instant at) {
        return views.latestTelemetry(reader, vehicle, types, at);
    }

    private Optional<ObjectNode> statusMember(B2cCaller reader, Vehicle vehicle, String member) {
        return status(reader, vehicle).map(s -> s.get(member)).filter(ObjectNode.class::isInstance)
                .map(ObjectNode.class::cast);
    }

    /** The answer of {@code GET .../lastPosition}: a GeoJSON feature. */
    public Optional<ObjectNode> position(B2cCaller reader, Vehicle vehicle) {
        if (!reader.granted(Scopes.POSITION)) {
            return Optional.empty();
        }
        FieldAccess fields = access.fieldAccess(reader, vehicle);
        return history.current(vehicle.vin()).flatMap(s -> s.part(StatePart.POSITION)).map(StatusView::position)
                .flatMap(position -> {
                    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                    wrapper.set("lastPosition", position);
                    return fields.filter("status", wrapper) ? Optional.of((ObjectNode) wrapper.get("lastPosition"))
                            : Optional.empty();
                });
    }

    /** The answer of {@code GET .../maintenance}, without its links. */
    public Optional<ObjectNode> maintenance(B2cCaller reader, Vehicle vehicle) {
        if (!reader.granted(Scopes.TELEMETRY)) {
            return Optional.empty();
        }
        FieldAccess fields = access.fieldAccess(reader, vehicle);
        return queries.latestMaintenance(vehicle.vin()).flatMap(m -> {
                    ObjectNode json = JsonNodeFactory.instance.objectNode();
                    json.put("createdAt", m.measuredAt().toString());
                    json.put("updatedAt", m.measuredAt().toString());
                    if (m.daysBefore() != null) {
                        json.put("daysBeforeMaintenance", m.daysBefore());
                    }
                    if (m.mileageBefore() != null) {
                        json.put("mileageBeforeMaintenance", m.mileageBefore());
                    }
                    return fields.filter("maintenance", json) ? Optional.of(json) : Optional.empty();
                });
    }

    /**
     * The trip that started last at or before {@code at}, as {@code GET .../trips/{tid}} shows it,
     * without its links.
     */
    public Optional<ObjectNode> trip(B2cCaller reader, Vehicle vehicle, Instant at) {
        if (!reader.granted(Scopes.TRIP)) {
            return Optional.empty();
        }
        return trips.tripAt(reader, vehicle, access.fieldAccess(reader, vehicle), at).map(VehicleDataViews::unlinked);
    }

    /**
     * The vehicle's latest collision at or before {@code at} and not before {@code since}, as
     * {@code GET .../collisions/{cid}} shows it, without its links.
     */
    public Optional<ObjectNode> latestCollision(B2cCaller reader, Vehicle vehicle, Instant since, Instant at) {
        FieldAccess fields = access.fieldAccess(reader, vehicle);
        if (!reader.granted(Scopes.COLLISION) || !fields.allowsCategory(Scopes.COLLISION)) {
            return Optional.empty();
        }
        return history.collisions(vehicle.vin()).stream()
                .filter(c -> !c.occurredAt().isAfter(at) && !c.occurredAt().isBefore(since))
                .max(java.util.Comparator.comparing(VehicleHistory.CollisionRecord::occurredAt))
                .map(c -> unlinked(views.collisionView(reader, vehicle, fields, c, "/user/vehicles/" + vehicle.apiId())));
    }

    /** The vehicle's active alerts as {@code GET .../alerts/{aid}} shows each, without their links. */
    public List<ObjectNode> activeAlerts(B2cCaller reader, Vehicle vehicle) {
        FieldAccess fields = access.fieldAccess(reader, vehicle);
        if (!reader.granted(Scopes.ALERT) || !fields.allowsCategory(Scopes.ALERT)) {
            return List.of();
        }
        return history.alerts(vehicle.vin()).stream().filter(VehicleHistory.AlertRecord::active)
                .map(a -> unlinked(views.alertView(reader, vehicle, fields, a, "/user/vehicles/" + vehicle.apiId())))
                .toList();
    }

    /** Links point into the API of a request; data sent elsewhere goes without them. */
    private static ObjectNode unlinked(ObjectNode view) {
        view.remove("_links");
        return view;
    }
}
