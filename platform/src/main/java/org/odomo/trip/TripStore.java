package org.odomo.trip;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.odomo.state.HistoryQueries;
import org.odomo.state.TimeWindow;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The trip tables: SQL that H2 (PostgreSQL mode) and PostgreSQL both run. */
@Component
class TripStore {

    /** A stored trip. */
    record Row(String id, String vin, long version, TripAcc acc, Instant createdAt, Instant updatedAt) {

        Row next(TripAcc changed, Instant now) {
            return new Row(id, vin, version + 1, changed, createdAt, now);
        }
    }

    /** The latest trip of a vehicle, without its aggregates. */
    record Head(String id, long version, Key start, Key last, Key stop, boolean done, TripAcc.End end) {
    }

    private static final String COLUMNS = "id, vin, version, acc, created_at, updated_at";

    private final JdbcTemplate jdbc;

    TripStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Head head(String vin) {
        return jdbc.query("""
                SELECT id, version, started_at, start_msg_id, last_at, last_msg_id, stopped_at, stop_msg_id, done,
                       end_reason
                FROM trip WHERE vin = ? ORDER BY started_at DESC, start_msg_id DESC LIMIT 1""",
                (rs, n) -> new Head(rs.getString(1), rs.getLong(2), new Key(instant(rs, 3), rs.getString(4)),
                        new Key(instant(rs, 5), rs.getString(6)),
                        rs.getString(8) == null ? null : new Key(instant(rs, 7), rs.getString(8)), rs.getBoolean(9),
                        rs.getString(10) == null ? null : TripAcc.End.ofWire(rs.getString(10))), vin)
                .stream().findFirst().orElse(null);
    }

    Optional<Row> load(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM trip WHERE id = ?", (rs, n) -> row(rs), id).stream().findFirst();
    }

    /** Trips that started at or before {@code at}, latest first. */
    List<Row> startedUpTo(String vin, Instant at, int limit) {
        List<Row> rows = jdbc.query("SELECT " + COLUMNS + " FROM trip WHERE vin = ? AND started_at <= ? "
                + "ORDER BY started_at DESC LIMIT ?", (rs, n) -> row(rs), vin, odt(at), limit);
        rows = new ArrayList<>(rows);
        rows.sort(Comparator.comparing((Row r) -> r.acc().start).reversed());
        return rows;
    }

    /** Trips that started at or after {@code at}, in order. */
    List<Row> startedFrom(String vin, Instant at) {
        List<Row> rows = new ArrayList<>(jdbc.query("SELECT " + COLUMNS + " FROM trip WHERE vin = ? AND started_at >= ?",
                (rs, n) -> row(rs), vin, odt(at)));
        rows.sort(Comparator.comparing((Row r) -> r.acc().start));
        return rows;
    }

    /**
     * Whether a sample measured at {@code at} may belong to a stored trip: one spans it, is still
     * open, or ended only because a newer one started (it then reaches to that one's start).
     */
    boolean mayBelongToTrip(String vin, Instant at) {
        Integer n = jdbc.queryForObject("""
                SELECT COUNT(*) FROM trip WHERE vin = ? AND started_at <= ?
                  AND (NOT done OR stopped_at >= ? OR end_reason = 'Next')""", Integer.class, vin, odt(at), odt(at));
        return n != null && n > 0;
    }

