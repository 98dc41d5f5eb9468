package org.odomo.remote;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.b2c.Paging;
import org.odomo.b2c.TimeRanges;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetVehicle;
import org.odomo.remote.StolenDeclarations.Declaration;
import org.odomo.remote.StolenDeclarations.Waypoint;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /fleets/{fid}/vehicles/{vid}/stolen}: the fleet's stolen-vehicle declarations of one of
 * its vehicles ({@code timestamps} filters on when they started), one of them, and the positions
 * the vehicle reported while it was declared stolen. Reading them takes the stolen remote scope
 * or the position data scope of the contract.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}/vehicles/{vid}/stolen")
class StolenVehiclesApi {

    private static final String STOLEN_SCOPE = "remote:stolen:write";
    private static final String POSITION_SCOPE = "data:position";

    private final StolenDeclarations declarations;
    private final FleetAccess fleets;
    private final TransactionTemplate tx;
    private final Clock clock;

    StolenVehiclesApi(StolenDeclarations declarations, FleetAccess fleets, PlatformTransactionManager transactions,
            Optional<Clock> clock) {
        this.declarations = declarations;
        this.fleets = fleets;
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        this.tx = readOnly;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @GetMapping
    ResponseEntity<ObjectNode> history(@PathVariable String fid, @PathVariable String vid,
            @RequestParam(required = false) List<String> timestamps, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle v = reach(caller, fid, vid);
        List<TimeRanges.Range> ranges = TimeRanges.parse(timestamps, clock.instant());
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<ObjectNode> items = new ArrayList<>();
        int[] total = new int[1];
        tx.executeWithoutResult(t -> {
            List<Declaration> all = declarations.of(v.fleet().id(), v.vehicle().vin()).stream()
                    .filter(d -> ranges.stream().anyMatch(r -> r.contains(d.startedAt()))).toList();
            total[0] = all.size();
            int limit = paging.limit(all.size());
            for (Declaration d : all.subList(Math.min(paging.offset, all.size()),
                    Math.min(all.size(), paging.offset + limit))) {
                items.add(view(caller, v, d));
            }
        });
        Map<String, String> query = new LinkedHashMap<>();
        if (timestamps != null && !timestamps.isEmpty()) {
            query.put("timestamps", String.join(",", timestamps));
        }
        return FleetRemoteCallbacksApi.ok(HttpStatus.OK, FleetPages.page(caller.clientId(), path(v), query, paging,
                "stolen", items, total[0]));
    }

    @GetMapping("/{sid}")
    ResponseEntity<ObjectNode> one(@PathVariable String fid, @PathVariable String vid, @PathVariable String sid) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle v = reach(caller, fid, vid);
        ObjectNode body = tx.execute(t -> view(caller, v, declaration(v, sid)));
        return FleetRemoteCallbacksApi.ok(HttpStatus.OK, body);
    }

    @GetMapping("/{sid}/waypoints")
    ResponseEntity<ObjectNode> waypoints(@PathVariable String fid, @PathVariable String vid, @PathVariable String sid,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        FleetVehicle v = reach(caller, fid, vid);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 1000);
        List<ObjectNode> items = new ArrayList<>();
        int[] total = new int[1];
        tx.executeWithoutResult(t -> {
            Declaration d = declaration(v, sid);
            total[0] = declarations.countWaypoints(d.id());
            for (Waypoint w : declarations.waypoints(d.id(), paging.offset, paging.limit(total[0]))) {
                items.add(position(v.vehicle().vin(), w));
            }
        });
        return FleetRemoteCallbacksApi.ok(HttpStatus.OK, FleetPages.page(caller.clientId(), path(v) + "/" + sid
                + "/waypoints", Map.of(), paging, "positions", items, total[0]));
    }

    private FleetVehicle reach(B2bCaller caller, String fid, String vid) {
        if (!caller.covers(STOLEN_SCOPE) && !caller.covers(POSITION_SCOPE)) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "the fleet contract covers neither "
                    + STOLEN_SCOPE + " nor " + POSITION_SCOPE);
        }
        return fleets.fleetVehicle(caller, fid, vid);
    }

    private Declaration declaration(FleetVehicle v, String sid) {
        if (sid.length() > 64) {
            throw notFound(sid);
        }
        return declarations.find(v.fleet().id(), v.vehicle().vin(), sid).orElseThrow(() -> notFound(sid));
    }

    private static ApiException notFound(String sid) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no stolen declaration " + BodyRules.shown(sid)
                + " of this vehicle in this fleet");
    }

    private static String path(FleetVehicle v) {
        return "/fleets/" + v.fleet().id() + "/vehicles/" + v.vehicle().apiId() + "/stolen";
    }

    /** {@code Stolen}: the declaration, open ({@code state} true) or not, with its first and last positions. */
    private ObjectNode view(B2bCaller caller, FleetVehicle v, Declaration d) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("self", FleetPages.link(caller.clientId(), path(v) + "/" + d.id()));
        links.set("vehicle", FleetPages.link(caller.clientId(), "/fleets/" + v.fleet().id() + "/vehicles/"
                + v.vehicle().apiId()));
        body.setAll(body(declarations, d));
        return body;
    }

    /** The declaration's members, without links. */
    static ObjectNode body(StolenDeclarations declarations, Declaration d) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("createdAt", d.createdAt().toString());
        body.put("updatedAt", d.updatedAt().toString());
        body.put("id", d.id());
        body.put("state", d.open());
        body.put("startedAt", d.startedAt().toString());
        if (d.endedAt() != null) {
            body.put("endAt", d.endedAt().toString());
        }
        declarations.firstWaypoint(d.id(), false).ifPresent(w -> body.set("startPosition", position(d.vin(), w)));
        if (!d.open()) {
            declarations.firstWaypoint(d.id(), true).ifPresent(w -> body.set("endPosition", position(d.vin(), w)));
        }
        return body;
    }

    /** A {@code Position}: a GeoJSON feature with the time of the fix. */
    private static ObjectNode position(String vin, Waypoint w) {
        ObjectNode feature = JsonNodeFactory.instance.objectNode();
        feature.put("type", "Feature");
        ObjectNode geometry = feature.putObject("geometry");
        geometry.put("type", "Point");
        var coordinates = geometry.putArray("coordinates");
        coordinates.add(w.longitude());
        coordinates.add(w.latitude());
        if (w.altitude() != null) {
            coordinates.add(w.altitude());
        }
        ObjectNode properties = feature.putObject("properties");
        properties.put("createdAt", w.at().toString());
        properties.put("vin", vin);
        if (w.heading() != null) {
            properties.put("heading", w.heading());
        }
        return feature;
    }
}
