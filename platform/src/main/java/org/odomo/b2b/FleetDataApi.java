package org.odomo.b2b;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetVehicle;
import org.odomo.fleet.Membership;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.ObjectNode;

/**
 * A fleet's current data in batch: every vehicle's status ({@code getFleetStatusList}) and latest
 * maintenance ({@code getFleetMantenanceList}), page by page in VIN order (keyset paging, see
 * {@link FleetPages}). A vehicle with nothing to show (no data since it joined, or none the
 * contract and profile let through) has no item in its page; {@code total} counts the fleet's
 * vehicles.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}")
class FleetDataApi {

    private final FleetAccess access;
    private final AccessDecisions decisions;
    private final VehicleRegistry registry;
    private final FleetPages pages;
    private final FleetViews views;

    FleetDataApi(FleetAccess access, AccessDecisions decisions, VehicleRegistry registry, FleetPages pages,
            FleetViews views) {
        this.access = access;
        this.decisions = decisions;
        this.registry = registry;
        this.pages = pages;
        this.views = views;
    }

    @GetMapping("/status")
    ResponseEntity<ObjectNode> status(@PathVariable String fid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = access.ownedFleet(caller, fid);
        FleetAccess.endUserProfile(profile);
        FleetVehiclesApi.requireStatusContract(caller);
        FleetPages.Page page = pages.page(fleet.id(), "status", null, pageSize, indexRange, pageToken);
        List<ObjectNode> items = new ArrayList<>();
        for (Membership m : page.members) {
            registry.findCached(m.vin()).ifPresent(v -> views.status(new FleetVehicle(fleet, v, m.joinedAt()),
                    access.fieldAccess(caller, v, profile), "fleetStatusItem", caller.clientId(), profile)
                    .ifPresent(items::add));
        }
        return ResponseEntity.ok().contentType(FleetsApi.HAL).body(page.answer(caller.clientId(),
                FleetViews.fleetPath(fleet) + "/status", FleetViews.profileQuery(profile), "status", items));
    }

    @GetMapping("/maintenances")
    ResponseEntity<ObjectNode> maintenances(@PathVariable String fid, @RequestParam(required = false) String profile,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = access.ownedFleet(caller, fid);
        FleetAccess.endUserProfile(profile);
        decisions.requireContract(caller, Scopes.TELEMETRY);
        FleetPages.Page page = pages.page(fleet.id(), "maintenances", null, pageSize, indexRange, pageToken);
        List<ObjectNode> items = new ArrayList<>();
        for (Membership m : page.members) {
            registry.findCached(m.vin()).ifPresent(v -> views.maintenance(new FleetVehicle(fleet, v, m.joinedAt()),
                    access.fieldAccess(caller, v, profile), caller.clientId(), profile).ifPresent(items::add));
        }
        Map<String, String> query = FleetViews.profileQuery(profile);
        return ResponseEntity.ok().contentType(FleetsApi.HAL).body(page.answer(caller.clientId(),
                FleetViews.fleetPath(fleet) + "/maintenances", query, "maintenances", items));
    }
}