    void insert(Row row) {
        TripAcc a = row.acc();
        jdbc.update("""
                INSERT INTO trip (id, vin, started_at, start_msg_id, last_at, last_msg_id, stopped_at, stop_msg_id, done,
                    end_reason, distance_km, duration_s, faults, acc, version, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                row.id(), row.vin(), odt(a.start.at()), a.start.id(), odt(a.last.at()), a.last.id(),
                a.stop == null ? null : odt(a.stop.at()), a.stop == null ? null : a.stop.id(), a.done(),
                a.end == null ? null : a.end.wire, a.distanceKm(), a.durationSeconds(), TripMath.faultCodes(a),
                a.toJson(), row.version(), odt(row.createdAt()), odt(row.updatedAt()));
    }

    /** Replaces a trip if it still has {@code expectedVersion}; false when another writer changed it. */
    boolean update(Row row, long expectedVersion) {
        TripAcc a = row.acc();
        return jdbc.update("""
                UPDATE trip SET started_at = ?, start_msg_id = ?, last_at = ?, last_msg_id = ?, stopped_at = ?,
                    stop_msg_id = ?, done = ?, end_reason = ?, distance_km = ?, duration_s = ?, faults = ?, acc = ?,
                    version = ?, updated_at = ?
                WHERE id = ? AND version = ?""",
                odt(a.start.at()), a.start.id(), odt(a.last.at()), a.last.id(),
                a.stop == null ? null : odt(a.stop.at()), a.stop == null ? null : a.stop.id(), a.done(),
                a.end == null ? null : a.end.wire, a.distanceKm(), a.durationSeconds(), TripMath.faultCodes(a),
                a.toJson(), row.version(), odt(row.updatedAt()), row.id(), expectedVersion) == 1;
    }

    /** Locks a trip that stays as it is, if it still has {@code version}. */
    boolean keep(String id, long version) {
        return jdbc.update("UPDATE trip SET version = version WHERE id = ? AND version = ?", id, version) == 1;
    }

    boolean delete(String id, long version) {
        return jdbc.update("DELETE FROM trip WHERE id = ? AND version = ?", id, version) == 1;
    }

    /** Takes the vehicle's trip lock until the end of the transaction. */
    void lockVehicle(String vin) {
        jdbc.update("INSERT INTO trip_vehicle (vin, version) VALUES (?, 0) ON CONFLICT DO NOTHING", vin);
        jdbc.update("UPDATE trip_vehicle SET version = version + 1 WHERE vin = ?", vin);
    }

    /** Records that the vehicle's trips must be rebuilt from {@code from} (keeps an earlier point). */
    void markRepair(String vin, Key from) {
        jdbc.update("INSERT INTO trip_vehicle (vin, version) VALUES (?, 0) ON CONFLICT DO NOTHING", vin);
        jdbc.update("""
                UPDATE trip_vehicle SET repair_from_at = ?, repair_from_id = ?
                WHERE vin = ? AND (repair_from_at IS NULL OR repair_from_at > ?)""",
                odt(from.at()), from.id(), vin, odt(from.at()));
    }

    record Repair(String vin, Key from) {
    }

    List<Repair> repairs(int limit) {
        return jdbc.query("""
                SELECT vin, repair_from_at, repair_from_id FROM trip_vehicle WHERE repair_from_at IS NOT NULL
                ORDER BY repair_from_at LIMIT ?""",
                (rs, n) -> new Repair(rs.getString(1), new Key(instant(rs, 2), rs.getString(3))), limit);
    }

    void clearRepair(Repair repair) {
        jdbc.update("""
                UPDATE trip_vehicle SET repair_from_at = NULL, repair_from_id = NULL
                WHERE vin = ? AND repair_from_at = ? AND repair_from_id = ?""",
                repair.vin(), odt(repair.from().at()), repair.from().id());
    }

    // ------------------------------------------------------------------ reads for the API

    /** Trips that started in [from, to) (either bound may be null), newest first. */
    List<Row> list(String vin, Instant from, Instant to, int offset, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM trip WHERE vin = ? AND started_at >= ? AND started_at < ? "
                + "ORDER BY started_at DESC, id LIMIT ? OFFSET ?", (rs, n) -> row(rs), vin, odt(lower(from)),
                odt(upper(to)), limit, offset);
    }

    long count(String vin, Instant from, Instant to) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM trip WHERE vin = ? AND started_at >= ? AND started_at < ?",
                Long.class, vin, odt(lower(from)), odt(upper(to)));
        return n == null ? 0 : n;
    }

    /** A page of a fleet's trips, newest first after {@code after}: see {@link HistoryQueries#fleetSelect}. */
    List<Row> fleetList(String fleetId, List<TimeWindow> windows, HistoryQueries.After after, TripFilter filter,
            int limit) {
        List<Object> extra = new ArrayList<>();
        String where = filter.sql(extra);
        return jdbc.query(HistoryQueries.fleetSelect("trip", FLEET_COLUMNS, "started_at", windows, after, where),
                (rs, n) -> row(rs), HistoryQueries.fleetArgs(fleetId, windows, after, limit, extra.toArray()));
    }

    long fleetCount(String fleetId, List<TimeWindow> windows, TripFilter filter) {
        List<Object> extra = new ArrayList<>();
        String where = filter.sql(extra);
        Long n = jdbc.queryForObject(HistoryQueries.fleetCountSelect("trip", "started_at", windows, where), Long.class,
                HistoryQueries.fleetCountArgs(fleetId, windows, extra.toArray()));
        return n == null ? 0 : n;
    }

    Optional<Row> findInFleet(String fleetId, String id) {
        return jdbc.query("SELECT " + FLEET_COLUMNS + " FROM trip h JOIN fleet_vehicle fv ON fv.vin = h.vin "
                + "WHERE h.id = ? AND fv.fleet_id = ? AND h.started_at >= fv.joined_at", (rs, n) -> row(rs), id,
                fleetId).stream().findFirst();
    }

    private static final String FLEET_COLUMNS = "h.id, h.vin, h.version, h.acc, h.created_at, h.updated_at";

    Optional<Row> find(String vin, String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM trip WHERE id = ? AND vin = ?", (rs, n) -> row(rs), id, vin)
                .stream().findFirst();
    }

    /** Deletes up to {@code batch} trips whose latest sample is older than {@code cutoff}. */
    int purge(Instant cutoff, int batch) {
        return jdbc.update("DELETE FROM trip WHERE id IN (SELECT id FROM trip WHERE last_at < ? LIMIT ?)",
                odt(cutoff), batch);
    }

    // ------------------------------------------------------------------ mapping

    /** Far enough in the past and future to stand for an open bound, within both databases' range. */
    static final Instant DISTANT_PAST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant DISTANT_FUTURE = Instant.parse("3000-01-01T00:00:00Z");

    private static Instant lower(Instant from) {
        return from == null ? DISTANT_PAST : from;
    }

    private static Instant upper(Instant to) {
        return to == null ? DISTANT_FUTURE : to;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getLong(3), TripAcc.fromJson(rs.getString(4)),
                instant(rs, 5), instant(rs, 6));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
