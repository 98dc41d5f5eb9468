package org.odomo.callback;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Links;
import org.odomo.b2c.Paging;
import org.odomo.callback.CallbackStore.Owner;
import org.odomo.callback.CallbackStore.Status;
import org.odomo.callback.CallbackStore.Stored;
import org.odomo.callback.Subscription.Attribute;
import org.odomo.callback.Subscription.Type;
import org.odomo.vehicle.Scopes;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /user/callbacks}: the caller's callbacks, those of its (user, app) pair only. Every scope
 * of the API is optional for these operations: a token with any one of them may use them, one with
 * none (an OpenID-only token) may not.
 */
@RestController
@RequestMapping(path = "/connectedcar/v4/user/callbacks")
class CallbacksApi {

    static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    /** The published pattern of callback ids, bounded: anything else cannot be a callback. */
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F_-]{1,64}");

    private final Callbacks callbacks;
    private final SubscriptionReader reader;

    CallbacksApi(Callbacks callbacks, CallbackProperties settings) {
        this.callbacks = callbacks;
        this.reader = new SubscriptionReader(settings.localTargets());
    }

    @GetMapping
    ResponseEntity<ObjectNode> list(@RequestParam(required = false) List<String> types,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String indexRange,
            @RequestParam(required = false) String pageToken) {
        B2cCaller caller = caller();
        Set<Type> filter = SubscriptionReader.typeFilter(types);
        Paging paging = Paging.of(pageSize, indexRange, pageToken, 60);
        Owner owner = owner(caller);
        int total = callbacks.count(owner, filter);
        List<ObjectNode> items = new ArrayList<>();
        for (Stored s : callbacks.page(owner, filter, paging.offset, paging.limit(total))) {
            items.add(view(s, caller.clientId()));
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (!filter.isEmpty()) {
            query.put("types", filter.stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        query.put("indexRange", indexRange);
        ObjectNode page = paging.page(caller.clientId(), "/user/callbacks", query, "callbacks", List.of(), total);
        // The envelope is filtered as vehicle data is (structure only), which would take the callbacks
        // out: they hold no vehicle data, so they go in after.
        ArrayNode embedded = page.putObject("_embedded").putArray("callbacks");
        items.forEach(embedded::add);
        return ResponseEntity.ok().contentType(HAL).body(page);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> create(InputStream body) {
        B2cCaller caller = caller();
        Subscription subscription = reader.read(SubscriptionReader.parse(body));
        Stored created = callbacks.create(owner(caller), subscription);
        return ResponseEntity.ok().contentType(HAL).body(reference(created.id(), created.status(), caller.clientId()));
    }

    @GetMapping("/{cbid}")
    ResponseEntity<ObjectNode> one(@PathVariable String cbid) {
        B2cCaller caller = caller();
        return ResponseEntity.ok().contentType(HAL)
                .body(view(callbacks.find(owner(caller), id(cbid)), caller.clientId()));
    }

    /** A complete replacement (no merge): the status and id stay. */
    @PutMapping(path = "/{cbid}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> replace(@PathVariable String cbid, InputStream body) {
        B2cCaller caller = caller();
        String id = id(cbid);
        Subscription subscription = reader.read(SubscriptionReader.parse(body));
        Stored replaced = callbacks.replace(owner(caller), id, subscription);
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL)
                .body(reference(replaced.id(), replaced.status(), caller.clientId()));
    }

    @DeleteMapping("/{cbid}")
    ResponseEntity<Void> delete(@PathVariable String cbid) {
        B2cCaller caller = caller();
        callbacks.delete(owner(caller), id(cbid));
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{cbid}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> status(@PathVariable String cbid, InputStream body) {
        B2cCaller caller = caller();
        String id = id(cbid);
        JsonNode setter = SubscriptionReader.parse(body);
        JsonNode status = setter.isObject() ? setter.get("status") : null;
        if (status == null) {
            throw SubscriptionReader.invalid("status: required (Running or Paused)");
        }
        if (!status.isString() || !(status.stringValue().equals("Running") || status.stringValue().equals("Paused"))) {
            throw SubscriptionReader.invalid("status: must be Running or Paused");
        }
        Status now = callbacks.setStatus(owner(caller), id, Status.valueOf(status.stringValue()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(HAL).body(reference(id, now, caller.clientId()));
    }

    private static B2cCaller caller() {
        B2cCaller caller = Callers.current();
        if (Scopes.ALL.stream().noneMatch(caller::granted)) {
            throw new ApiException(ApiErrorCode.INSUFFICIENT_SCOPE,
                    "this operation needs one of the data or remote scopes");
        }
        return caller;
    }

    private static Owner owner(B2cCaller caller) {
        return new Owner(caller.accountId(), caller.clientId());
    }

    private static String id(String cbid) {
        if (!ID.matcher(cbid).matches()) {
            throw Callbacks.notFound(cbid);
        }
        return cbid;
    }

    /** {@code CallbackRef}: what POST and the PUTs answer. */
    private static ObjectNode reference(String id, Status status, String clientId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("_links").set("callback", Links.link(Links.href(clientId, "/user/callbacks/" + id)));
        body.put("callbackId", id);
        body.put("status", status.name());
        return body;
    }

    /** {@code UserCallback}: the callback as the app declared it, and its status. */
    static ObjectNode view(Stored stored, String clientId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("_links").set("self", Links.link(Links.href(clientId, "/user/callbacks/" + stored.id())));
        Subscription s = stored.subscription();
        if (s.label() != null) {
            body.put("label", s.label());
        }
        body.put("id", stored.id());
        ObjectNode subscribe = body.putObject("subscribe");
        if (s.label() != null) {
            subscribe.put("label", s.label());
        }
        if (s.types() != null) {
            ArrayNode types = subscribe.putArray("type");
            EnumSet.copyOf(s.types()).forEach(t -> types.add(t.name()));
        }
        ObjectNode channel = subscribe.putObject("callback").putObject(s.channel().name());
        switch (s.channel()) {
            case webhook -> {
                channel.put("name", s.name());
                channel.put("target", s.target().toString());
            }
            case websocket -> channel.put("target", s.target().toString());
            case pushnotif -> {
                ArrayNode devices = channel.putArray("devices");
                s.devices().forEach(devices::add);
            }
        }
        if (!s.attributes().isEmpty()) {
            ArrayNode attributes = channel.putArray("attributes");
            for (Attribute a : s.attributes()) {
                attributes.addObject().put("type", a.type().name()).put("key", a.key()).put("value", a.value());
            }
        }
        body.put("status", stored.status().name());
        return body;
    }
}
