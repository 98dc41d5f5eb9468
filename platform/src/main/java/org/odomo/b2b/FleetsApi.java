package org.odomo.b2b;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.b2c.Paging;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetDirectory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.ObjectNode;

/** The partner's fleets ({@code getFleets}, {@code getFleet}). */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets")
class FleetsApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");

    private final FleetDirectory directory;
    private final FleetAccess access;
    private final FleetViews views;

    FleetsApi(FleetDirectory directory, FleetAccess access, FleetViews views) {
        this.directory = directory;
        this.access = access;
        this.views = views;
    }

    @GetMapping
    ResponseEntity<ObjectNode> fleets(@RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        // A partner holds a handful of fleets: offset paging over the list is enough.
        Paging paging = Paging.of(pageSize, null, pageToken, FleetPages.MAX_PAGE_SIZE);
        List<Fleet> fleets = directory.ofPartner(caller.partnerId());
        int from = Math.min(paging.offset, fleets.size());
        List<ObjectNode> page = new ArrayList<>();
        for (Fleet fleet : fleets.subList(from, from + paging.limit(fleets.size()))) {
            page.add(views.fleet(fleet, caller.clientId()));
        }
        return ResponseEntity.ok().contentType(HAL).body(paging.page(FleetPages.BASE, caller.clientId(), "/fleets",
                new LinkedHashMap<>(), "fleets", page, fleets.size()));
    }

    @GetMapping("/{fid}")
    ResponseEntity<ObjectNode> fleet(@PathVariable String fid) {
        B2bCaller caller = B2bCallers.current();
        return ResponseEntity.ok().contentType(HAL).body(views.fleet(access.ownedFleet(caller, fid), caller.clientId()));
    }
}
