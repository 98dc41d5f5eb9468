package org.odomo.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Paged reads of the history over sets of time windows, newest first, for the API's collections.
 */
@Service
public class HistoryQueries {

    private final JdbcTemplate jdbc;

    HistoryQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Page<T>(List<T> items, long total) {
    }

    public Page<VehicleHistory.AlertRecord> alerts(String vin, List<TimeWindow> windows, int offset, int limit) {
        String where = "vin = ? AND " + windows("started_at", windows);
        long total = count("alert", where, vin, windows);
        List<VehicleHistory.AlertRecord> items = jdbc.query("SELECT " + VehicleHistory.ALERT_COLUMNS
                + " FROM alert WHERE " + where + " ORDER BY started_at DESC, id LIMIT ? OFFSET ?",
                (rs, n) -> VehicleHistory.alertRow(rs), args(vin, windows, limit, offset));
        return new Page<>(items, total);
    }

    public Optional<VehicleHistory.AlertRecord> alert(String vin, String id) {
        return jdbc.query("SELECT " + VehicleHistory.ALERT_COLUMNS + " FROM alert WHERE vin = ? AND id = ?",
                (rs, n) -> VehicleHistory.alertRow(rs), vin, id).stream().findFirst();
    }

    public Page<VehicleHistory.CollisionRecord> collisions(String vin, List<TimeWindow> windows, int offset, int limit) {
        String where = "vin = ? AND " + windows("occurred_at", windows);
        long total = count("collision", where, vin, windows);
        List<VehicleHistory.CollisionRecord> items = jdbc.query("SELECT " + VehicleHistory.COLLISION_COLUMNS
                + " FROM collision WHERE " + where + " ORDER BY occurred_at DESC, id LIMIT ? OFFSET ?",
                (rs, n) -> VehicleHistory.collisionRow(rs), args(vin, windows, limit, offset));
        return new Page<>(items, total);
    }

    public Optional<VehicleHistory.CollisionRecord> collision(String vin, String id) {
        return jdbc.query("SELECT " + VehicleHistory.COLLISION_COLUMNS + " FROM collision WHERE vin = ? AND id = ?",
                (rs, n) -> VehicleHistory.collisionRow(rs), vin, id).stream().findFirst();
    }

    public Page<VehicleHistory.AlarmRecord> alarms(String vin, List<TimeWindow> windows, List<String> kinds, int offset,
            int limit) {
        String kindFilter = kinds.isEmpty() ? "" : " AND kind IN (" + String.join(",", kinds.stream().map(k -> "?").toList()) + ")";
        String where = "vin = ? AND " + windows("measured_at", windows) + kindFilter;
        List<Object> params = new ArrayList<>(List.of(args(vin, windows)));
        params.addAll(kinds);
        long total = jdbc.queryForObject("SELECT COUNT(*) FROM alarm_event WHERE " + where, Long.class, params.toArray());
        params.add(limit);
        params.add(offset);
        List<VehicleHistory.AlarmRecord> items = jdbc.query("SELECT id, vin, kind, measured_at, body FROM alarm_event "
                + "WHERE " + where + " ORDER BY measured_at DESC, id LIMIT ? OFFSET ?",
                (rs, n) -> new VehicleHistory.AlarmRecord(rs.getString(1), rs.getString(2).trim(), rs.getString(3),
                        instant(rs, 4), rs.getString(5)), params.toArray());
        return new Page<>(items, total);
    }

    public Optional<VehicleHistory.AlarmRecord> alarm(String vin, String id) {
        return jdbc.query("SELECT id, vin, kind, measured_at, body FROM alarm_event WHERE vin = ? AND id = ?",
                (rs, n) -> new VehicleHistory.AlarmRecord(rs.getString(1), rs.getString(2).trim(), rs.getString(3),
                        instant(rs, 4), rs.getString(5)), vin, id).stream().findFirst();
    }

    /**
     * Stored messages in the windows, newest first; with {@code mustContain}, only those whose
     * stored JSON holds one of these keys (for instance {@code "energies"}).
     */
    public Page<VehicleHistory.StoredMessage> messages(String vin, List<TimeWindow> windows, List<String> mustContain,
            int offset, int limit) {
        StringBuilder where = new StringBuilder("vin = ? AND " + windows("measured_at", windows));
        List<Object> params = new ArrayList<>(List.of(args(vin, windows)));
        if (!mustContain.isEmpty()) {
            where.append(" AND (");
            for (int i = 0; i < mustContain.size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("body LIKE ?");
                params.add("%\"" + mustContain.get(i) + "\":%");
            }
            where.append(")");
        }
        long total = jdbc.queryForObject("SELECT COUNT(*) FROM vehicle_message WHERE " + where, Long.class,
                params.toArray());
        params.add(limit);
        params.add(offset);
        List<VehicleHistory.StoredMessage> items = jdbc.query("SELECT vin, msg_id, type, measured_at, received_at, body "
                + "FROM vehicle_message WHERE " + where + " ORDER BY measured_at DESC, msg_id LIMIT ? OFFSET ?",
                (rs, n) -> new VehicleHistory.StoredMessage(rs.getString(1).trim(), rs.getString(2), rs.getString(3),
                        instant(rs, 4), instant(rs, 5), rs.getString(6)), params.toArray());
        return new Page<>(items, total);
    }

    public Optional<VehicleHistory.StoredMessage> message(String vin, String id) {
        return jdbc.query("SELECT vin, msg_id, type, measured_at, received_at, body FROM vehicle_message "
                + "WHERE vin = ? AND msg_id = ?", (rs, n) -> new VehicleHistory.StoredMessage(rs.getString(1).trim(),
                        rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5), rs.getString(6)), vin, id)
                .stream().findFirst();
    }

    /** The latest maintenance record. */
    public Optional<VehicleHistory.MaintenanceRecord> latestMaintenance(String vin) {
        return jdbc.query("""
                SELECT vin, measured_at, days_before, mileage_before FROM maintenance_record
                WHERE vin = ? ORDER BY measured_at DESC LIMIT 1""",
                (rs, n) -> new VehicleHistory.MaintenanceRecord(rs.getString(1).trim(), instant(rs, 2),
                        rs.getObject(3, Integer.class), rs.getObject(4, Double.class)), vin).stream().findFirst();
    }

    private long count(String table, String where, String vin, List<TimeWindow> windows) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE " + where, Long.class, args(vin, windows));
    }

    private static String windows(String column, List<TimeWindow> windows) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            parts.add("(" + column + " >= ? AND " + column + " < ?)");
        }
        return "(" + String.join(" OR ", parts) + ")";
    }

    private static Object[] args(String vin, List<TimeWindow> windows, Object... tail) {
        List<Object> args = new ArrayList<>();
        args.add(vin);
        for (TimeWindow w : windows) {
            args.add(w.from().atOffset(ZoneOffset.UTC));
            args.add(w.to().atOffset(ZoneOffset.UTC));
        }
        args.addAll(List.of(tail));
        return args.toArray();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
