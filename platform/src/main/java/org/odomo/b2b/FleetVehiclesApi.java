package org.odomo.b2b;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetVehicle;
import org.odomo.fleet.Membership;
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

/**
 * A fleet's vehicles and each one's current data: {@code getVehiclesByDevice},
 * {@code getVehicleByid}, {@code getFleetVehicleStatus}, {@code getCarLastPosition},
 * {@code getVehicleMaintenance}.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}/vehicles")
class FleetVehiclesApi {

    static final MediaType GEO = MediaType.parseMediaType("application/vnd.geo+json");

    private final FleetAccess access;
    private final AccessDecisions decisions;
    private final VehicleRegistry registry;
    private final FleetPages pages;
    private final FleetViews views;

    FleetVehiclesApi(FleetAccess access, AccessDecisions decisions, VehicleRegistry registry, FleetPages pages,
            FleetViews views) {
        this.access = access;
        this.decisions = decisions;
        this.registry = registry;
        this.pages = pages;
        this.views = views;
    }

    @GetMapping
    ResponseEntity<ObjectNode> vehicles(@PathVariable String fid, @RequestParam(required = false) String vinPrefix,
            @RequestParam(required = false) List<String> extension, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken, @RequestParam(required = false) String locale) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = access.ownedFleet(caller, fid);
        Set<String> extensions = FleetViews.extensions(extension, FleetViews.VEHICLES_EXTENSIONS);
        FleetPages.Page page = pages.page(fleet.id(), "vehicles", vinPrefix, pageSize, null, pageToken);
        List<ObjectNode> items = new ArrayList<>();
        for (Membership m : page.members) {
            registry.findCached(m.vin()).ifPresent(v -> items.add(views.vehicle(fleet, v, caller.clientId(), extensions,
                    true, access.fieldAccess(caller, v, null))));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("vinPrefix", vinPrefix);
        if (!extensions.isEmpty()) {
            query.put("extension", String.join(",", extensions));
        }
        return ResponseEntity.ok().contentType(FleetsApi.HAL)
                .body(page.answer(caller.clientId(), FleetViews.fleetPath(fleet) + "/vehicles", query, "vehicles",
                        items));
    }

    @GetMapping("/{vid}")
    ResponseEntity<ObjectNode> vehicle(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) List<String> extension, @RequestParam(required = false) String locale) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle fv = access.fleetVehicle(caller, fid, vid);
        Set<String> extensions = FleetViews.extensions(extension, FleetViews.VEHICLE_EXTENSIONS);
        return ResponseEntity.ok().contentType(FleetsApi.HAL).body(views.vehicle(fv.fleet(), fv.vehicle(),
                caller.clientId(), extensions, false, access.fieldAccess(caller, fv.vehicle(), null)));
    }

    @GetMapping("/{vid}/status")
    ResponseEntity<ObjectNode> status(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle fv = access.fleetVehicle(caller, fid, vid);
        FieldAccess fields = access.fieldAccess(caller, fv.vehicle(), profile);
        requireStatusContract(caller);
        return ResponseEntity.ok().contentType(FleetsApi.HAL)
                .body(views.status(fv, fields, "fleetStatus", caller.clientId(), profile)
                        .orElseThrow(() -> noData("no status of this vehicle to show since it joined the fleet")));
    }

    @GetMapping("/{vid}/lastPosition")
    ResponseEntity<ObjectNode> lastPosition(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle fv = access.fleetVehicle(caller, fid, vid);
        FieldAccess fields = access.fieldAccess(caller, fv.vehicle(), profile);
        decisions.requireContract(caller, Scopes.POSITION);
        return ResponseEntity.ok().contentType(GEO).body(views.lastPosition(fv, fields)
                .orElseThrow(() -> noData("no position of this vehicle to show since it joined the fleet")));
    }

    @GetMapping("/{vid}/maintenance")
    ResponseEntity<ObjectNode> maintenance(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) String profile) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle fv = access.fleetVehicle(caller, fid, vid);
        FieldAccess fields = access.fieldAccess(caller, fv.vehicle(), profile);
        decisions.requireContract(caller, Scopes.TELEMETRY);
        return ResponseEntity.ok().contentType(FleetsApi.HAL)
                .body(views.maintenance(fv, fields, caller.clientId(), profile)
                        .orElseThrow(() -> noData("no maintenance data of this vehicle to show since it joined the fleet")));
    }

    /** A status holds telemetry and the position: a contract covering neither has none to read. */
    static void requireStatusContract(B2bCaller caller) {
        if (!caller.covers(Scopes.TELEMETRY) && !caller.covers(Scopes.POSITION)) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "the fleet contract covers neither "
                    + Scopes.TELEMETRY + " nor " + Scopes.POSITION);
        }
    }

    static ApiException noData(String message) {
        return new ApiException(ApiErrorCode.NO_DATA, message);
    }
}
