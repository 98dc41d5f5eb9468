package org.odomo.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The event log's tables: SQL that H2 (PostgreSQL mode) and PostgreSQL both run. */
@Component
class EventLogStore {

    /**
     * An event as the log holds it.
     *
     * @param type    the event's type name in the log
     * @param payload the event as the log stores it (JSON), for those who pass it on unchanged
     */
    record Stored(int part, long pos, Instant appendedAt, VehicleEvent event, String type, String payload) {
    }

    private final JdbcTemplate jdbc;
    private final EventCodec codec = new EventCodec();
    private final int partitions;
    private volatile Boolean postgres;

    EventLogStore(JdbcTemplate jdbc, EventLogProperties settings) {
        this.jdbc = jdbc;
        this.partitions = settings.partitions();
    }

    /** The VIN's partition: {@link String#hashCode()} is specified by the language, so every node agrees. */
    int partitionOf(String vin) {
        return Math.floorMod(vin.hashCode(), partitions);
    }

    int partitions() {
        return partitions;
    }

    /** Creates the configured partitions if the log has none yet; refuses a log cut otherwise. */
    void ensurePartitions() {
        List<Object[]> rows = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            rows.add(new Object[] {p});
        }
        jdbc.batchUpdate("INSERT INTO event_partition (part, head) VALUES (?, 0) ON CONFLICT DO NOTHING", rows);
        Integer existing = jdbc.queryForObject("SELECT COUNT(*) FROM event_partition", Integer.class);
        if (existing == null || existing != partitions) {
            throw new IllegalStateException("the event log has " + existing + " partitions, odomo.events.partitions says "
                    + partitions + ": a vehicle's events would move to another partition and lose their order");
        }
    }

    /**
     * Gives a consumer a cursor in every partition it has none in, at the partition's head: a new
     * consumer starts with the events appended from now on, not with the past.
     */
    void ensureCursors(String consumer, Instant now) {
        List<Object[]> rows = new ArrayList<>();
        jdbc.query("SELECT part, head FROM event_partition ORDER BY part",
                rs -> {
                    rows.add(new Object[] {consumer, rs.getInt(1), rs.getLong(2), odt(now)});
                });
        jdbc.batchUpdate("INSERT INTO event_cursor (consumer, part, pos, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", rows);
    }

    /**
     * Appends the events in the caller's transaction. Each partition's head row is moved past its
     * new events and stays locked until the transaction ends, so that positions are gapless and
     * committed in order; partitions are taken in ascending order, so that two appending
     * transactions never wait for each other in a circle.
     *
     * @return the partitions appended to
     */
    Set<Integer> append(List<VehicleEvent> events, Instant now) {
        // Everything but the positions is made before the partitions are locked.
        TreeMap<Integer, List<Object[]>> byPartition = new TreeMap<>();
        OffsetDateTime appendedAt = odt(now);
        for (VehicleEvent e : events) {
            byPartition.computeIfAbsent(partitionOf(e.vin()), p -> new ArrayList<>()).add(new Object[] {null, null,
                    e.vin(), e.messageId(), EventCodec.typeOf(e), odt(e.at()), odt(e.receivedAt()), appendedAt,
                    codec.payload(e)});
        }
        List<Object[]> bumps = new ArrayList<>(byPartition.size());
        byPartition.forEach((part, list) -> bumps.add(new Object[] {list.size(), part}));
        jdbc.batchUpdate("UPDATE event_partition SET head = head + ? WHERE part = ?", bumps);
        Map<Integer, Long> heads = new HashMap<>();
        String marks = String.join(",", Collections.nCopies(byPartition.size(), "?"));
        jdbc.query("SELECT part, head FROM event_partition WHERE part IN (" + marks + ")",
                rs -> {
                    heads.put(rs.getInt(1), rs.getLong(2));
                }, byPartition.keySet().toArray());
        List<Object[]> rows = new ArrayList<>(events.size());
        byPartition.forEach((part, list) -> {
            long pos = heads.get(part) - list.size();
            for (Object[] row : list) {
                row[0] = part;
                row[1] = ++pos;
                rows.add(row);
            }
        });
        insert(rows);
        return byPartition.keySet();
    }

    private void insert(List<Object[]> rows) {
        if (postgres == null) {
            postgres = "PostgreSQL".equalsIgnoreCase(
                    jdbc.execute((Connection c) -> c.getMetaData().getDatabaseProductName()));
        }
        if (!postgres) {
            jdbc.batchUpdate("""
                    INSERT INTO vehicle_event (part, pos, vin, msg_id, type, measured_at, received_at, appended_at, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
            return;
        }
        // One statement whatever the number of rows: the columns travel as arrays.
        jdbc.execute((Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement("""
                    INSERT INTO vehicle_event (part, pos, vin, msg_id, type, measured_at, received_at, appended_at, payload)
                    SELECT * FROM unnest(?::int4[], ?::int8[], ?::bpchar[], ?::text[], ?::text[], ?::timestamptz[],
                        ?::timestamptz[], ?::timestamptz[], ?::text[])""")) {
                for (int c = 0; c < 9; c++) {
                    String[] values = new String[rows.size()];
                    for (int r = 0; r < values.length; r++) {
                        Object v = rows.get(r)[c];
                        values[r] = v == null ? null : v.toString();
                    }
                    ps.setArray(c + 1, con.createArrayOf("text", values));
                }
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Takes the consumer's cursor in the partition for the caller's transaction.
     *
     * @return the position of the last event it handled, or null when another node holds the cursor
     */
    Long lockCursor(String consumer, int part) {
        List<Long> pos = jdbc.queryForList(
                "SELECT pos FROM event_cursor WHERE consumer = ? AND part = ? FOR UPDATE SKIP LOCKED", Long.class,
                consumer, part);
        return pos.isEmpty() ? null : pos.get(0);
    }

    List<Stored> readAfter(int part, long pos, int limit) {
        return jdbc.query("""
                SELECT pos, appended_at, type, payload FROM vehicle_event WHERE part = ? AND pos > ?
                ORDER BY pos LIMIT ?""",
                (rs, n) -> new Stored(part, rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        codec.read(rs.getString(3), rs.getString(4)), rs.getString(3), rs.getString(4)),
                part, pos, limit);
    }

    void moveCursor(String consumer, int part, long pos, Instant now) {
        jdbc.update("UPDATE event_cursor SET pos = ?, updated_at = ? WHERE consumer = ? AND part = ?", pos, odt(now),
                consumer, part);
    }

    /** Whether the consumers' cursors are at the head of every partition. */
    boolean caughtUp(Collection<String> consumers) {
        if (consumers.isEmpty()) {
            return true;
        }
        String marks = String.join(",", Collections.nCopies(consumers.size(), "?"));
        Integer behind = jdbc.queryForObject("SELECT COUNT(*) FROM event_cursor c JOIN event_partition p "
                + "ON p.part = c.part WHERE c.pos < p.head AND c.consumer IN (" + marks + ")", Integer.class,
                consumers.toArray());
        Integer cursors = jdbc.queryForObject("SELECT COUNT(*) FROM event_cursor WHERE consumer IN (" + marks + ")",
                Integer.class, consumers.toArray());
        return behind != null && behind == 0 && cursors != null && cursors == consumers.size() * partitions;
    }

    /** Per consumer: the events it has yet to handle. */
    Map<String, Long> lagEvents() {
        Map<String, Long> lag = new HashMap<>();
        jdbc.query("SELECT c.consumer, SUM(p.head - c.pos) FROM event_cursor c JOIN event_partition p "
                + "ON p.part = c.part GROUP BY c.consumer", rs -> {
                    lag.put(rs.getString(1), rs.getLong(2));
                });
        return lag;
    }

    /** Per consumer with events to handle: when the oldest of them was appended. */
    Map<String, Instant> oldestUnhandled() {
        Map<String, Instant> oldest = new HashMap<>();
        jdbc.query("SELECT c.consumer, MIN(e.appended_at) FROM event_cursor c JOIN vehicle_event e "
                + "ON e.part = c.part AND e.pos = c.pos + 1 GROUP BY c.consumer", rs -> {
                    oldest.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
                });
        return oldest;
    }

    /**
     * Takes a cluster job for the caller's transaction if no other node holds it and it last ran
     * before {@code dueBefore}; marks it run.
     */
    boolean claimJob(String name, Instant dueBefore, Instant now) {
        List<OffsetDateTime> last = jdbc.queryForList(
                "SELECT last_run FROM event_log_job WHERE name = ? FOR UPDATE SKIP LOCKED", OffsetDateTime.class, name);
        if (last.isEmpty() || !last.get(0).toInstant().isBefore(dueBefore)) {
            return false;
        }
        jdbc.update("UPDATE event_log_job SET last_run = ? WHERE name = ?", odt(now), name);
        return true;
    }

    /**
     * Deletes the events that every consumer has handled, and those appended before
     * {@code cutoff}, each partition in statements of at most {@code chunk} positions, each its
     * own transaction (the caller must not hold one): no delete holds its locks for long.
     */
    long deleteHandledAndOlderThan(Instant cutoff, int chunk) {
        Map<Integer, Long> handled = new TreeMap<>();
        jdbc.query("SELECT part, head FROM event_partition", rs -> {
            handled.put(rs.getInt(1), rs.getLong(2));
        });
        jdbc.query("SELECT part, MIN(pos) FROM event_cursor GROUP BY part", rs -> {
            handled.put(rs.getInt(1), rs.getLong(2));
        });
        long deleted = 0;
        for (Map.Entry<Integer, Long> e : handled.entrySet()) {
            int part = e.getKey();
            // Positions are gapless, so ranges of positions bound each statement. An event older
            // than the cutoff lies below the newest such position, handled or not.
            Long expired = jdbc.queryForObject("SELECT MAX(pos) FROM vehicle_event WHERE part = ? AND appended_at < ?",
                    Long.class, part, odt(cutoff));
            long upTo = Math.max(e.getValue(), expired == null ? 0 : expired);
            Long lowest = jdbc.queryForObject("SELECT MIN(pos) FROM vehicle_event WHERE part = ?", Long.class, part);
            for (long from = lowest == null ? upTo + 1 : lowest; from <= upTo; from += chunk) {
                deleted += jdbc.update("DELETE FROM vehicle_event WHERE part = ? AND pos >= ? AND pos <= ?", part, from,
                        Math.min(upTo, from + chunk - 1));
            }
        }
        return deleted;
    }

    private static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
