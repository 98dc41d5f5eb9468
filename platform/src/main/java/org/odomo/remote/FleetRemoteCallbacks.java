package org.odomo.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.JsonNode;

/**
 * A fleet's remote callbacks (B2B {@code RemoteCallbackSubscribe}): the webhook, the remote types
 * it accepts and its retry policy, kept with the subscription as the fleet owner gave it; and the
 * same callbacks as the delivery engine sees them, read at send time.
 *
 * <p>Retry policy {@code None} is one attempt and no retry, {@code Bounded} one attempt and at
 * most {@code retryNumber} retries, {@code retryDelay} seconds apart. Without a retry policy a
 * callback is tried once.
 */
@Component
class FleetRemoteCallbacks implements DeliveryDestinations {

    /** The API's {@code RemoteType} values with the contract scope that covers each, and the protocol action. */
    static final Map<String, String> SCOPES = new LinkedHashMap<>();
    static final Map<String, String> ACTIONS = new LinkedHashMap<>();

    static {
        type("ThermalPreconditioning", "preconditioning", "remote:preconditioning:write");
        type("ElectricBatteryChargingRequest", "charging", "remote:charging:write");
        type("Horn", "horn", "remote:horn:write");
        type("Doors", "door", "remote:door:write");
        type("Lights", "lights", "remote:lights:write");
        type("Immobilization", "immobilization", "remote:immobilization:write");
        type("Stolen", "stolen", "remote:stolen:write");
        type("WakeUp", "wakeUp", "remote:wakeup:write");
        type("Navigation", "navigation", "remote:navigation:write");
    }

    private static void type(String apiType, String action, String scope) {
        SCOPES.put(apiType, scope);
        ACTIONS.put(apiType, action);
    }

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_TEXT = 255;
    static final int MAX_TARGET = 2048;
    static final int MAX_ATTRIBUTES = 20;
    static final int MAX_RETRIES = 10;
    static final int MAX_RETRY_DELAY = 3600;
    static final int MAX_BATCH = 100;
    static final int MAX_BATCH_WINDOW = 3600;
    /** How long a notification may still be delivered after its event: a remote status is stale after a day. */
    static final Duration LIFETIME = Duration.ofHours(24);
    private static final Set<String> VARIABLES = Set.of("$vin", "$callbackID", "$remoteType", "$fleetID");

    enum Status {
        Running, Paused
    }

    /** A checked subscription. */
    record Subscription(String label, List<String> remoteTypes, URI target, List<Destination.Attribute> attributes,
            DeliveryPolicy.Retry retry, int retryNumber, int retryDelay, int batchSize, int batchWindow) {
    }

    record Stored(String id, String fleetId, Status status, Subscription subscription, String body, Instant createdAt,
            Instant updatedAt) {
    }

    private static final String COLUMNS = "id, fleet_id, label, status, remote_types, target, retry, retry_number,"
            + " retry_delay, batch_size, batch_window, subscribe, created_at, updated_at";

    private final JdbcClient jdbc;

    FleetRemoteCallbacks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // ---- the delivery engine's view

    @Override
    @Transactional(readOnly = true)
    public Optional<Destination> find(String destinationId) {
        return find(destinationId, null).map(FleetRemoteCallbacks::destination);
    }

    static Destination destination(Stored s) {
        Subscription sub = s.subscription();
        DeliveryPolicy policy = new DeliveryPolicy(sub.retry(), sub.retry() == DeliveryPolicy.Retry.BOUNDED
                ? sub.retryNumber() : 0, Duration.ofSeconds(sub.retryDelay()), LIFETIME, sub.batchSize(),
                Duration.ofSeconds(sub.batchWindow()));
        return new Destination(s.id(), DeliveryOwner.fleet(s.fleetId()), sub.label(),
                s.status() == Status.Running ? Destination.State.RUNNING : Destination.State.PAUSED,
                new Destination.Webhook(sub.target()), sub.attributes(), policy, Destination.Format.FLEET_EVENTS);
    }

    // ---- reading a subscription

