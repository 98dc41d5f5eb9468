package org.odomo.callback;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.odomo.callback.Subscription.Attribute;
import org.odomo.callback.Subscription.AttributeType;
import org.odomo.callback.Subscription.Channel;
import org.odomo.callback.Subscription.Type;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The callback tables. Every query of an app's callbacks names its owner, so that another
 * (user, app) pair never reads, changes or learns of one. Callers hold the transaction.
 */
@Component
class CallbackStore {

    /** The states of a callback, spelled as the API's enum. */
    enum Status {
        Running, Paused, Failed
    }

    record Owner(long accountId, String clientId) {
    }

    record Stored(String id, Owner owner, Subscription subscription, Status status, Instant createdAt,
            Instant updatedAt) {
    }

    private static final String COLUMNS = "id, account_id, client_id, label, types, channel, webhook_name, target,"
            + " attributes, status, created_at, updated_at";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    CallbackStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes the owner's creation lock and answers how many callbacks it has. */
    int lockAndCount(Owner owner) {
        jdbc.sql("INSERT INTO b2c_callback_owner (account_id, client_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(owner.accountId(), owner.clientId()).update();
        jdbc.sql("SELECT account_id FROM b2c_callback_owner WHERE account_id = ? AND client_id = ? FOR UPDATE")
                .params(owner.accountId(), owner.clientId()).query(Long.class).single();
        return count(owner, EnumSet.noneOf(Type.class));
    }

    void insert(String id, Owner owner, Subscription s, Instant now) {
        jdbc.sql("INSERT INTO b2c_callback (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, owner.accountId(), owner.clientId(), s.label(), types(s.types()), s.channel().name(),
                        s.name(), s.target() == null ? null : s.target().toString(), attributes(s.attributes()),
                        Status.Running.name(), Timestamp.from(now), Timestamp.from(now))
                .update();
        insertDevices(id, s.devices());
    }

    /** Replaces the subscription, keeping id, status and creation time; false when the owner has no such callback. */
    boolean replace(String id, Owner owner, Subscription s, Instant now) {
        int n = jdbc.sql("""
                UPDATE b2c_callback SET label = ?, types = ?, channel = ?, webhook_name = ?, target = ?, attributes = ?,
                    updated_at = ? WHERE id = ? AND account_id = ? AND client_id = ?""")
                .params(s.label(), types(s.types()), s.channel().name(), s.name(),
                        s.target() == null ? null : s.target().toString(), attributes(s.attributes()),
                        Timestamp.from(now), id, owner.accountId(), owner.clientId())
                .update();
        if (n == 0) {
            return false;
        }
        jdbc.sql("DELETE FROM b2c_callback_device WHERE callback_id = ?").param(id).update();
        insertDevices(id, s.devices());
        return true;
    }

    private void insertDevices(String id, List<String> devices) {
        for (int i = 0; i < devices.size(); i++) {
            jdbc.sql("INSERT INTO b2c_callback_device (callback_id, position, token) VALUES (?, ?, ?)")
                    .params(id, i, devices.get(i)).update();
        }
    }

    Optional<Stored> find(String id, Owner owner) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_callback WHERE id = ? AND account_id = ? AND client_id = ?")
                .params(id, owner.accountId(), owner.clientId()).query(this::row).optional().map(this::withDevices);
    }

