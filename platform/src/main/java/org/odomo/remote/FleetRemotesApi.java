package org.odomo.remote;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Paging;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetVehicle;
import org.odomo.remote.RemoteReader.Request;
import org.odomo.remote.RemoteStore.Scope;
import org.odomo.remote.RemoteStore.Stored;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /fleets/{fid}/vehicles/{vid}/callbacks/{cbid}/remotes}: remote actions a fleet owner sends
 * to a vehicle of its fleet, notified through one of the fleet's remote callbacks. They run through
 * the same engine and rules as the B2C ones, plus {@code immobilization} and {@code stolen}. The
 * contract must cover the action's scope (403), the callback must accept its type (400). Another
 * partner's fleet or a vehicle not in the fleet is a 403, a callback of another fleet a 404. The
 * lists show the actions of the types the contract covers.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}/vehicles/{vid}/callbacks/{cbid}/remotes")
class FleetRemotesApi {

    private final Remotes remotes;
    private final FleetRemoteCallbacks callbacks;
    private final FleetAccess fleets;
    private final AccessDecisions access;
    private final TransactionTemplate tx;

    FleetRemotesApi(Remotes remotes, FleetRemoteCallbacks callbacks, FleetAccess fleets, AccessDecisions access,
            PlatformTransactionManager transactions) {
        this.remotes = remotes;
        this.callbacks = callbacks;
        this.fleets = fleets;
        this.access = access;
        this.tx = new TransactionTemplate(transactions);
    }

    /** The caller, the fleet's vehicle and the callback checked, and the actions the contract covers. */
    private record Reached(B2bCaller caller, FleetVehicle vehicle, Scope scope, FleetRemoteCallbacks.Stored callback,
            List<String> actions) {
        String path() {
            return "/fleets/" + vehicle.fleet().id() + "/vehicles/" + vehicle.vehicle().apiId() + "/callbacks/"
                    + callback.id() + "/remotes";
        }
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String fid, @PathVariable String vid, @PathVariable String cbid,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        Reached r = reach(fid, vid, cbid);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        int total = remotes.count(r.scope(), r.actions());
        List<ObjectNode> items = new ArrayList<>();
        for (Stored s : remotes.page(r.scope(), r.actions(), paging.offset, paging.limit(total))) {
            items.add(view(r, s));
        }
        return FleetRemoteCallbacksApi.ok(HttpStatus.OK, FleetPages.page(r.caller().clientId(), r.path(), Map.of(),
                paging, "remoteActions", items, total));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(@PathVariable String fid, @PathVariable String vid, @PathVariable String cbid,
            InputStream body) {
        Reached r = reach(fid, vid, cbid);
        JsonNode json = RemoteReader.parse(body);
        Request request = RemoteReader.readFleet(json);
        String type = Remotes.apiType(request.action());
        // A missing contract scope is the fleet owner's error, answered at once (not a notification).
        access.requireContract(r.caller(), FleetRemoteCallbacks.SCOPES.get(type));
        if (!r.callback().subscription().remoteTypes().contains(type)) {
            throw new ApiException(ApiErrorCode.INVALID_BODY, "remote callback " + cbid + " does not accept " + type
                    + " remotes; it accepts " + r.callback().subscription().remoteTypes());
        }
        Stored created = tx.execute(t -> {
            // Under the callback's lock: a deletion of the callback waits for the remote to be stored.
            callbacks.lock(cbid, r.vehicle().fleet().id()).orElseThrow(() -> FleetRemoteCallbacks.notFound(cbid));
            return remotes.create(r.scope(), r.vehicle().vehicle(), request,
                    RemoteMessages.JSON.writeValueAsString(json));
        });
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ObjectNode links = answer.putObject("_links");
        links.set("fleet", FleetPages.link(r.caller().clientId(), "/fleets/" + r.vehicle().fleet().id()));
        links.set("callback", FleetPages.link(r.caller().clientId(),
                FleetRemoteCallbacksApi.path(r.vehicle().fleet().id()) + "/" + cbid));
        links.set("remote", FleetPages.link(r.caller().clientId(), r.path() + "/" + created.id()));
        answer.put("remoteActionId", created.id());
        answer.put("type", type);
        return FleetRemoteCallbacksApi.ok(HttpStatus.ACCEPTED, answer);
    }

    @GetMapping("/{rid}")
    ResponseEntity<ObjectNode> one(@PathVariable String fid, @PathVariable String vid, @PathVariable String cbid,
            @PathVariable String rid) {
        Reached r = reach(fid, vid, cbid);
        if (!FleetRemoteCallbacksApi.ID.matcher(rid).matches()) {
            throw Remotes.notFound(rid);
        }
        return FleetRemoteCallbacksApi.ok(HttpStatus.OK, view(r, remotes.find(r.scope(), rid, r.actions())));
    }

    private Reached reach(String fid, String vid, String cbid) {
        B2bCaller caller = B2bCallers.current();
        List<String> actions = new ArrayList<>();
        FleetRemoteCallbacks.SCOPES.forEach((type, scope) -> {
            if (caller.covers(scope)) {
                actions.add(FleetRemoteCallbacks.ACTIONS.get(type));
            }
        });
        if (actions.isEmpty()) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "the fleet contract covers no remote scope");
        }
        FleetVehicle vehicle = fleets.fleetVehicle(caller, fid, vid);
        if (!FleetRemoteCallbacksApi.ID.matcher(cbid).matches()) {
            throw FleetRemoteCallbacks.notFound(cbid);
        }
        FleetRemoteCallbacks.Stored callback = tx.execute(t -> callbacks.find(cbid, vehicle.fleet().id()))
                .orElseThrow(() -> FleetRemoteCallbacks.notFound(cbid));
        return new Reached(caller, vehicle, Scope.fleet(vehicle.fleet().id(), vehicle.vehicle().apiId(), cbid), callback,
                List.copyOf(actions));
    }

    /** {@code RemoteAction}: the request as the fleet owner sent it, and where it stands. */
    private static ObjectNode view(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("fleet", FleetPages.link(r.caller().clientId(), "/fleets/" + r.vehicle().fleet().id()));
        links.set("callback", FleetPages.link(r.caller().clientId(),
                FleetRemoteCallbacksApi.path(r.vehicle().fleet().id()) + "/" + r.callback().id()));
        links.set("self", FleetPages.link(r.caller().clientId(), r.path() + "/" + s.id()));
        body.put("remoteActionId", s.id());
        body.put("type", Remotes.apiType(s.action()));
        body.set("remote", RemoteMessages.JSON.readTree(s.body()));
        body.put("status", s.status().name());
        if (s.failureCause() != null) {
            body.put("failureCause", s.failureCause());
        }
        if (s.feedbackDetail() != null) {
            body.put("feedbackDetail", s.feedbackDetail());
        }
        return body;
    }
}
