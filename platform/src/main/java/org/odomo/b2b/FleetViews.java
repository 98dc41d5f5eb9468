package org.odomo.b2b;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.B2bCaller;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.b2c.Links;
import org.odomo.b2c.StatusView;
import org.odomo.b2c.VehicleViews;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetVehicle;
import org.odomo.state.HistoryQueries;
import org.odomo.state.StatePart;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleState;
import org.odomo.vehicle.Vehicle;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet API's representations: fleets, their vehicles, and each vehicle's current data as the
 * B2C API builds it (the same status and maintenance views), filtered by the fleet's field rules
 * with the contract's scopes, and limited to what the vehicle measured since it joined the fleet.
 */
@Component
class FleetViews {

    static final Set<String> VEHICLE_EXTENSIONS = Set.of("onboardCapabilities", "branding", "pictures");
    static final Set<String> VEHICLES_EXTENSIONS = Set.of("branding", "pictures");

    private final VehicleHistory history;
    private final HistoryQueries queries;

    FleetViews(VehicleHistory history, HistoryQueries queries) {
        this.history = history;
        this.queries = queries;
    }

    static String fleetPath(Fleet fleet) {
        return "/fleets/" + fleet.id();
    }

    static String vehiclePath(Fleet fleet, Vehicle vehicle) {
        return fleetPath(fleet) + "/vehicles/" + vehicle.apiId();
    }

    static ObjectNode link(String clientId, String path) {
        return Links.link(Links.href(FleetPages.BASE, clientId, path, null));
    }

    static ObjectNode link(String clientId, String path, Map<String, String> query) {
        return Links.link(Links.href(FleetPages.BASE, clientId, path, query));
    }

