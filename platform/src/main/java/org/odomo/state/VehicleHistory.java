package org.odomo.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads of the current state and the stored history. */
@Service
public class VehicleHistory {

    private final JdbcTemplate jdbc;
    private final CurrentStateCache currentStates;
    private final JsonMapper json = JsonMapper.builder().build();

    VehicleHistory(JdbcTemplate jdbc, CurrentStateCache currentStates) {
        this.jdbc = jdbc;
        this.currentStates = currentStates;
    }

    /**
     * The vehicle's current state, shared with other readers for up to a second (see
     * {@link CurrentStateCache}): callers must not modify its parts.
     */
    public Optional<VehicleState> current(String vin) {
        return currentStates.get(vin, () -> load(vin));
    }

    private Optional<VehicleState> load(String vin) {
        return jdbc.query("SELECT vin, doc, version, updated_at FROM vehicle_state WHERE vin = ?",
                (rs, n) -> new VehicleState(rs.getString(1).trim(), (ObjectNode) json.readTree(rs.getString(2)),
                        instant(rs, 4), rs.getLong(3)), vin).stream().findFirst();
    }

    public record StoredMessage(String vin, String id, String type, Instant measuredAt, Instant receivedAt, String body) {
    }

    public record PositionRecord(String vin, String messageId, Instant measuredAt, double longitude, double latitude,
            Double altitude, Integer heading, Integer signalQuality, String type, String fixStatus, Double speed) {
    }

    /**
     * An alert, with where it started and ended: the coordinates, altitude and measurement time of
     * the position used (absent when the vehicle's privacy mode kept it in the car).
     */
    public record AlertRecord(String id, String vin, String type, String severity, boolean active, Instant startedAt,
            Instant endAt, Double startLongitude, Double startLatitude, Double endLongitude, Double endLatitude,
            Instant createdAt, Instant updatedAt, Double startAltitude, Instant startPositionAt, Double endAltitude,
            Instant endPositionAt) {
    }

    /** Columns read by {@link #alertRow}. */
    static final String ALERT_COLUMNS = """
            id, vin, type, severity, active, started_at, end_at, start_longitude, start_latitude,
            end_longitude, end_latitude, created_at, updated_at, start_altitude, start_pos_at, end_altitude, end_pos_at""";

    static AlertRecord alertRow(ResultSet rs) throws SQLException {
        return new AlertRecord(rs.getString(1), rs.getString(2).trim(), rs.getString(3), rs.getString(4),
                rs.getBoolean(5), instant(rs, 6), instant(rs, 7), rs.getObject(8, Double.class),
                rs.getObject(9, Double.class), rs.getObject(10, Double.class), rs.getObject(11, Double.class),
                instant(rs, 12), instant(rs, 13), rs.getObject(14, Double.class), instant(rs, 15),
                rs.getObject(16, Double.class), instant(rs, 17));
    }

    /** Columns read by {@link #collisionRow}. */
    static final String COLLISION_COLUMNS =
            "id, vin, occurred_at, details, tipped_over, pedestrian, longitude, latitude, created_at";

    static CollisionRecord collisionRow(ResultSet rs) throws SQLException {
        return new CollisionRecord(rs.getString(1), rs.getString(2).trim(), instant(rs, 3), rs.getString(4),
                rs.getObject(5, Boolean.class), rs.getObject(6, Boolean.class), rs.getObject(7, Double.class),
                rs.getObject(8, Double.class), instant(rs, 9));
    }

    public record CollisionRecord(String id, String vin, Instant occurredAt, String details, Boolean tippedOver,
            Boolean pedestrian, Double longitude, Double latitude, Instant createdAt) {
    }

    public record MaintenanceRecord(String vin, Instant measuredAt, Integer daysBefore, Double mileageBefore) {
    }

    public record AlarmRecord(String id, String vin, String kind, Instant measuredAt, String body) {
    }

    public List<StoredMessage> messages(String vin, Instant from, Instant to, int limit) {
        return jdbc.query("""
                SELECT vin, msg_id, type, measured_at, received_at, body FROM vehicle_message
                WHERE vin = ? AND measured_at >= ? AND measured_at < ? ORDER BY measured_at, msg_id LIMIT ?""",
                (rs, n) -> new StoredMessage(rs.getString(1).trim(), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), rs.getString(6)), vin, odt(from), odt(to), limit);
    }

    /** The vehicle's most recently measured stored message, if any. */
    public Optional<StoredMessage> latestMessage(String vin) {
        return jdbc.query("""
                SELECT vin, msg_id, type, measured_at, received_at, body FROM vehicle_message
                WHERE vin = ? ORDER BY measured_at DESC, msg_id DESC LIMIT 1""",
                (rs, n) -> new StoredMessage(rs.getString(1).trim(), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), rs.getString(6)), vin).stream().findFirst();
    }

    public long messageCount(String vin) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM vehicle_message WHERE vin = ?", Long.class, vin);
    }

    public List<PositionRecord> positions(String vin, Instant from, Instant to, int limit) {
        return jdbc.query("""
                SELECT vin, msg_id, measured_at, longitude, latitude, altitude, heading, signal_quality, fix_type,
                       fix_status, speed
                FROM position_history WHERE vin = ? AND measured_at >= ? AND measured_at < ?
                ORDER BY measured_at, msg_id LIMIT ?""",
                (rs, n) -> new PositionRecord(rs.getString(1).trim(), rs.getString(2), instant(rs, 3), rs.getDouble(4),
                        rs.getDouble(5), (Double) rs.getObject(6, Double.class), rs.getObject(7, Integer.class),
                        rs.getObject(8, Integer.class), rs.getString(9), rs.getString(10),
                        rs.getObject(11, Double.class)), vin, odt(from), odt(to), limit);
    }

    public List<AlertRecord> alerts(String vin) {
        return jdbc.query("SELECT " + ALERT_COLUMNS + " FROM alert WHERE vin = ? ORDER BY started_at, id",
                (rs, n) -> alertRow(rs), vin);
    }

    public List<CollisionRecord> collisions(String vin) {
        return jdbc.query("SELECT " + COLLISION_COLUMNS + " FROM collision WHERE vin = ? ORDER BY occurred_at, id",
                (rs, n) -> collisionRow(rs), vin);
    }

    public List<MaintenanceRecord> maintenance(String vin) {
        return jdbc.query("""
                SELECT vin, measured_at, days_before, mileage_before FROM maintenance_record
                WHERE vin = ? ORDER BY measured_at""",
                (rs, n) -> new MaintenanceRecord(rs.getString(1).trim(), instant(rs, 2), rs.getObject(3, Integer.class),
                        rs.getObject(4, Double.class)), vin);
    }

    public List<AlarmRecord> alarms(String vin) {
        return jdbc.query("SELECT id, vin, kind, measured_at, body FROM alarm_event WHERE vin = ? ORDER BY measured_at, id",
                (rs, n) -> new AlarmRecord(rs.getString(1), rs.getString(2).trim(), rs.getString(3), instant(rs, 4),
                        rs.getString(5)), vin);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime odt(Instant i) {
        return VehicleStateWriter.odt(i);
    }
}
