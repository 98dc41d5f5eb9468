package org.odomo.b2c;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.state.StatePart;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleState;
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

import tools.jackson.databind.node.ObjectNode;

/** The user's vehicles, their status and last position. */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/vehicles")
class VehiclesApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    static final MediaType GEO = MediaType.parseMediaType("application/vnd.geo+json");

    private final VehicleRegistry registry;
    private final VehicleHistory history;
    private final AccessDecisions access;

    VehiclesApi(VehicleRegistry registry, VehicleHistory history, AccessDecisions access) {
        this.registry = registry;
        this.history = history;
        this.access = access;
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@RequestParam(required = false) String vinPrefix,
            @RequestParam(required = false) List<String> extension, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken,
            @RequestParam(required = false) String locale, @RequestParam(required = false) String country) {
        B2cCaller caller = Callers.current();
        Set<String> extensions = extensions(extension);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<Vehicle> owned = new ArrayList<>();
        for (Vehicle v : registry.ownedBy(caller.accountId())) {
            if (vinPrefix == null || v.vin().startsWith(vinPrefix.toUpperCase(Locale.ROOT))) {
                owned.add(v);
            }
        }
        int from = Math.min(paging.offset, owned.size());
        List<ObjectNode> page = new ArrayList<>();
        for (Vehicle v : owned.subList(from, from + paging.limit(owned.size()))) {
            page.add(VehicleViews.vehicle(v, caller.clientId(), extensions, access.fieldAccess(caller, v)));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("vinPrefix", vinPrefix);
        if (!extensions.isEmpty()) {
            query.put("extension", String.join(",", extensions));
        }
        query.put("indexRange", indexRange);
        return ResponseEntity.ok().contentType(HAL)
                .body(paging.page(caller.clientId(), "/user/vehicles", query, "vehicles", page, owned.size()));
    }

    @GetMapping("/{id}")
    ResponseEntity<ObjectNode> one(@PathVariable String id, @RequestParam(required = false) List<String> extension,
            @RequestParam(required = false) String locale, @RequestParam(required = false) String country) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        return ResponseEntity.ok().contentType(HAL)
                .body(VehicleViews.vehicle(vehicle, caller.clientId(), extensions(extension),
                        access.fieldAccess(caller, vehicle)));
    }

    @GetMapping("/{id}/status")
    ResponseEntity<byte[]> status(@PathVariable String id) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        requireAny(caller, Scopes.TELEMETRY, Scopes.POSITION);
        VehicleState state = history.current(vehicle.vin())
                .orElseThrow(() -> new ApiException(ApiErrorCode.NO_DATA, "no status received from this vehicle yet"));
        byte[] status = StatusView.render(vehicle, state, access.fieldAccess(caller, vehicle), caller.clientId());
        if (status == null) {
            throw new ApiException(ApiErrorCode.NO_DATA, "no status data available for this app");
        }
        return ResponseEntity.ok().contentType(HAL).body(status);
    }

    @GetMapping("/{id}/lastPosition")
    ResponseEntity<ObjectNode> lastPosition(@PathVariable String id) {
        B2cCaller caller = Callers.current();
        Vehicle vehicle = access.ownedVehicle(caller, id);
        access.requireScopes(caller, Scopes.POSITION);
        FieldAccess fields = access.fieldAccess(caller, vehicle);
        ObjectNode position = history.current(vehicle.vin()).flatMap(s -> s.part(StatePart.POSITION))
                .map(StatusView::position)
                .orElseThrow(() -> new ApiException(ApiErrorCode.NO_DATA, "no position received from this vehicle"));
        ObjectNode wrapper = position.objectNode();
        wrapper.set("lastPosition", position);
        if (!fields.filter("status", wrapper)) {
            throw new ApiException(ApiErrorCode.NO_DATA, "no position available for this app");
        }
        return ResponseEntity.ok().contentType(GEO).body((ObjectNode) wrapper.get("lastPosition"));
    }

    static Set<String> extensions(List<String> requested) {
        Set<String> extensions = new LinkedHashSet<>();
        if (requested != null) {
            for (String value : requested) {
                for (String e : value.split(",")) {
                    String trimmed = e.trim();
                    if (trimmed.isEmpty()) {
                        continue;
                    }
                    if (!VehicleViews.EXTENSIONS.contains(trimmed)) {
                        throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                                "unknown extension " + trimmed + "; known: " + VehicleViews.EXTENSIONS);
                    }
                    extensions.add(trimmed);
                }
            }
        }
        return extensions;
    }

    private static void requireAny(B2cCaller caller, String... scopes) {
        for (String s : scopes) {
            if (caller.granted(s)) {
                return;
            }
        }
        throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "this operation needs one of the scopes "
                + String.join(", ", scopes));
    }
}