    /** The profile as links carry it on: only when the caller asked for one. */
    static Map<String, String> profileQuery(String profile) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("profile", profile);
        return query;
    }

    ObjectNode fleet(Fleet fleet, String clientId) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String base = fleetPath(fleet);
        ObjectNode links = json.putObject("_links");
        links.set("self", link(clientId, base));
        for (String sub : List.of("vehicles", "status", "maintenances", "alerts", "trips", "collisions", "monitors")) {
            links.set(sub, link(clientId, base + "/" + sub));
        }
        links.set("callbacks", link(clientId, base + "/remote/callbacks"));
        json.put("id", fleet.id());
        json.put("name", fleet.name());
        json.put("description", fleet.description());
        json.put("createdAt", fleet.createdAt().toString());
        json.put("updatedAt", fleet.updatedAt().toString());
        FieldAccess.structureOnly().filter("fleet", json);
        return json;
    }

    /**
     * A vehicle of the fleet (schemas Vehicle and VehicleItem): identity, links to its data, and the
     * extensions asked for. Its identity is no data of the contract: the fleet owner's own car.
     */
    ObjectNode vehicle(Fleet fleet, Vehicle v, String clientId, Set<String> extensions, boolean item,
            FieldAccess fields) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String base = vehiclePath(fleet, v);
        ObjectNode links = json.putObject("_links");
        links.set("self", link(clientId, base));
        links.set("fleet", link(clientId, fleetPath(fleet)));
        for (String sub : List.of("status", "lastPosition", "maintenance", "telemetry", "alerts", "trips",
                "collisions")) {
            links.set(sub, link(clientId, base + "/" + sub));
        }
        if (!item) {
            // The list's items (VehicleItem) have no alarms link.
            links.set("alarms", link(clientId, base + "/alarms"));
        }
        links.set("monitors", link(clientId, fleetPath(fleet) + "/monitors"));
        links.set("callbacks", link(clientId, fleetPath(fleet) + "/remote/callbacks"));
        json.put("id", v.apiId());
        json.put("vin", v.vin());
        json.put("motorization", v.motorization().apiName());
        json.put("brand", v.brand().label());
        List<String> pictures = VehicleViews.pictureUrls(v.model());
        if (!pictures.isEmpty()) {
            ArrayNode p = json.putArray("pictures");
            pictures.forEach(p::add);
        }
        json.put("createdAt", v.createdAt().toString());
        json.put("updatedAt", v.updatedAt().toString());
        if (!extensions.isEmpty()) {
            ObjectNode extension = json.putObject("_embedded").putObject("extension");
            if (extensions.contains("onboardCapabilities")) {
                ObjectNode capabilities = VehicleViews.capabilities(v.model());
                // As the capability API shows it: every connected model takes a stolen-vehicle declaration.
                ((ObjectNode) capabilities.get("remote")).putObject("stolen").put("supported", true);
                extension.set("onboardCapabilities", capabilities);
            }
            if (extensions.contains("branding")) {
                ObjectNode branding = extension.putObject("branding").put("brand", v.brand().label());
                // The list's branding (VehicleBrandingSingle) is the brand alone.
                if (!item) {
                    branding.put("label", v.label());
                }
            }
            if (extensions.contains("pictures") && !pictures.isEmpty()) {
                ArrayNode p = extension.putArray("pictures");
                pictures.forEach(p::add);
            }
        }
        fields.filter("vehicle", json);
        return json;
    }

    /**
     * The vehicle's status as the fleet may see it ({@code fleetStatus} for the vehicle's own
     * status, {@code fleetStatusItem} in the fleet's list), with what it measured since it joined
     * the fleet only; empty when nothing is left to show.
     */
    Optional<ObjectNode> status(FleetVehicle fv, FieldAccess fields, String resource, String clientId,
            String profile) {
        Optional<VehicleState> current = history.current(fv.vehicle().vin()).map(s -> sinceJoined(s, fv.joinedAt()));
        if (current.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String base = vehiclePath(fv.fleet(), fv.vehicle());
        ObjectNode links = json.putObject("_links");
        links.set("self", link(clientId, base + "/status", profileQuery(profile)));
        links.set("vehicle", link(clientId, base));
        links.set("fleet", link(clientId, fleetPath(fv.fleet())));
        json.put("vin", fv.vehicle().vin());
        // Filtering replaces only the top-level fields of the object it is given: the shared
        // body's members stay as they are.
        json.setAll(StatusView.body(fv.vehicle(), current.get()));
        return fields.filter(resource, json) ? Optional.of(json) : Optional.empty();
    }

    /** The vehicle's last position since it joined the fleet, as the fleet may see it (GeoJSON). */
    Optional<ObjectNode> lastPosition(FleetVehicle fv, FieldAccess fields) {
        return history.current(fv.vehicle().vin()).map(s -> sinceJoined(s, fv.joinedAt()))
                .flatMap(s -> s.part(StatePart.POSITION)).map(StatusView::position).flatMap(position -> {
                    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                    wrapper.set("lastPosition", position);
                    return fields.filter("fleetStatus", wrapper) ? Optional.of((ObjectNode) wrapper.get("lastPosition"))
                            : Optional.empty();
                });
    }

    /** The vehicle's latest maintenance measured since it joined the fleet, as the fleet may see it. */
    Optional<ObjectNode> maintenance(FleetVehicle fv, FieldAccess fields, String clientId, String profile) {
        return queries.latestMaintenance(fv.vehicle().vin()).filter(m -> !m.measuredAt().isBefore(fv.joinedAt()))
                .flatMap(m -> {
                    ObjectNode json = JsonNodeFactory.instance.objectNode();
                    String base = vehiclePath(fv.fleet(), fv.vehicle());
                    ObjectNode links = json.putObject("_links");
                    links.set("self", link(clientId, base + "/maintenance", profileQuery(profile)));
                    links.set("vehicle", link(clientId, base));
                    links.set("alerts", link(clientId, base + "/alerts"));
                    json.put("vin", fv.vehicle().vin());
                    json.put("createdAt", m.measuredAt().toString());
                    json.put("updatedAt", m.measuredAt().toString());
                    if (m.daysBefore() != null) {
                        json.put("daysBeforeMaintenance", m.daysBefore());
                    }
                    if (m.mileageBefore() != null) {
                        json.put("mileageBeforeMaintenance", m.mileageBefore());
                    }
                    return fields.filter("fleetMaintenance", json) ? Optional.of(json) : Optional.empty();
                });
    }

    /** The key of a state's view since a membership began, kept with the state. */
    private record JoinedSince(Instant joinedAt) {
    }

    /**
     * The state without the parts measured before the vehicle joined the fleet (a part without a
     * measurement time is left out too); the state itself when it has none. Worked out once per
     * state and membership.
     */
    static VehicleState sinceJoined(VehicleState state, Instant joinedAt) {
        return state.derived(new JoinedSince(joinedAt), s -> {
            ObjectNode kept = JsonNodeFactory.instance.objectNode();
            boolean all = true;
            for (Map.Entry<String, JsonNode> part : s.parts().properties()) {
                Optional<Instant> measured = s.createdAt(part.getKey());
                if (measured.isPresent() && !measured.get().isBefore(joinedAt)) {
                    kept.set(part.getKey(), part.getValue());
                } else {
                    all = false;
                }
            }
            return all ? s : new VehicleState(s.vin(), kept, s.updatedAt(), s.version());
        });
    }

    /** The {@code extension} query parameter: comma-separated or repeated names of {@code known}. */
    static Set<String> extensions(List<String> requested, Set<String> known) {
        Set<String> extensions = new LinkedHashSet<>();
        if (requested != null) {
            for (String value : requested) {
                for (String e : value.split(",")) {
                    String name = e.trim();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!known.contains(name)) {
                        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "unknown extension "
                                + BodyRules.shown(name) + "; known: " + String.join(", ", known));
                    }
                    extensions.add(name);
                }
            }
        }
        return extensions;
    }
}
