package org.odomo.monitor;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.odomo.access.B2bCaller;
import org.odomo.access.B2bCallers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.b2c.Links;
import org.odomo.b2c.Paging;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.monitor.FleetMonitorReader.FleetMonitorDefinition;
import org.odomo.monitor.FleetMonitorStore.Stored;
import org.odomo.monitor.MonitorDefinition.Trigger;
import org.odomo.monitor.MonitorStore.Status;
import org.springframework.beans.factory.annotation.Value;
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
 * {@code /fleets/{fid}/monitors}: the monitors of a partner's fleet, each watching every vehicle of
 * the fleet and notifying its own webhook. Another partner's fleet is a 403, an unknown fleet or a
 * monitor of another fleet a 404.
 */
@RestController
@RequestMapping(path = "/connectedcar/v3/fleets/{fid}/monitors")
class FleetMonitorsApi {

    static final String BASE = "/connectedcar/v3";
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FleetMonitors monitors;
    private final FleetAccess access;
    private final boolean loopbackTargets;

    FleetMonitorsApi(FleetMonitors monitors, FleetAccess access,
            @Value("${odomo.callbacks.local-targets:none}") String localTargets) {
        this.monitors = monitors;
        this.access = access;
        // The B2C callbacks' setting: a developer's own machine may receive in both APIs or in neither.
        this.loopbackTargets = localTargets.equalsIgnoreCase("loopback");
    }

    /** The caller and its fleet, checked. */
    private record Reached(B2bCaller caller, Fleet fleet) {
        String path() {
            return "/fleets/" + fleet.id() + "/monitors";
        }

        String href(String path) {
            return Links.href(BASE, caller.clientId(), path, null);
        }
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@PathVariable String fid, @RequestParam(required = false) String pageSize,
            @RequestParam(required = false) String indexRange, @RequestParam(required = false) String pageToken) {
        Reached r = reach(fid);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        int total = monitors.count(r.fleet());
        List<ObjectNode> items = new ArrayList<>();
        for (Stored s : monitors.page(r.fleet(), paging.offset, paging.limit(total))) {
            items.add(view(r, s));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("indexRange", indexRange);
        ObjectNode page = paging.page(BASE, r.caller().clientId(), r.path(), query, "monitors", List.of(), total);
        // The envelope is filtered as vehicle data is (structure only), which would take the monitors
        // out: they are the partner's own declarations, so they go in after.
        ArrayNode embedded = page.putObject("_embedded").putArray("monitors");
        items.forEach(embedded::add);
        return ResponseEntity.ok().contentType(MonitorsApi.HAL).body(page);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(@PathVariable String fid, InputStream body) {
        Reached r = reach(fid);
        Stored created = monitors.create(r.fleet(), definition(r, body));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MonitorsApi.HAL).body(reference(r, created));
    }

    @GetMapping("/{mid}")
    ResponseEntity<ObjectNode> one(@PathVariable String fid, @PathVariable String mid) {
        Reached r = reach(fid);
        return ResponseEntity.ok().contentType(MonitorsApi.HAL).body(view(r, monitors.find(r.fleet(), monitorId(mid))));
    }

    /** A complete replacement (no merge): the status and id stay, the edges start again. */
    @PutMapping(path = "/{mid}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> replace(@PathVariable String fid, @PathVariable String mid, InputStream body) {
        Reached r = reach(fid);
        String id = monitorId(mid);
        monitors.find(r.fleet(), id);
        Stored replaced = monitors.replace(r.fleet(), id, definition(r, body));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MonitorsApi.HAL).body(reference(r, replaced));
    }

    @DeleteMapping("/{mid}")
    ResponseEntity<Void> delete(@PathVariable String fid, @PathVariable String mid) {
        Reached r = reach(fid);
        monitors.delete(r.fleet(), monitorId(mid));
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{mid}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> status(@PathVariable String fid, @PathVariable String mid, InputStream body) {
        Reached r = reach(fid);
        String id = monitorId(mid);
        JsonNode setter = MonitorReader.parse(body);
        if (!setter.isObject()) {
            throw MonitorReader.invalid("the request body (MonitorStatusSetter): must be an object {status}");
        }
        BodyRules.members(setter, "", "status");
        JsonNode status = setter.get("status");
        if (status == null) {
            throw MonitorReader.invalid("status: required (Running or Paused)");
        }
        if (!status.isString() || !(status.stringValue().equals("Running") || status.stringValue().equals("Paused"))) {
            throw MonitorReader.invalid("status: must be Running or Paused");
        }
        Stored now = monitors.setStatus(r.fleet(), id, Status.valueOf(status.stringValue()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MonitorsApi.HAL).body(reference(r, now));
    }

    private Reached reach(String fid) {
        B2bCaller caller = B2bCallers.current();
        return new Reached(caller, access.ownedFleet(caller, fid));
    }

    private static String monitorId(String mid) {
        if (!ID.matcher(mid).matches()) {
            throw FleetMonitors.notFound(mid);
        }
        return mid;
    }

    /**
     * Reads and validates the body, then refuses it when the fleet contract does not cover the
     * data a trigger or an extension reads: such a monitor would never fire, or fire without its
     * data. A 403 (the body is well formed; the contract is short).
     */
    private String definition(Reached r, InputStream body) {
        JsonNode json = MonitorReader.parse(body);
        FleetMonitorDefinition read = FleetMonitorReader.read(json, loopbackTargets);
        MonitorDefinition d = read.monitor();
        for (int i = 0; i < d.triggers().size(); i++) {
            Trigger t = d.triggers().get(i);
            for (String scope : new TreeSet<>(t.scopes())) {
                if (!r.caller().covers(scope)) {
                    throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "triggerParam.triggers[" + i + "] ('"
                            + t.name() + "') reads data of the scope " + scope + ", which the fleet contract does"
                            + " not cover");
                }
            }
        }
        for (String scope : MonitorReader.scopesNeeded(d)) {
            if (!r.caller().covers(scope)) {
                throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE, "extendedEventParam needs the scope " + scope
                        + ", which the fleet contract does not cover");
            }
        }
        return JSON.writeValueAsString(json);
    }

    /** {@code MonitorRef}: what POST and the PUTs answer. */
    private static ObjectNode reference(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("createdAt", s.createdAt().toString());
        body.put("updatedAt", s.updatedAt().toString());
        ObjectNode links = body.putObject("_links");
        links.set("fleet", Links.link(r.href("/fleets/" + r.fleet().id())));
        links.set("monitor", Links.link(r.href(r.path() + "/" + s.id())));
        body.put("monitorId", s.id());
        body.put("status", s.status().name());
        return body;
    }

    /** {@code Monitor}: the monitor as the partner declared it, and its status. */
    private static ObjectNode view(Reached r, Stored s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("createdAt", s.createdAt().toString());
        body.put("updatedAt", s.updatedAt().toString());
        ObjectNode links = body.putObject("_links");
        links.set("self", Links.link(r.href(r.path() + "/" + s.id())));
        links.set("fleet", Links.link(r.href("/fleets/" + r.fleet().id())));
        body.put("monitorId", s.id());
        body.set("monitor", JSON.readTree(s.definition()));
        body.put("status", s.status().name());
        return body;
    }
}
