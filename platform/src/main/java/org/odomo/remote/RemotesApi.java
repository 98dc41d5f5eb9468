package org.odomo.remote;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Links;
import org.odomo.b2c.Paging;
import org.odomo.callback.CallbackDirectory;
import org.odomo.remote.RemoteReader.Request;
import org.odomo.remote.RemoteStore.Scope;
import org.odomo.remote.RemoteStore.Stored;
import org.odomo.vehicle.RemoteType;
import org.odomo.vehicle.Vehicle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /user/vehicles/{id}/callbacks/{cbid}/remotes}: the remote actions sent to one of the
 * user's vehicles that notify through one of the (user, app) pair's callbacks. Each remote scope
 * covers its own type, to send and to read ("pending and history"): an action of a type the app
 * was not granted is neither sent nor shown. Another user's vehicle, a callback or action of
 * another pair, another vehicle or another callback is a 404, as if it did not exist.
 */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/remotes")
class RemotesApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F_-]{1,64}");

    private final Remotes remotes;
    private final AccessDecisions access;
    private final CallbackDirectory callbacks;

    RemotesApi(Remotes remotes, AccessDecisions access, CallbackDirectory callbacks) {
        this.remotes = remotes;
        this.access = access;
        this.callbacks = callbacks;
    }

    /** The caller, the vehicle and the callback checked, the callback's channel and the action types granted. */
    private record Reached(B2cCaller caller, Vehicle vehicle, Scope scope, String channel, List<String> actions) {
        String path() {
            return "/user/vehicles/" + scope.vehicleId() + "/callbacks/" + scope.callbackId() + "/remotes";
        }

        String callbackPath() {
            return "/user/callbacks/" + scope.callbackId();
        }
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String id, @PathVariable String cbid,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        Reached r = reach(id, cbid);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        int total = remotes.count(r.scope(), r.actions());
        List<ObjectNode> items = new ArrayList<>();
        for (Stored s : remotes.page(r.scope(), r.actions(), paging.offset, paging.limit(total))) {
            items.add(view(r, s));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("indexRange", indexRange);
        ObjectNode page = paging.page(r.caller().clientId(), r.path(), query, "remoteActions", List.of(), total);
        // The envelope is filtered as vehicle data is (structure only), which would take the actions
        // out: they are the app's own requests, so they go in after.
        ArrayNode embedded = page.putObject("_embedded").putArray("remoteActions");
        items.forEach(embedded::add);
        return ResponseEntity.ok().contentType(HAL).body(page);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(@PathVariable String id, @PathVariable String cbid, InputStream body) {
        Reached r = reach(id, cbid);
        JsonNode json = RemoteReader.parse(body);
        Request request = RemoteReader.read(json, r.channel());
        RemoteType type = request.type();
        if (!r.caller().granted(type.scope())) {
            // A missing grant is the app's error, answered at once (not a notification).
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "a " + type.action() + " remote needs the scope "
                    + type.scope() + ", which the user did not grant this app");
        }
        Stored created = remotes.create(r.scope(), r.vehicle(), request, RemoteMessages.JSON.writeValueAsString(json));
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ObjectNode links = answer.putObject("_links");
        links.set("callback", Links.link(Links.href(r.caller().clientId(), r.callbackPath())));
        links.set("remote", Links.link(Links.href(r.caller().clientId(), r.path() + "/" + created.id())));
        answer.put("remoteActionId", created.id());
        answer.put("type", Remotes.apiType(created.action()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL).body(answer);
    }

    @GetMapping("/{rid}")
    ResponseEntity<ObjectNode> one(@PathVariable String id, @PathVariable String cbid, @PathVariable String rid) {
        Reached r = reach(id, cbid);
        if (!ID.matcher(rid).matches()) {
            throw Remotes.notFound(rid);
        }
        return ResponseEntity.ok().contentType(HAL).body(view(r, remotes.find(r.scope(), rid, r.actions())));
    }

    /** Every status the action went through: what the notifications said, with when. */
    @GetMapping("/{rid}/x-odomo-transitions")
    ResponseEntity<ObjectNode> transitions(@PathVariable String id, @PathVariable String cbid,
            @PathVariable String rid) {
        Reached r = reach(id, cbid);
        if (!ID.matcher(rid).matches()) {
            throw Remotes.notFound(rid);
        }
        Stored s = remotes.find(r.scope(), rid, r.actions());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("_links").set("self",
                Links.link(Links.href(r.caller().clientId(), r.path() + "/" + s.id() + "/x-odomo-transitions")));
        body.put("remoteActionId", s.id());
        ArrayNode list = body.putArray("transitions");
        for (RemoteStore.Transition t : remotes.transitions(s.id())) {
            ObjectNode item = list.addObject();
            item.put("type", t.status().eventType());
            item.put("status", t.status().name());
            if (t.failureCause() != null) {
                item.put("failureCause", t.failureCause());
            }
            if (t.feedbackDetail() != null) {
                item.put("feedbackDetail", t.feedbackDetail());
            }
            item.put("at", t.at().toString());
        }
        return ResponseEntity.ok().contentType(HAL).body(body);
    }

    private Reached reach(String vehicleId, String cbid) {
        B2cCaller caller = Callers.current();
        List<String> actions = new ArrayList<>();
        for (RemoteType t : RemoteType.values()) {
            if (caller.granted(t.scope())) {
                actions.add(t.action());
            }
        }
        if (actions.isEmpty()) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "this operation needs one of the remote scopes");
        }
        Vehicle vehicle = access.ownedVehicleOrUnknown(caller, vehicleId);
        if (!ID.matcher(cbid).matches()) {
            throw callbackNotFound(cbid);
        }
        String channel = callbacks.remoteChannel(caller.accountId(), caller.clientId(), cbid)
                .orElseThrow(() -> callbackNotFound(cbid));
        return new Reached(caller, vehicle, new Scope(caller.accountId(), caller.clientId(), vehicle.apiId(), cbid),
                channel, List.copyOf(actions));
    }

    private static ApiException callbackNotFound(String cbid) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no callback " + RemoteReader.shown(cbid)
                + " that accepts remote notifications");
    }

    /** {@code RemoteAction}: the request as the app sent it, and where it stands. */
    private static ObjectNode view(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("callback", Links.link(Links.href(r.caller().clientId(), r.callbackPath())));
        links.set("self", Links.link(Links.href(r.caller().clientId(), r.path() + "/" + s.id())));
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