    /** Reads a {@code RemoteCallbackSubscribe}; every refusal is a 400 naming the member. */
    static Subscription read(JsonNode body) {
        BodyRules.object(body, "body");
        BodyRules.members(body, "", "label", "retryPolicy", "batchNotify", "callback", "remoteTypes");
        String label = BodyRules.text(body.get("label"), "label", false, MAX_TEXT);
        JsonNode types = body.get("remoteTypes");
        if (types == null) {
            throw BodyRules.invalid("remoteTypes: required");
        }
        if (!types.isArray() || types.isEmpty() || types.size() > SCOPES.size()) {
            throw BodyRules.invalid("remoteTypes: an array of 1 to " + SCOPES.size() + " of " + SCOPES.keySet());
        }
        Set<String> remoteTypes = new LinkedHashSet<>();
        for (int i = 0; i < types.size(); i++) {
            String t = BodyRules.text(types.get(i), "remoteTypes[" + i + "]", true, MAX_TEXT);
            if (!SCOPES.containsKey(t)) {
                throw BodyRules.invalid("remoteTypes[" + i + "]: must be one of " + SCOPES.keySet());
            }
            if (!remoteTypes.add(t)) {
                throw BodyRules.invalid("remoteTypes[" + i + "]: " + t + " is given twice");
            }
        }
        DeliveryPolicy.Retry retry = DeliveryPolicy.Retry.NONE;
        int retryNumber = 3;
        int retryDelay = 10;
        JsonNode policy = body.get("retryPolicy");
        if (policy != null) {
            BodyRules.object(policy, "retryPolicy");
            BodyRules.members(policy, "retryPolicy.", "policy", "retryNumber", "retryDelay");
            String p = BodyRules.text(policy.get("policy"), "retryPolicy.policy", true, MAX_TEXT);
            retry = switch (p) {
                case "None" -> DeliveryPolicy.Retry.NONE;
                case "Bounded" -> DeliveryPolicy.Retry.BOUNDED;
                default -> throw BodyRules.invalid("retryPolicy.policy: must be None or Bounded (a remote callback"
                        + " does not retry forever)");
            };
            retryNumber = integer(policy.get("retryNumber"), "retryPolicy.retryNumber", 1, MAX_RETRIES, retryNumber);
            retryDelay = integer(policy.get("retryDelay"), "retryPolicy.retryDelay", 1, MAX_RETRY_DELAY, retryDelay);
        }
        int batchSize = 1;
        int batchWindow = 0;
        JsonNode batch = body.get("batchNotify");
        if (batch != null) {
            BodyRules.object(batch, "batchNotify");
            BodyRules.members(batch, "batchNotify.", "size", "timeWindow");
            if (batch.get("size") == null) {
                throw BodyRules.invalid("batchNotify.size: required");
            }
            batchSize = integer(batch.get("size"), "batchNotify.size", 1, MAX_BATCH, 1);
            batchWindow = integer(batch.get("timeWindow"), "batchNotify.timeWindow", 5, MAX_BATCH_WINDOW, 60);
        }
        JsonNode callback = body.get("callback");
        if (callback == null) {
            throw BodyRules.invalid("callback: required");
        }
        BodyRules.object(callback, "callback");
        BodyRules.members(callback, "callback.", "webhook");
        JsonNode webhook = callback.get("webhook");
        if (webhook == null) {
            throw BodyRules.invalid("callback.webhook: required");
        }
        BodyRules.object(webhook, "callback.webhook");
        BodyRules.members(webhook, "callback.webhook.", "target", "name", "attributes");
        URI target = target(BodyRules.text(webhook.get("target"), "callback.webhook.target", true, MAX_TARGET));
        BodyRules.text(webhook.get("name"), "callback.webhook.name", true, MAX_TEXT);
        List<Destination.Attribute> attributes = new ArrayList<>();
        for (BodyRules.AttributeEntry e : BodyRules.attributes(webhook.get("attributes"), "callback.webhook.attributes",
                Set.of("Header", "Body", "Query"), VARIABLES, MAX_ATTRIBUTES, MAX_TEXT)) {
            Destination.Attribute.Kind kind = switch (e.type()) {
                case "Header" -> Destination.Attribute.Kind.HEADER;
                case "Query" -> Destination.Attribute.Kind.QUERY;
                default -> Destination.Attribute.Kind.BODY;
            };
            attributes.add(new Destination.Attribute(kind, e.key(), e.value()));
        }
        return new Subscription(label, List.copyOf(remoteTypes), target, List.copyOf(attributes), retry, retryNumber,
                retryDelay, batchSize, batchWindow);
    }

    private static int integer(JsonNode node, String at, int min, int max, int otherwise) {
        if (node == null) {
            return otherwise;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw BodyRules.invalid(at + ": a whole number from " + min + " to " + max);
        }
        return node.intValue();
    }

    /** An absolute http(s) URL; where it may point is the delivery's target guard's decision at send time. */
    private static URI target(String text) {
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw BodyRules.invalid("callback.webhook.target: an absolute http or https URL without user"
                        + " information or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw BodyRules.invalid("callback.webhook.target: not a URL");
        }
    }

