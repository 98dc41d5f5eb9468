package org.odomo.monitor;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.odomo.access.AccessDecisions;
import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Links;
import org.odomo.b2c.Paging;
import org.odomo.callback.CallbackDirectory;
import org.odomo.monitor.MonitorDefinition.Trigger;
import org.odomo.monitor.MonitorStore.Scope;
import org.odomo.monitor.MonitorStore.Status;
import org.odomo.monitor.MonitorStore.Stored;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /user/vehicles/{id}/callbacks/{cbid}/monitors}: the monitors of one of the user's vehicles
 * that notify through one of the (user, app) pair's callbacks. Another user's vehicle, a callback
 * or monitor of another pair, another vehicle or another callback is a 404, as if it did not exist
 * (the operations document no 403 for them).
 */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/monitors")
class MonitorsApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F_-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Monitors monitors;
    private final AccessDecisions access;
    private final CallbackDirectory callbacks;

    MonitorsApi(Monitors monitors, AccessDecisions access, CallbackDirectory callbacks) {
        this.monitors = monitors;
        this.access = access;
        this.callbacks = callbacks;
    }

    /** The caller, the vehicle and the callback checked, and the callback's channel. */
    private record Reached(B2cCaller caller, Vehicle vehicle, Scope scope, String channel) {
        String path() {
            return "/user/vehicles/" + scope.vehicleId() + "/callbacks/" + scope.callbackId() + "/monitors";
        }
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String id, @PathVariable String cbid,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        Reached r = reach(id, cbid);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        int total = monitors.count(r.scope());
        List<ObjectNode> items = new ArrayList<>();
        for (Stored s : monitors.page(r.scope(), paging.offset, paging.limit(total))) {
            items.add(view(r, s));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("indexRange", indexRange);
        ObjectNode page = paging.page(r.caller().clientId(), r.path(), query, "monitors", List.of(), total);
        // The envelope is filtered as vehicle data is (structure only), which would take the monitors
        // out: they are the app's own declarations, not vehicle data, so they go in after.
        ArrayNode embedded = page.putObject("_embedded").putArray("monitors");
        items.forEach(embedded::add);
        return ResponseEntity.ok().contentType(HAL).body(page);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(@PathVariable String id, @PathVariable String cbid, InputStream body) {
        Reached r = reach(id, cbid);
        String definition = definition(r, body);
        Stored created = monitors.create(r.scope(), r.vehicle().vin(), definition, r.caller().scopes());
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL).body(reference(r, created));
    }

    @GetMapping("/{mid}")
    ResponseEntity<ObjectNode> one(@PathVariable String id, @PathVariable String cbid, @PathVariable String mid) {
        Reached r = reach(id, cbid);
        return ResponseEntity.ok().contentType(HAL).body(view(r, monitors.find(r.scope(), monitorId(mid))));
    }

    /** A complete replacement (no merge): the status and id stay. */
    @PutMapping(path = "/{mid}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> replace(@PathVariable String id, @PathVariable String cbid, @PathVariable String mid,
            InputStream body) {
        Reached r = reach(id, cbid);
        String monitorId = monitorId(mid);
        monitors.find(r.scope(), monitorId);
        Stored replaced = monitors.replace(r.scope(), monitorId, definition(r, body), r.caller().scopes());
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL).body(reference(r, replaced));
    }

    @DeleteMapping("/{mid}")
    ResponseEntity<Void> delete(@PathVariable String id, @PathVariable String cbid, @PathVariable String mid) {
        Reached r = reach(id, cbid);
        monitors.delete(r.scope(), monitorId(mid));
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{mid}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> status(@PathVariable String id, @PathVariable String cbid, @PathVariable String mid,
            InputStream body) {
        Reached r = reach(id, cbid);
        String monitorId = monitorId(mid);
        JsonNode setter = MonitorReader.parse(body);
        JsonNode status = setter.isObject() ? setter.get("status") : null;
        if (status == null) {
            throw MonitorReader.invalid("status: required (Running or Paused)");
        }
        if (!status.isString() || !(status.stringValue().equals("Running") || status.stringValue().equals("Paused"))) {
            throw MonitorReader.invalid("status: must be Running or Paused");
        }
        Stored now = monitors.setStatus(r.scope(), monitorId, Status.valueOf(status.stringValue()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL).body(reference(r, now));
    }

    private Reached reach(String vehicleId, String cbid) {
        B2cCaller caller = Callers.current();
        if (Scopes.DATA.stream().noneMatch(caller::granted)) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "this operation needs one of the data scopes");
        }
        Vehicle vehicle = access.ownedVehicleOrUnknown(caller, vehicleId);
        if (!ID.matcher(cbid).matches()) {
            throw callbackNotFound(cbid);
        }
        String channel = callbacks.monitorChannel(caller.accountId(), caller.clientId(), cbid)
                .orElseThrow(() -> callbackNotFound(cbid));
        return new Reached(caller, vehicle, new Scope(caller.accountId(), caller.clientId(), vehicle.apiId(), cbid),
                channel);
    }

    private static ApiException callbackNotFound(String cbid) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no callback " + MonitorReader.shown(cbid)
                + " that accepts monitor notifications");
    }

    private static String monitorId(String mid) {
        if (!ID.matcher(mid).matches()) {
            throw Monitors.notFound(mid);
        }
        return mid;
    }

    /**
     * Reads and validates the body, then refuses it when the app lacks a scope that a trigger or an
     * extension needs: such a monitor would never fire, or fire without its data. That is a 403 (the
     * body is well formed; the grant is short), as any operation of the API answers a missing scope.
     */
    private static String definition(Reached r, InputStream body) {
        JsonNode json = MonitorReader.parse(body);
        MonitorDefinition d = MonitorReader.read(json, r.channel());
        for (int i = 0; i < d.triggers().size(); i++) {
            Trigger t = d.triggers().get(i);
            for (String scope : new TreeSet<>(t.scopes())) {
                if (!r.caller().granted(scope)) {
                    throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "triggerParam.triggers[" + i + "] ('"
                            + t.name() + "') needs the scope " + scope + ", which the user did not grant this app");
                }
            }
        }
        Set<String> needed = MonitorReader.scopesNeeded(d);
        for (String scope : needed) {
            if (!r.caller().granted(scope)) {
                throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "extendedEventParam needs the scope " + scope
                        + ", which the user did not grant this app");
            }
        }
        return JSON.writeValueAsString(json);
    }

    /** {@code MonitorRef}: what POST and the PUTs answer. */
    private static ObjectNode reference(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("createdAt", s.createdAt().toString());
        body.put("updatedAt", s.updatedAt().toString());
        body.putObject("_links").set("monitor", Links.link(Links.href(r.caller().clientId(), r.path() + "/" + s.id())));
        body.put("monitorId", s.id());
        body.put("status", s.status().name());
        return body;
    }

    /** {@code Monitor}: the monitor as the app declared it, and its status. */
    private static ObjectNode view(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("createdAt", s.createdAt().toString());
        body.put("updatedAt", s.updatedAt().toString());
        body.putObject("_links").set("self", Links.link(Links.href(r.caller().clientId(), r.path() + "/" + s.id())));
        body.put("monitorId", s.id());
        body.set("monitor", JSON.readTree(s.definition()));
        body.put("status", s.status().name());
        return body;
    }
}
