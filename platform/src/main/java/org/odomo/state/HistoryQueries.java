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

    // ---- fleet-wide lists, paged by keyset

    /**
     * Where a fleet-wide list resumes: the sort key of the last item of the previous page. Lists
     * run newest first, then by VIN and id descending, so the key orders every item.
     */
    public record After(Instant time, String vin, String id) {
    }

    /**
     * The fleet's alerts in the windows, newest first, after {@code after} (null for the first
     * page): only of the vehicles in the fleet now, and of each only those that started once it
     * had joined.
     */
    public List<VehicleHistory.AlertRecord> fleetAlerts(String fleetId, List<TimeWindow> windows, After after,
            int limit) {
        return jdbc.query(fleetSelect("alert", prefixed(VehicleHistory.ALERT_COLUMNS), "started_at", windows, after),
                (rs, n) -> VehicleHistory.alertRow(rs), fleetArgs(fleetId, windows, after, limit));
    }

    /** How many alerts {@link #fleetAlerts} lists in all. */
    public long fleetAlertCount(String fleetId, List<TimeWindow> windows) {
        return fleetCount("alert", "started_at", fleetId, windows);
    }

    /** The fleet's alert with this id, if the fleet may see it (its vehicle is a member and it started after joining). */
    public Optional<VehicleHistory.AlertRecord> fleetAlert(String fleetId, String id) {
        return jdbc.query("SELECT " + prefixed(VehicleHistory.ALERT_COLUMNS) + " FROM alert h JOIN fleet_vehicle fv "
                + "ON fv.vin = h.vin WHERE h.id = ? AND fv.fleet_id = ? AND h.started_at >= fv.joined_at",
                (rs, n) -> VehicleHistory.alertRow(rs), id, fleetId).stream().findFirst();
    }

    /** As {@link #fleetAlerts}, for collisions. */
    public List<VehicleHistory.CollisionRecord> fleetCollisions(String fleetId, List<TimeWindow> windows, After after,
            int limit) {
        return jdbc.query(fleetSelect("collision", prefixed(VehicleHistory.COLLISION_COLUMNS), "occurred_at", windows,
                after), (rs, n) -> VehicleHistory.collisionRow(rs), fleetArgs(fleetId, windows, after, limit));
    }

    public long fleetCollisionCount(String fleetId, List<TimeWindow> windows) {
        return fleetCount("collision", "occurred_at", fleetId, windows);
    }

    public Optional<VehicleHistory.CollisionRecord> fleetCollision(String fleetId, String id) {
        return jdbc.query("SELECT " + prefixed(VehicleHistory.COLLISION_COLUMNS) + " FROM collision h JOIN fleet_vehicle "
                + "fv ON fv.vin = h.vin WHERE h.id = ? AND fv.fleet_id = ? AND h.occurred_at >= fv.joined_at",
                (rs, n) -> VehicleHistory.collisionRow(rs), id, fleetId).stream().findFirst();
    }

    /**
     * The keyset query of a fleet-wide list over table {@code h}: the database walks the (time,
     * vin, id) index backwards from the key and checks each row's vehicle against the fleet's
     * members, whatever the page's depth. The membership is a semi-join (EXISTS) rather than a
     * join: with a join H2 starts from the members and sorts all their rows for every page. The
     * plain bound on the time lets H2 start its index scan at the key; the row-value comparison
     * then orders the rows of that very time. Public for the fleet-wide trip list, which filters
     * on more columns ({@code extraWhere}, whose parameters go after the windows').
     */
    public static String fleetSelect(String table, String columns, String timeColumn, List<TimeWindow> windows,
            After after, String extraWhere) {
        String time = "h." + timeColumn;
        return "SELECT " + columns + " FROM " + table + " h WHERE EXISTS (SELECT 1 FROM fleet_vehicle fv"
                + " WHERE fv.vin = h.vin AND fv.fleet_id = ? AND " + time + " >= fv.joined_at) AND "
                + windows(time, windows) + extraWhere
                + (after == null ? "" : " AND " + time + " <= ? AND (" + time + ", h.vin, h.id) < (?, ?, ?)")
                + " ORDER BY " + time + " DESC, h.vin DESC, h.id DESC LIMIT ?";
    }

    private static String fleetSelect(String table, String columns, String timeColumn, List<TimeWindow> windows,
            After after) {
        return fleetSelect(table, columns, timeColumn, windows, after, "");
    }

    /** The count matching {@link #fleetSelect} without the key and the limit. */
    public static String fleetCountSelect(String table, String timeColumn, List<TimeWindow> windows,
            String extraWhere) {
        return "SELECT COUNT(*) FROM " + table + " h JOIN fleet_vehicle fv ON fv.vin = h.vin"
                + " WHERE fv.fleet_id = ? AND h." + timeColumn + " >= fv.joined_at AND "
                + windows("h." + timeColumn, windows) + extraWhere;
    }

    private long fleetCount(String table, String timeColumn, String fleetId, List<TimeWindow> windows) {
        Long n = jdbc.queryForObject(fleetCountSelect(table, timeColumn, windows, ""), Long.class,
                args(fleetId, windows));
        return n == null ? 0 : n;
    }

    /** Parameters of {@link #fleetSelect}: fleet, windows, {@code extra}, key, limit. */
    public static Object[] fleetArgs(String fleetId, List<TimeWindow> windows, After after, int limit,
            Object... extra) {
        List<Object> args = new ArrayList<>(List.of(args(fleetId, windows)));
        args.addAll(List.of(extra));
        if (after != null) {
            args.add(after.time().atOffset(ZoneOffset.UTC));
            args.add(after.time().atOffset(ZoneOffset.UTC));
            args.add(after.vin());
            args.add(after.id());
        }
        args.add(limit);
        return args.toArray();
    }

    /** Parameters of {@link #fleetCountSelect}: fleet, windows, {@code extra}. */
    public static Object[] fleetCountArgs(String fleetId, List<TimeWindow> windows, Object... extra) {
        List<Object> args = new ArrayList<>(List.of(args(fleetId, windows)));
        args.addAll(List.of(extra));
        return args.toArray();
    }

    private static String prefixed(String columns) {
        StringBuilder out = new StringBuilder();
        for (String column : columns.split(",")) {
            out.append(out.length() == 0 ? "" : ", ").append("h.").append(column.trim());
        }
        return out.toString();
    }

    private long count(String table, String where, String vin, List<TimeWindow> windows) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE " + where, Long.class, args(vin, windows));
    }

    private static String windows(String column, List<TimeWindow> windows) {
        if (windows.isEmpty()) {
            // No window (all of them before the data a reader may see): nothing matches.
            return "(1 = 0)";
        }
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
