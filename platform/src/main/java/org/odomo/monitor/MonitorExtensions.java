package org.odomo.monitor;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.B2cCaller;
import org.odomo.b2c.VehicleDataViews;
import org.odomo.fleet.StolenStates;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code extendedEventParam} data a notification carries ({@code MonitorEvent.extensions}):
 * the API's own views of the vehicle, filtered for the monitor's (user, app) pair, so that a
 * notification never holds what the app could not read through the API (a car in privacy mode
 * "Data" sends no position, for one). The pair's scopes are those the user had granted the app
 * when it declared (or replaced) the monitor: a user who withdraws the app's access fails its
 * monitors, so they hold while it runs. (Monitors declared before they were kept: the scopes the
 * monitor needs.)
 * The data is the vehicle's latest known at evaluation time; the trip, the one that started last at
 * or before the event; the telemetry, the newest message of the types asked for measured at or
 * before the event (one item for all the {@code vehicle.telemetry[.<type>]} entries: the union of
 * their types).
 */
@Component
class MonitorExtensions {

    private final VehicleRegistry vehicles;
    private final VehicleDataViews views;
    private final ObjectProvider<StolenStates> stolenStates;

    MonitorExtensions(VehicleRegistry vehicles, VehicleDataViews views, ObjectProvider<StolenStates> stolenStates) {
        this.vehicles = vehicles;
        this.views = views;
        this.stolenStates = stolenStates;
    }

    void attach(ObjectNode event, EvaluationStore.Watched monitor, MonitorDefinition definition, Instant at) {
        if (definition.extensions().isEmpty()) {
            return;
        }
        Optional<Vehicle> found = vehicles.findCached(monitor.vin());
        if (found.isEmpty()) {
            return;
        }
        Vehicle vehicle = found.get();
        Set<String> scopes = monitor.grantedScopes() != null ? monitor.grantedScopes()
                : MonitorReader.scopesNeeded(definition);
        attach(event, vehicle, new B2cCaller(monitor.accountId(), vehicle.brand(), monitor.clientId(), scopes),
                definition, at);
    }

    /**
     * A fleet monitor's extensions: the vehicle's data as the fleet API shows it under the
     * {@code endUser} profile (the contract's scopes and the car's privacy mode), the stricter of
     * its two profiles, since a notification carries no profile.
     */
    void attachFleet(ObjectNode event, Vehicle vehicle, String fleetId, Instant joinedAt, String clientId,
            Set<String> contract, MonitorDefinition definition, Instant at) {
        if (definition.extensions().isEmpty()) {
            return;
        }
        B2cCaller reader = new B2cCaller(vehicle.ownerId() == null ? 0 : vehicle.ownerId(), vehicle.brand(), clientId,
                contract);
        attach(event, vehicle, reader, definition, at);
        // The fleet API's own: the car's latest collision since it joined, and the fleet's open
        // stolen-vehicle declaration (present only while the car is declared stolen).
        ArrayNode fleetOnly = event.arrayNode();
        for (String e : definition.extensions()) {
            if (e.equals("vehicle.collisions")) {
                views.latestCollision(reader, vehicle, joinedAt, at)
                        .ifPresent(c -> one(fleetOnly, e, "collisions", c));
            } else if (e.equals("vehicle.stolen")) {
                StolenStates states = stolenStates.getIfAvailable();
                if (states != null) {
                    states.openDeclaration(fleetId, vehicle.vin()).ifPresent(d -> one(fleetOnly, e, "stolen", d));
                }
            }
        }
        if (!fleetOnly.isEmpty()) {
            ArrayNode all = event.path("extensions") instanceof ArrayNode existing ? existing : event.putArray(
                    "extensions");
            all.addAll(fleetOnly);
        }
        // The B2B template's extension body is one object ({position: ...}), the B2C one a list of them.
        for (tools.jackson.databind.JsonNode item : event.path("extensions")) {
            tools.jackson.databind.JsonNode body = item.get("body");
            if (body != null && body.isArray() && body.size() == 1) {
                ((ObjectNode) item).set("body", body.get(0));
            }
        }
    }

    private void attach(ObjectNode event, Vehicle vehicle, B2cCaller reader, MonitorDefinition definition,
            Instant at) {
        ArrayNode extensions = event.arrayNode();
        boolean telemetryAttached = false;
        for (String e : definition.extensions()) {
            if (e.startsWith("vehicle.telemetry")) {
                // One item for all of them: the union of the types asked for, all when one has no type.
                if (!telemetryAttached) {
                    telemetryAttached = true;
                    views.telemetry(reader, vehicle, telemetryTypes(definition.extensions()), at)
                            .ifPresent(t -> one(extensions, "vehicle.telemetry", "telemetry", t));
                }
                continue;
            }
            switch (e) {
                case "vehicle.status" -> views.status(reader, vehicle).ifPresent(s -> one(extensions, e, "status", s));
                case "vehicle.position" ->
                    views.position(reader, vehicle).ifPresent(p -> one(extensions, e, "position", p));
                case "vehicle.maintenance" ->
                    views.maintenance(reader, vehicle).ifPresent(m -> one(extensions, e, "maintenance", m));
                case "vehicle.alerts" -> {
                    List<ObjectNode> alerts = views.activeAlerts(reader, vehicle);
                    if (!alerts.isEmpty()) {
                        ObjectNode item = extensions.addObject().put("type", e).putArray("body").addObject();
                        alerts.forEach(item.putArray("alerts")::add);
                    }
                }
                case "vehicle.trip" -> views.trip(reader, vehicle, at).ifPresent(t -> one(extensions, e, "trip", t));
                // The webhook template names the door state's member doorState.
                case "vehicle.doorsState" ->
                    views.doorsState(reader, vehicle).ifPresent(d -> one(extensions, e, "doorState", d));
                case "vehicle.alarm" -> views.alarm(reader, vehicle).ifPresent(a -> one(extensions, e, "alarm", a));
                default -> {
                    // The reader admits no other entry; never hold up the consumer over one.
                }
            }
        }
        if (!extensions.isEmpty()) {
            event.set("extensions", extensions);
        }
    }

    /** The telemetry types of the {@code vehicle.telemetry.<type>} entries; empty (all) when one has none. */
    static Set<String> telemetryTypes(List<String> extensions) {
        Set<String> types = new LinkedHashSet<>();
        for (String e : extensions) {
            if (e.equals("vehicle.telemetry")) {
                return Set.of();
            }
            if (e.startsWith("vehicle.telemetry.")) {
                types.add(e.substring("vehicle.telemetry.".length()));
            }
        }
        return types;
    }

    private static void one(ArrayNode extensions, String type, String member, ObjectNode value) {
        extensions.addObject().put("type", type).putArray("body").addObject().set(member, value);
    }
}
