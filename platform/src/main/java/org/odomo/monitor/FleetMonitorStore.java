package org.odomo.monitor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.odomo.monitor.MonitorEvaluation.EdgeState;
import org.odomo.monitor.MonitorStore.Status;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The fleet monitor tables: the monitors, each reached through its fleet (a query never names a
 * monitor without its fleet, so no other fleet reads or changes it), and their edge state per
 * vehicle. Callers hold the transaction.
 */
@Component
class FleetMonitorStore {

    record Stored(String id, String fleetId, String definition, Status status, Instant createdAt,
            Instant updatedAt) {
    }

    private static final String COLUMNS = "id, fleet_id, definition, status, created_at, updated_at";

    private final JdbcClient jdbc;

    FleetMonitorStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, String fleetId, String definition, Instant now) {
        jdbc.sql("INSERT INTO fleet_monitor (id, fleet_id, definition, status, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, fleetId, definition, Status.Running.name(), Timestamp.from(now), Timestamp.from(now))
                .update();
    }

    void lockFleet(String fleetId) {
        jdbc.sql("SELECT id FROM fleet WHERE id = ? FOR UPDATE").param(fleetId).query(String.class).optional();
    }

    Optional<Stored> find(String fleetId, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_monitor WHERE id = ? AND fleet_id = ?")
                .params(id, fleetId).query(FleetMonitorStore::row).optional();
    }

    /** By id alone: for the delivery engine, which knows a destination by its id. */
    Optional<Stored> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_monitor WHERE id = ?").param(id)
                .query(FleetMonitorStore::row).optional();
    }

    int count(String fleetId) {
        return jdbc.sql("SELECT COUNT(*) FROM fleet_monitor WHERE fleet_id = ?").param(fleetId)
                .query(Integer.class).single();
    }

    /** Oldest first. */
    List<Stored> page(String fleetId, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_monitor WHERE fleet_id = ? ORDER BY created_at, id"
                + " LIMIT ? OFFSET ?").params(fleetId, limit, offset).query(FleetMonitorStore::row).list();
    }

    /** The fleet's monitors that have not failed, in id order: what the evaluation watches. */
    List<Stored> notFailedOf(String fleetId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_monitor WHERE fleet_id = ? AND status <> 'Failed'"
                + " ORDER BY id").param(fleetId).query(FleetMonitorStore::row).list();
    }

    /**
     * Replaces the definition, keeping id, status and creation time; false when there is no such
     * monitor. The new triggers start from no edge, for every vehicle.
     */
    boolean replace(String fleetId, String id, String definition, Instant now) {
        boolean replaced = jdbc.sql("UPDATE fleet_monitor SET definition = ?, updated_at = ? WHERE id = ?"
                + " AND fleet_id = ?").params(definition, Timestamp.from(now), id, fleetId).update() > 0;
        if (replaced) {
            jdbc.sql("DELETE FROM fleet_monitor_edge WHERE monitor_id = ?").param(id).update();
        }
        return replaced;
    }

    /** Sets a new status unless the monitor has failed; empty when there is no such monitor. */
    Optional<Status> setStatus(String fleetId, String id, Status status, Instant now) {
        Optional<Status> current = jdbc.sql("SELECT status FROM fleet_monitor WHERE id = ? AND fleet_id = ?"
                + " FOR UPDATE").params(id, fleetId).query(String.class).optional().map(Status::valueOf);
        if (current.isEmpty() || current.get() == Status.Failed) {
            return current;
        }
        jdbc.sql("UPDATE fleet_monitor SET status = ?, updated_at = ? WHERE id = ?")
                .params(status.name(), Timestamp.from(now), id).update();
        return Optional.of(status);
    }

    boolean delete(String fleetId, String id) {
        boolean deleted = jdbc.sql("DELETE FROM fleet_monitor WHERE id = ? AND fleet_id = ?").params(id, fleetId)
                .update() > 0;
        if (deleted) {
            jdbc.sql("DELETE FROM fleet_monitor_edge WHERE monitor_id = ?").param(id).update();
        }
        return deleted;
    }

    /** The edges of the vehicles, by {@link #key(String, String)}. */
    Map<String, EdgeState> edgesOf(Collection<String> vins) {
        Map<String, EdgeState> edges = new HashMap<>();
        if (vins.isEmpty()) {
            return edges;
        }
        jdbc.sql("SELECT monitor_id, vin, satisfied, true_triggers, last_notified_at FROM fleet_monitor_edge"
                + " WHERE vin IN (:vins)").param("vins", vins).query(rs -> {
                    edges.put(key(rs.getString("monitor_id"), rs.getString("vin")), edge(rs));
                });
        return edges;
    }

    /**
     * Written by the monitors consumer, which alone handles a vehicle's events, and the tick job,
     * which takes the ShedLock row: update, else insert.
     */
    void writeEdge(String monitorId, String vin, EdgeState edge) {
        Timestamp notified = edge.lastNotifiedAt() == null ? null : Timestamp.from(edge.lastNotifiedAt());
        String names = String.join(",", edge.trueTriggers());
        int updated = jdbc.sql("UPDATE fleet_monitor_edge SET satisfied = ?, true_triggers = ?, last_notified_at = ?"
                + " WHERE monitor_id = ? AND vin = ?").params(edge.satisfied(), names, notified, monitorId, vin)
                .update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO fleet_monitor_edge (monitor_id, vin, satisfied, true_triggers, last_notified_at)"
                    + " VALUES (?, ?, ?, ?, ?)").params(monitorId, vin, edge.satisfied(), names, notified).update();
        }
    }

    /** Forgets the vehicle's edges: it left its fleet, and starts from no edge if it ever comes back. */
    int deleteEdgesOf(String vin) {
        return jdbc.sql("DELETE FROM fleet_monitor_edge WHERE vin = ?").param(vin).update();
    }

    /**
     * The ids of the fleets' running monitors that may change with time alone (a time window, a
     * reminder): a cheap filter on the stored definition, the caller checks the parsed one.
     */
    List<Stored> runningWithTimeTriggersOrReminders(String afterId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_monitor WHERE status = 'Running' AND id > ?"
                + " AND (definition LIKE '%\"times\"%' OR definition LIKE '%\"refreshEvent\"%') ORDER BY id LIMIT ?")
                .params(afterId, limit).query(FleetMonitorStore::row).list();
    }

    static String key(String monitorId, String vin) {
        return monitorId + "/" + vin;
    }

    private static EdgeState edge(ResultSet rs) throws SQLException {
        String names = rs.getString("true_triggers");
        Set<String> trueTriggers = names.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(names.split(",")));
        Timestamp notified = rs.getTimestamp("last_notified_at");
        return new EdgeState(rs.getBoolean("satisfied"), trueTriggers, notified == null ? null : notified.toInstant());
    }

    private static Stored row(ResultSet rs, int n) throws SQLException {
        return new Stored(rs.getString("id"), rs.getString("fleet_id"), rs.getString("definition"),
                Status.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