    // ---- the table (callers hold the transaction)

    void insert(String id, String fleetId, Subscription s, String body, Instant now) {
        jdbc.sql("INSERT INTO fleet_remote_callback (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, fleetId, s.label(), Status.Running.name(), types(s.remoteTypes()), s.target().toString(),
                        s.retry().name(), s.retryNumber(), s.retryDelay(), s.batchSize(), s.batchWindow(), body,
                        ts(now), ts(now))
                .update();
    }

    boolean replace(String id, String fleetId, Subscription s, String body, Instant now) {
        return jdbc.sql("""
                UPDATE fleet_remote_callback SET label = ?, remote_types = ?, target = ?, retry = ?, retry_number = ?,
                    retry_delay = ?, batch_size = ?, batch_window = ?, subscribe = ?, updated_at = ?
                WHERE id = ? AND fleet_id = ?""")
                .params(s.label(), types(s.remoteTypes()), s.target().toString(), s.retry().name(), s.retryNumber(),
                        s.retryDelay(), s.batchSize(), s.batchWindow(), body, ts(now), id, fleetId)
                .update() == 1;
    }

    boolean status(String id, String fleetId, Status status, Instant now) {
        return jdbc.sql("UPDATE fleet_remote_callback SET status = ?, updated_at = ? WHERE id = ? AND fleet_id = ?")
                .params(status.name(), ts(now), id, fleetId).update() == 1;
    }

    boolean delete(String id, String fleetId) {
        return jdbc.sql("DELETE FROM fleet_remote_callback WHERE id = ? AND fleet_id = ?").params(id, fleetId)
                .update() == 1;
    }

    /** The callback, of that fleet when {@code fleetId} is given. */
    Optional<Stored> find(String id, String fleetId) {
        if (fleetId == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_remote_callback WHERE id = ?").param(id)
                    .query(this::row).optional();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_remote_callback WHERE id = ? AND fleet_id = ?")
                .params(id, fleetId).query(this::row).optional();
    }

    /** Locks the callback row: a remote sent through it and its deletion do not cross. */
    Optional<Stored> lock(String id, String fleetId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_remote_callback WHERE id = ? AND fleet_id = ? FOR UPDATE")
                .params(id, fleetId).query(this::row).optional();
    }

    int count(String fleetId, Collection<String> types) {
        List<Object> params = new ArrayList<>(List.of(fleetId));
        return jdbc.sql("SELECT COUNT(*) FROM fleet_remote_callback WHERE fleet_id = ?" + typeFilter(types, params))
                .params(params).query(Integer.class).single();
    }

    /** Oldest first. */
    List<Stored> page(String fleetId, Collection<String> types, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(List.of(fleetId));
        String filter = typeFilter(types, params);
        params.add(limit);
        params.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_remote_callback WHERE fleet_id = ?" + filter
                + " ORDER BY created_at, id LIMIT ? OFFSET ?").params(params).query(this::row).list();
    }

    /** Callbacks that accept any of the types (each stored between commas, so a LIKE finds a whole name). */
    private static String typeFilter(Collection<String> types, List<Object> params) {
        if (types.isEmpty()) {
            return "";
        }
        List<String> likes = new ArrayList<>();
        for (String t : types) {
            likes.add("remote_types LIKE ?");
            params.add("%," + t + ",%");
        }
        return " AND (" + String.join(" OR ", likes) + ")";
    }

    private static String types(List<String> types) {
        return "," + String.join(",", types) + ",";
    }

    private Stored row(ResultSet rs, int n) throws SQLException {
        List<String> types = new ArrayList<>();
        for (String t : rs.getString(5).split(",")) {
            if (!t.isEmpty()) {
                types.add(t);
            }
        }
        String body = rs.getString(12);
        // The attributes are read back from the subscription as given: it was checked when stored.
        Subscription s = read(RemoteMessages.JSON.readTree(body));
        Subscription stored = new Subscription(rs.getString(3), List.copyOf(types), URI.create(rs.getString(6)),
                s.attributes(), DeliveryPolicy.Retry.valueOf(rs.getString(7)), rs.getInt(8), rs.getInt(9),
                rs.getInt(10), rs.getInt(11));
        return new Stored(rs.getString(1), rs.getString(2), Status.valueOf(rs.getString(4)), stored, body,
                instant(rs, 13), instant(rs, 14));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static ApiException notFound(String cbid) {
        return new ApiException(org.odomo.api.ApiErrorCode.NOT_FOUND, "no remote callback " + BodyRules.shown(cbid)
                + " in this fleet");
    }
}
