package org.odomo.remote;

import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.api.JsonRequestBody;
import org.odomo.b2c.Paging;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.remote.FleetRemoteCallbacks.Status;
import org.odomo.remote.FleetRemoteCallbacks.Stored;
import org.odomo.remote.FleetRemoteCallbacks.Subscription;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /fleets/{fid}/remote/callbacks}: a fleet's remote callbacks. A callback accepts remotes
 * of its {@code remoteTypes}, each of which the fleet contract must cover (403 otherwise). Another
 * partner's fleet is a 403, a callback of another fleet a 404. A callback is deleted only when no
 * remote sent through it is in progress (400 otherwise); its finished remotes go with it.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}/remote/callbacks")
class FleetRemoteCallbacksApi {

    static final Pattern ID = Pattern.compile("[0-9a-fA-F_-]{1,64}");
    /** Remote callbacks are reusable: a fleet needs a handful, never thousands. */
    static final int MAX_PER_FLEET = 100;

    private final FleetRemoteCallbacks callbacks;
    private final RemoteStore remotes;
    private final FleetAccess fleets;
    private final AccessDecisions access;
    private final NotificationOutbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    FleetRemoteCallbacksApi(FleetRemoteCallbacks callbacks, RemoteStore remotes, FleetAccess fleets,
            AccessDecisions access, NotificationOutbox outbox, PlatformTransactionManager transactions,
            Optional<Clock> clock) {
        this.callbacks = callbacks;
        this.remotes = remotes;
        this.fleets = fleets;
        this.access = access;
        this.outbox = outbox;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String fid, @RequestParam(required = false) List<String> types,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        Set<String> filter = new LinkedHashSet<>();
        if (types != null) {
            for (String value : types) {
                for (String t : value.split(",")) {
                    if (t.isBlank()) {
                        continue;
                    }
                    if (!FleetRemoteCallbacks.SCOPES.containsKey(t.trim())) {
                        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "types: "
                                + BodyRules.shown(t.trim()) + " is not one of " + FleetRemoteCallbacks.SCOPES.keySet());
                    }
                    filter.add(t.trim());
                }
            }
        }
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        List<ObjectNode> items = new ArrayList<>();
        int[] total = new int[1];
        tx.executeWithoutResult(s -> {
            total[0] = callbacks.count(fleet.id(), filter);
            for (Stored c : callbacks.page(fleet.id(), filter, paging.offset, paging.limit(total[0]))) {
                items.add(view(caller, c));
            }
        });
        Map<String, String> query = new LinkedHashMap<>();
        if (!filter.isEmpty()) {
            query.put("types", String.join(",", filter));
        }
        return ok(HttpStatus.OK, FleetPages.page(caller.clientId(), path(fleet.id()), query, paging, "callbacks",
                items, total[0]));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(@PathVariable String fid, InputStream body) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        JsonNode json = JsonRequestBody.read(body, FleetRemoteCallbacks.MAX_BODY_BYTES);
        Subscription s = checked(caller, json);
        String id = UUID.randomUUID().toString();
        tx.executeWithoutResult(t -> {
            if (callbacks.count(fleet.id(), Set.of()) >= MAX_PER_FLEET) {
                throw new ApiException(ApiErrorCode.FORBIDDEN, "this fleet already has " + MAX_PER_FLEET
                        + " remote callbacks, the most allowed: delete one first");
            }
            callbacks.insert(id, fleet.id(), s, RemoteMessages.JSON.writeValueAsString(json), clock.instant());
        });
        return ok(HttpStatus.OK, ref(caller, fleet.id(), id, Status.Running));
    }

    @PutMapping(path = "/{cbid}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> replace(@PathVariable String fid, @PathVariable String cbid, InputStream body) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        known(cbid);
        JsonNode json = JsonRequestBody.read(body, FleetRemoteCallbacks.MAX_BODY_BYTES);
        Subscription s = checked(caller, json);
        Status status = tx.execute(t -> {
            Stored c = callbacks.lock(cbid, fleet.id()).orElseThrow(() -> FleetRemoteCallbacks.notFound(cbid));
            callbacks.replace(cbid, fleet.id(), s, RemoteMessages.JSON.writeValueAsString(json), clock.instant());
            return c.status();
        });
        outbox.destinationChanged(cbid);
        return ok(HttpStatus.ACCEPTED, ref(caller, fleet.id(), cbid, status));
    }

    @GetMapping("/{cbid}")
    ResponseEntity<ObjectNode> one(@PathVariable String fid, @PathVariable String cbid) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        known(cbid);
        Stored c = tx.execute(t -> callbacks.find(cbid, fleet.id())).orElseThrow(() ->
                FleetRemoteCallbacks.notFound(cbid));
        return ok(HttpStatus.OK, view(caller, c));
    }

    @DeleteMapping("/{cbid}")
    ResponseEntity<Void> delete(@PathVariable String fid, @PathVariable String cbid) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        known(cbid);
        tx.executeWithoutResult(t -> {
            callbacks.lock(cbid, fleet.id()).orElseThrow(() -> FleetRemoteCallbacks.notFound(cbid));
            if (remotes.pendingOfCallback(cbid)) {
                throw new ApiException(ApiErrorCode.BAD_REQUEST, "remote callback " + cbid
                        + " has remotes in progress: it can be deleted once they are over");
            }
            remotes.deleteOfCallback(cbid);
            callbacks.delete(cbid, fleet.id());
        });
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{cbid}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> status(@PathVariable String fid, @PathVariable String cbid, InputStream body) {
        B2bCaller caller = B2bCallers.current();
        Fleet fleet = fleets.ownedFleet(caller, fid);
        known(cbid);
        JsonNode json = JsonRequestBody.read(body, FleetRemoteCallbacks.MAX_BODY_BYTES);
        BodyRules.object(json, "body");
        BodyRules.members(json, "", "status");
        String given = BodyRules.text(json.get("status"), "status", true, 20);
        if (!given.equals("Running") && !given.equals("Paused")) {
            throw BodyRules.invalid("status: must be Running or Paused");
        }
        Status status = Status.valueOf(given);
        tx.executeWithoutResult(t -> {
            if (!callbacks.status(cbid, fleet.id(), status, clock.instant())) {
                throw FleetRemoteCallbacks.notFound(cbid);
            }
        });
        outbox.destinationChanged(cbid);
        return ok(HttpStatus.ACCEPTED, ref(caller, fleet.id(), cbid, status));
    }

    /** The subscription, every remote type of which the contract must cover. */
    private Subscription checked(B2bCaller caller, JsonNode json) {
        Subscription s = FleetRemoteCallbacks.read(json);
        for (String type : s.remoteTypes()) {
            access.requireContract(caller, FleetRemoteCallbacks.SCOPES.get(type));
        }
        return s;
    }

    private static void known(String cbid) {
        if (!ID.matcher(cbid).matches()) {
            throw FleetRemoteCallbacks.notFound(cbid);
        }
    }

    static String path(String fleetId) {
        return "/fleets/" + fleetId + "/remote/callbacks";
    }

    /** {@code CallbackRef}. */
    private static ObjectNode ref(B2bCaller caller, String fleetId, String cbid, Status status) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("fleet", FleetPages.link(caller.clientId(), "/fleets/" + fleetId));
        links.set("callback", FleetPages.link(caller.clientId(), path(fleetId) + "/" + cbid));
        body.put("callbackId", cbid);
        body.put("status", status.name());
        return body;
    }

    /** {@code RemoteCallback}: the subscription as given, and its status. */
    private static ObjectNode view(B2bCaller caller, Stored c) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("self", FleetPages.link(caller.clientId(), path(c.fleetId()) + "/" + c.id()));
        links.set("fleet", FleetPages.link(caller.clientId(), "/fleets/" + c.fleetId()));
        // A templated link: the remotes of one vehicle through this callback.
        ObjectNode remotes = FleetPages.link(caller.clientId(), "/fleets/" + c.fleetId() + "/vehicles/{vid}/callbacks/"
                + c.id() + "/remotes");
        remotes.put("href", remotes.get("href").asString().replace("%7Bvid%7D", "{vid}"));
        remotes.put("templated", true);
        links.set("remotes", remotes);
        body.put("id", c.id());
        body.set("subscribe", RemoteMessages.JSON.readTree(c.body()));
        body.put("status", c.status().name());
        return body;
    }

    static ResponseEntity<ObjectNode> ok(HttpStatus status, ObjectNode body) {
        return ResponseEntity.status(status).contentType(RemotesApi.HAL).body(body);
    }
}
