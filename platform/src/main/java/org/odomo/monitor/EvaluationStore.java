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
import org.odomo.monitor.MonitorEvaluation.Position;
import org.odomo.monitor.MonitorEvaluation.VehicleSample;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the evaluation reads and writes: the monitors of a set of vehicles (locked, so that the
 * consumer, the tick job and the API's status changes take turns on a monitor), their edges, and
 * the vehicles' last samples. Callers hold the transaction.
 */
@Component
class EvaluationStore {

    /** A monitor as the evaluation needs it. */
    /** @param grantedScopes the scopes the user had granted the app when it declared the monitor; null: not known */
    record Watched(String id, String vin, long accountId, String clientId, String callbackId,
            MonitorStore.Status status, String definition, Instant updatedAt, Set<String> grantedScopes) {
    }

    private static final String COLUMNS = "id, vin, account_id, client_id, callback_id, status, definition, updated_at, granted_scopes";

    private final JdbcClient jdbc;

    EvaluationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The running and paused monitors of the vehicles, locked until the commit. In id order, so
     * that two lockers of overlapping sets never wait for each other in a circle.
     */
    List<Watched> lockMonitorsOf(Collection<String> vins) {
        if (vins.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_monitor WHERE vin IN (:vins)"
                + " AND status IN ('Running', 'Paused') ORDER BY id FOR UPDATE")
                .param("vins", vins).query(EvaluationStore::watched).list();
    }

    /** The running monitor, locked until the commit; empty when it is gone or no longer running. */
    Optional<Watched> lockRunning(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_monitor WHERE id = ? AND status = 'Running' FOR UPDATE")
                .param(id).query(EvaluationStore::watched).optional();
    }

    /**
     * The ids of the running monitors that may change with time alone: a time window, or a
     * reminder. A cheap filter on the stored definition; the caller checks the parsed one.
     */
    List<String> runningWithTimeTriggersOrReminders(String afterId, int limit) {
        return jdbc.sql("""
                SELECT id FROM b2c_monitor WHERE status = 'Running' AND id > ?
                  AND (definition LIKE '%"times"%' OR definition LIKE '%"refreshEvent"%')
                ORDER BY id LIMIT ?""").params(afterId, limit).query(String.class).list();
    }

    Map<String, EdgeState> edges(Collection<String> monitorIds) {
        Map<String, EdgeState> edges = new HashMap<>();
        if (monitorIds.isEmpty()) {
            return edges;
        }
        jdbc.sql("SELECT monitor_id, satisfied, true_triggers, last_notified_at FROM b2c_monitor_edge"
                + " WHERE monitor_id IN (:ids)").param("ids", monitorIds).query(rs -> {
                    String names = rs.getString("true_triggers");
                    Set<String> trueTriggers = names.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(names.split(",")));
                    Timestamp notified = rs.getTimestamp("last_notified_at");
                    edges.put(rs.getString("monitor_id"), new EdgeState(rs.getBoolean("satisfied"), trueTriggers,
                            notified == null ? null : notified.toInstant()));
                });
        return edges;
    }

    void writeEdge(String monitorId, EdgeState edge) {
        Timestamp notified = edge.lastNotifiedAt() == null ? null : Timestamp.from(edge.lastNotifiedAt());
        String names = String.join(",", edge.trueTriggers());
        // The monitor's row lock makes this the only writer of the edge: update, else insert.
        int updated = jdbc.sql("UPDATE b2c_monitor_edge SET satisfied = ?, true_triggers = ?, last_notified_at = ?"
                + " WHERE monitor_id = ?").params(edge.satisfied(), names, notified, monitorId).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO b2c_monitor_edge (monitor_id, satisfied, true_triggers, last_notified_at)"
                    + " VALUES (?, ?, ?, ?)").params(monitorId, edge.satisfied(), names, notified).update();
        }
    }

    Map<String, VehicleSample> samples(Collection<String> vins) {
        Map<String, VehicleSample> samples = new HashMap<>();
        if (vins.isEmpty()) {
            return samples;
        }
        jdbc.sql("SELECT vin, measured_at, longitude, latitude, data, trip_started_at FROM b2c_monitor_sample WHERE vin IN (:vins)")
                .param("vins", vins).query(rs -> {
                    samples.put(rs.getString("vin"), sample(rs));
                });
        return samples;
    }

    /**
     * Written by the consumer only, which alone handles a vehicle's events (one partition, one node
     * at a time): update, else insert.
     */
    void writeSample(String vin, VehicleSample sample) {
        Double lon = sample.position() == null ? null : sample.position().longitude();
        Double lat = sample.position() == null ? null : sample.position().latitude();
        String data = VehicleSamples.dataJson(sample.data());
        Timestamp at = Timestamp.from(sample.at());
        Timestamp trip = sample.tripStartedAt() == null ? null : Timestamp.from(sample.tripStartedAt());
        int updated = jdbc.sql("UPDATE b2c_monitor_sample SET measured_at = ?, longitude = ?, latitude = ?, data = ?,"
                + " trip_started_at = ? WHERE vin = ?").params(at, lon, lat, data, trip, vin).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO b2c_monitor_sample (vin, measured_at, longitude, latitude, data, trip_started_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)").params(vin, at, lon, lat, data, trip).update();
        }
    }

    private static VehicleSample sample(ResultSet rs) throws SQLException {
        double lon = rs.getDouble("longitude");
        boolean known = !rs.wasNull();
        double lat = rs.getDouble("latitude");
        Timestamp trip = rs.getTimestamp("trip_started_at");
        return new VehicleSample(rs.getTimestamp("measured_at").toInstant(), known ? new Position(lon, lat) : null,
                VehicleSamples.data(rs.getString("data")), trip == null ? null : trip.toInstant());
    }

    private static Watched watched(ResultSet rs, int n) throws SQLException {
        return new Watched(rs.getString("id"), rs.getString("vin"), rs.getLong("account_id"), rs.getString("client_id"),
                rs.getString("callback_id"), MonitorStore.Status.valueOf(rs.getString("status")),
                rs.getString("definition"), rs.getTimestamp("updated_at").toInstant(),
                rs.getString("granted_scopes") == null ? null : Set.of(rs.getString("granted_scopes").split(" ")));
    }
}
