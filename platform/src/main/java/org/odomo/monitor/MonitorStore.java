package org.odomo.monitor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The monitor table. Every query of an app's monitors names the whole path it is reached by (the
 * (user, app) pair, the vehicle and the callback), so that no other pair, vehicle or callback ever
 * reads, changes or learns of one. Callers hold the transaction.
 */
@Component
class MonitorStore {

    /** The states of a monitor, spelled as the API's enum. */
    enum Status {
        Running, Paused, Failed
    }

    /** The path a monitor is reached by. */
    record Scope(long accountId, String clientId, String vehicleId, String callbackId) {
    }

    record Stored(String id, String definition, Status status, Instant createdAt, Instant updatedAt) {
    }

    private static final String COLUMNS = "id, definition, status, created_at, updated_at";
    private static final String OWNED = " account_id = ? AND client_id = ? AND vehicle_id = ? AND callback_id = ?";

    private final JdbcClient jdbc;

    MonitorStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, Scope scope, String vin, String definition, Set<String> granted, Instant now) {
        jdbc.sql("""
                INSERT INTO b2c_monitor (id, account_id, client_id, vehicle_id, vin, callback_id, definition, status,
                    created_at, updated_at, granted_scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, scope.accountId(), scope.clientId(), scope.vehicleId(), vin, scope.callbackId(), definition,
                        Status.Running.name(), Timestamp.from(now), Timestamp.from(now), scopes(granted))
                .update();
    }

    Optional<Stored> find(String id, Scope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_monitor WHERE id = ? AND" + OWNED)
                .params(id, scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId())
                .query(MonitorStore::row).optional();
    }

    int count(Scope scope) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_monitor WHERE" + OWNED)
                .params(scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId())
                .query(Integer.class).single();
    }

    /** Oldest first. */
    List<Stored> page(Scope scope, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_monitor WHERE" + OWNED
                + " ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId(), limit, offset)
                .query(MonitorStore::row).list();
    }

    /**
     * Replaces the definition, keeping id, status and creation time; false when there is no such
     * monitor. The new triggers start from no edge: the old ones' state says nothing about them.
     */
    boolean replace(String id, Scope scope, String definition, Set<String> granted, Instant now) {
        boolean replaced = jdbc.sql("UPDATE b2c_monitor SET definition = ?, granted_scopes = ?, updated_at = ?"
                + " WHERE id = ? AND" + OWNED)
                .params(definition, scopes(granted), Timestamp.from(now), id, scope.accountId(), scope.clientId(), scope.vehicleId(),
                        scope.callbackId())
                .update() > 0;
        if (replaced) {
            deleteEdge(id);
        }
        return replaced;
    }

    private void deleteEdge(String id) {
        jdbc.sql("DELETE FROM b2c_monitor_edge WHERE monitor_id = ?").param(id).update();
    }

    /** Sets a new status unless the monitor has failed; empty when there is no such monitor. */
    Optional<Status> setStatus(String id, Scope scope, Status status, Instant now) {
        Optional<Status> current = jdbc.sql("SELECT status FROM b2c_monitor WHERE id = ? AND" + OWNED + " FOR UPDATE")
                .params(id, scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId())
                .query(String.class).optional().map(Status::valueOf);
        if (current.isEmpty() || current.get() == Status.Failed) {
            return current;
        }
        jdbc.sql("UPDATE b2c_monitor SET status = ?, updated_at = ? WHERE id = ?")
                .params(status.name(), Timestamp.from(now), id).update();
        return Optional.of(status);
    }

    boolean delete(String id, Scope scope) {
        boolean deleted = jdbc.sql("DELETE FROM b2c_monitor WHERE id = ? AND" + OWNED)
                .params(id, scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId()).update() > 0;
        if (deleted) {
            deleteEdge(id);
        }
        return deleted;
    }

    int deleteOfCallback(String callbackId) {
        jdbc.sql("DELETE FROM b2c_monitor_edge WHERE monitor_id IN (SELECT id FROM b2c_monitor WHERE callback_id = ?)")
                .param(callbackId).update();
        return jdbc.sql("DELETE FROM b2c_monitor WHERE callback_id = ?").param(callbackId).update();
    }

    /** Every monitor of the pair fails; answers how many. */
    int failAll(long accountId, String clientId, Instant now) {
        return jdbc.sql("""
                UPDATE b2c_monitor SET status = 'Failed', updated_at = ?
                WHERE account_id = ? AND client_id = ? AND status <> 'Failed'""")
                .params(Timestamp.from(now), accountId, clientId).update();
    }

    /**
     * Fails the vehicle's monitors that do not belong to its owner (all of them when it has none):
     * answers how many.
     */
    int failOfVehicleNotOwnedBy(String vin, Long ownerId, Instant now) {
        if (ownerId == null) {
            return jdbc.sql("UPDATE b2c_monitor SET status = 'Failed', updated_at = ? WHERE vin = ? AND status <> 'Failed'")
                    .params(Timestamp.from(now), vin).update();
        }
        return jdbc.sql("""
                UPDATE b2c_monitor SET status = 'Failed', updated_at = ?
                WHERE vin = ? AND account_id <> ? AND status <> 'Failed'""")
                .params(Timestamp.from(now), vin, ownerId).update();
    }

    /** The vehicle's monitors that have not failed: id to stored definition. */
    Map<String, String> notFailedOf(String vin) {
        Map<String, String> found = new LinkedHashMap<>();
        jdbc.sql("SELECT id, definition FROM b2c_monitor WHERE vin = ? AND status <> 'Failed' ORDER BY id").param(vin)
                .query(rs -> {
                    found.put(rs.getString("id"), rs.getString("definition"));
                });
        return found;
    }

    /** Fails these monitors (those not failed already); answers how many. */
    int fail(Collection<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("UPDATE b2c_monitor SET status = 'Failed', updated_at = :now WHERE id IN (:ids)"
                + " AND status <> 'Failed'").param("now", Timestamp.from(now)).param("ids", ids).update();
    }

    private static String scopes(Set<String> granted) {
        return String.join(" ", new TreeSet<>(granted));
    }

    private static Stored row(ResultSet rs, int n) throws SQLException {
        return new Stored(rs.getString("id"), rs.getString("definition"), Status.valueOf(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