    /** Whoever owns it: for the delivery engine only. */
    Optional<Stored> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_callback WHERE id = ?").param(id).query(this::row)
                .optional().map(this::withDevices);
    }

    /** The owner's callbacks serving any of {@code types} (all when empty), oldest first. */
    List<Stored> page(Owner owner, Set<Type> types, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Stored> rows = jdbc.sql("SELECT " + COLUMNS + " FROM b2c_callback WHERE account_id = ? AND client_id = ?"
                + typeCondition(types) + " ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(owner.accountId(), owner.clientId(), limit, offset).query(this::row).list();
        List<Stored> withDevices = new ArrayList<>(rows.size());
        rows.forEach(r -> withDevices.add(withDevices(r)));
        return withDevices;
    }

    int count(Owner owner, Set<Type> types) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_callback WHERE account_id = ? AND client_id = ?"
                + typeCondition(types)).params(owner.accountId(), owner.clientId()).query(Integer.class).single();
    }

    /** A callback without types serves both; the condition is built from the enum only, never from input. */
    private static String typeCondition(Set<Type> types) {
        if (types.isEmpty() || types.size() == Type.values().length) {
            return "";
        }
        return " AND (types IS NULL" + types.stream().map(t -> " OR types LIKE '%" + t.name() + "%'")
                .collect(Collectors.joining()) + ")";
    }

    /** Sets a new status unless the callback has failed; empty when the owner has no such callback. */
    Optional<Status> setStatus(String id, Owner owner, Status status, Instant now) {
        Optional<Status> current = jdbc.sql("""
                SELECT status FROM b2c_callback WHERE id = ? AND account_id = ? AND client_id = ? FOR UPDATE""")
                .params(id, owner.accountId(), owner.clientId()).query(String.class).optional().map(Status::valueOf);
        if (current.isEmpty() || current.get() == Status.Failed) {
            return current;
        }
        jdbc.sql("UPDATE b2c_callback SET status = ?, updated_at = ? WHERE id = ?")
                .params(status.name(), Timestamp.from(now), id).update();
        return Optional.of(status);
    }

    /** Every callback of the pair fails; answers how many. */
    int failAll(Owner owner, Instant now) {
        return jdbc.sql("""
                UPDATE b2c_callback SET status = 'Failed', updated_at = ?
                WHERE account_id = ? AND client_id = ? AND status <> 'Failed'""")
                .params(Timestamp.from(now), owner.accountId(), owner.clientId()).update();
    }

    boolean delete(String id, Owner owner) {
        return jdbc.sql("DELETE FROM b2c_callback WHERE id = ? AND account_id = ? AND client_id = ?")
                .params(id, owner.accountId(), owner.clientId()).update() > 0;
    }

    /** Removes these devices; answers how many the callback has left, or -1 when there is no such callback. */
    int removeDevices(String id, Set<String> tokens) {
        Optional<String> locked = jdbc.sql("SELECT id FROM b2c_callback WHERE id = ? FOR UPDATE").param(id)
                .query(String.class).optional();
        if (locked.isEmpty()) {
            return -1;
        }
        for (String token : tokens) {
            jdbc.sql("DELETE FROM b2c_callback_device WHERE callback_id = ? AND token = ?").params(id, token).update();
        }
        return jdbc.sql("SELECT COUNT(*) FROM b2c_callback_device WHERE callback_id = ?").param(id)
                .query(Integer.class).single();
    }

    void deleteAnyOwner(String id) {
        jdbc.sql("DELETE FROM b2c_callback WHERE id = ?").param(id).update();
    }

    private Stored withDevices(Stored row) {
        if (row.subscription().channel() != Channel.pushnotif) {
            return row;
        }
        List<String> devices = jdbc.sql("SELECT token FROM b2c_callback_device WHERE callback_id = ? ORDER BY position")
                .param(row.id()).query(String.class).list();
        Subscription s = row.subscription();
        return new Stored(row.id(), row.owner(), new Subscription(s.label(), s.types(), s.channel(), s.name(),
                s.target(), devices, s.attributes()), row.status(), row.createdAt(), row.updatedAt());
    }

    private Stored row(ResultSet rs, int n) throws SQLException {
        String target = rs.getString("target");
        Subscription s = new Subscription(rs.getString("label"), types(rs.getString("types")),
                Channel.valueOf(rs.getString("channel")), rs.getString("webhook_name"),
                target == null ? null : URI.create(target), List.of(), attributes(rs.getString("attributes")));
        return new Stored(rs.getString("id"), new Owner(rs.getLong("account_id"), rs.getString("client_id")), s,
                Status.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static String types(Set<Type> types) {
        return types == null ? null
                : EnumSet.copyOf(types).stream().map(Enum::name).collect(Collectors.joining(","));
    }

    private static Set<Type> types(String column) {
        if (column == null) {
            return null;
        }
        Set<Type> types = EnumSet.noneOf(Type.class);
        for (String t : column.split(",")) {
            types.add(Type.valueOf(t));
        }
        return types;
    }

    private static String attributes(List<Attribute> attributes) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Attribute a : attributes) {
            array.addObject().put("type", a.type().name()).put("key", a.key()).put("value", a.value());
        }
        return JSON.writeValueAsString(array);
    }

    private static List<Attribute> attributes(String column) {
        List<Attribute> attributes = new ArrayList<>();
        for (JsonNode a : JSON.readTree(column)) {
            attributes.add(new Attribute(AttributeType.valueOf(a.get("type").stringValue()), a.get("key").stringValue(),
                    a.get("value").stringValue()));
        }
        return attributes;
    }
}
