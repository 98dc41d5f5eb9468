package org.odomo.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.B2cCaller;
import org.odomo.b2c.VehicleDataViews;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
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
 * or before the event.
 */
@Component
class MonitorExtensions {

    private final VehicleRegistry vehicles;
    private final VehicleDataViews views;

    MonitorExtensions(VehicleRegistry vehicles, VehicleDataViews views) {
        this.vehicles = vehicles;
        this.views = views;
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
        B2cCaller reader = new B2cCaller(monitor.accountId(), vehicle.brand(), monitor.clientId(), scopes);
        ArrayNode extensions = event.arrayNode();
        for (String e : definition.extensions()) {
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
                default -> {
                    // Door state, alarm and telemetry data are not attached yet.
                }
            }
        }
        if (!extensions.isEmpty()) {
            event.set("extensions", extensions);
        }
    }

    private static void one(ArrayNode extensions, String type, String member, ObjectNode value) {
        extensions.addObject().put("type", type).putArray("body").addObject().set(member, value);
    }
}
