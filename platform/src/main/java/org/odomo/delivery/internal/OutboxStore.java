package org.odomo.delivery.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.odomo.delivery.Notification;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery tables. Writes of the producing features run in their transaction; the engine's
 * own writes are short transactions, so that a slow receiver never holds a lock.
 */
@Repository
class OutboxStore {

    /** A stream a node holds, under the lease token it claimed it with. */
    record ClaimedStream(String destinationId, String streamKey, int failures, String leaseToken) {
    }

    /** A notification waiting for delivery. */
    /** @param attributes the producer's own attributes, a JSON array; null when it gave none */
    record Stored(UUID id, Notification.Kind kind, Instant eventTime, String event, String variables,
            String attributes, int attempts) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    OutboxStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * Writes a notification and marks its stream due: at {@code due}, or now once {@code batchSize}
     * are waiting; a stream that waits for a retry keeps its retry time (the new message goes with
     * the retry). Runs in the caller's transaction; the stream row's lock orders the writers of a
     * stream.
     */
    void insert(UUID id, Notification n, String event, String variables, String attributes, Instant now, Instant due,
            int batchSize) {
        for (int tries = 0; tries < 2; tries++) {
            jdbc.update("""
                    INSERT INTO delivery_stream (destination_id, stream_key, pending, failures, updated_at)
                    VALUES (?, ?, 0, 0, ?) ON CONFLICT DO NOTHING""", n.destinationId(), n.streamKey(), at(now));
            int updated = jdbc.update("""
                    UPDATE delivery_stream SET pending = pending + 1, updated_at = ?,
                      next_attempt_at = CASE
                        WHEN failures > 0 AND next_attempt_at IS NOT NULL THEN next_attempt_at
                        WHEN pending + 1 >= ? THEN CAST(? AS TIMESTAMP WITH TIME ZONE)
                        WHEN next_attempt_at IS NULL OR next_attempt_at > ? THEN CAST(? AS TIMESTAMP WITH TIME ZONE)
                        ELSE next_attempt_at END
                    WHERE destination_id = ? AND stream_key = ?""", at(now), batchSize, at(now), at(due), at(due),
                    n.destinationId(), n.streamKey());
            if (updated == 1) {
                jdbc.update("""
                        INSERT INTO delivery_notification (id, destination_id, stream_key, kind, event_time, enqueued_at,
                          event, variables, attributes, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""", id,
                        n.destinationId(), n.streamKey(), n.kind().name(), at(n.eventTime()), at(now), event, variables,
                        attributes);
                return;
            }
            // The clean-up removed the idle stream row between the two statements: write it again.
        }
        throw new IllegalStateException("could not write the stream of " + n.destinationId() + "/" + n.streamKey());
    }

    /** Claims up to {@code limit} due streams that no live lease holds. */
    List<ClaimedStream> claim(String leaseToken, Instant now, Instant leaseUntil, int limit) {
        return transactions.execute(status -> {
            // The due streams are picked in a derived table, then joined back by key and locked: H2
            // locks every row a FOR UPDATE query reads, which on the due-time index alone would be
            // every due stream, and with the candidates in an IN list it read the whole due index
            // again for each claim (tens of milliseconds with ten thousand due streams). Twice as
            // many candidates as wanted, so that another node's locks leave some to take. The due
            // and lease conditions are checked again on the locked row: PostgreSQL re-reads a row
            // that another claim changed meanwhile.
            List<ClaimedStream> due = jdbc.query("""
                    SELECT s.destination_id, s.stream_key, s.failures FROM (
                        SELECT destination_id, stream_key FROM delivery_stream
                        WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                        ORDER BY next_attempt_at LIMIT ?) c
                    JOIN delivery_stream s ON s.destination_id = c.destination_id AND s.stream_key = c.stream_key
                    WHERE s.next_attempt_at <= ? AND (s.lease_until IS NULL OR s.lease_until < ?)
                    LIMIT ? FOR UPDATE SKIP LOCKED""",
                    (rs, i) -> new ClaimedStream(rs.getString(1), rs.getString(2), rs.getInt(3), leaseToken), at(now),
                    at(now), limit * 2, at(now), at(now), limit);
            List<Object[]> rows = new ArrayList<>();
            for (ClaimedStream s : due) {
                rows.add(new Object[] { leaseToken, at(leaseUntil), s.destinationId(), s.streamKey() });
            }
            if (!rows.isEmpty()) {
                jdbc.batchUpdate("UPDATE delivery_stream SET lease_owner = ?, lease_until = ? "
                        + "WHERE destination_id = ? AND stream_key = ?", rows);
            }
            return due;
        });
    }

    /** The stream's waiting notifications, oldest first. */
    List<Stored> open(String destinationId, String streamKey, int limit) {
        return jdbc.query("""
                SELECT id, kind, event_time, event, variables, attributes, attempts FROM delivery_notification
                WHERE destination_id = ? AND stream_key = ? AND completed_at IS NULL ORDER BY seq LIMIT ?""",
                (rs, i) -> new Stored(rs.getObject("id", UUID.class), Notification.Kind.valueOf(rs.getString("kind")),
                        instant(rs, "event_time"), rs.getString("event"), rs.getString("variables"),
                        rs.getString("attributes"), rs.getInt("attempts")),
                destinationId, streamKey, limit);
    }

    /**
     * Marks notifications delivered or dropped and takes them off their stream's count, in one
     * transaction; returns how many were still open (another node may have finished some).
     */
    int complete(String destinationId, String streamKey, List<UUID> ids, String outcome, String reason, Instant now,
            boolean attempted) {
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.execute(status -> {
            List<Object> args = new ArrayList<>(List.of(at(now), outcome, attempted ? 1 : 0));
            args.add(reason);
            args.addAll(ids);
            int done = jdbc.update("UPDATE delivery_notification SET completed_at = ?, outcome = ?, attempts = attempts + ?,"
                    + " drop_reason = ? WHERE completed_at IS NULL AND id IN (" + placeholders(ids.size()) + ")",
                    args.toArray());
            if (done > 0) {
                jdbc.update("UPDATE delivery_stream SET pending = pending - ? WHERE destination_id = ? AND stream_key = ?",
                        done, destinationId, streamKey);
            }
            return done;
        });
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Counts a failed attempt on notifications that stay open. */
    void attempted(List<UUID> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>();
        args.add(at(now));
        args.addAll(ids);
        jdbc.update("UPDATE delivery_notification SET attempts = attempts + 1, last_attempt_at = ? "
                + "WHERE completed_at IS NULL AND id IN (" + placeholders(ids.size()) + ")", args.toArray());
    }

    /**
     * Lets go of a stream: its next attempt at {@code retryAt} when set (a retry, or a paused
     * destination), else at {@code continueAt} when notifications still wait, else none.
     *
     * @return false when the lease was lost meanwhile (another node took the stream over)
     */
    boolean release(ClaimedStream s, int failures, Instant retryAt, Instant continueAt, Instant now) {
        int n;
        if (retryAt != null) {
            n = jdbc.update("""
                    UPDATE delivery_stream SET failures = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL,
                      updated_at = ? WHERE destination_id = ? AND stream_key = ? AND lease_owner = ?""", failures,
                    at(retryAt), at(now), s.destinationId(), s.streamKey(), s.leaseToken());
        } else {
            n = jdbc.update("""
                    UPDATE delivery_stream SET failures = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?,
                      next_attempt_at = CASE WHEN pending > 0 THEN CAST(? AS TIMESTAMP WITH TIME ZONE) ELSE NULL END
                    WHERE destination_id = ? AND stream_key = ? AND lease_owner = ?""", failures, at(now),
                    at(continueAt), s.destinationId(), s.streamKey(), s.leaseToken());
        }
        return n == 1;
    }

    /** Makes every stream of a destination that has something waiting due now. */
    void wake(String destinationId, Instant now) {
        jdbc.update("UPDATE delivery_stream SET next_attempt_at = ? WHERE destination_id = ? AND pending > 0",
                at(now), destinationId);
    }

    record Attempt(String destinationId, Instant at, String channel, String target, boolean received,
            Integer statusCode, long latencyMillis, String error, List<UUID> notificationIds) {
    }

    void log(Attempt a) {
        StringBuilder ids = new StringBuilder();
        for (UUID id : a.notificationIds()) {
            ids.append(ids.isEmpty() ? "" : ",").append(id);
        }
        String error = a.error() == null ? null : a.error().length() > 1000 ? a.error().substring(0, 1000) : a.error();
        String target = a.target().length() > 2000 ? a.target().substring(0, 2000) : a.target();
        jdbc.update("""
                INSERT INTO delivery_attempt (destination_id, attempted_at, channel, target, received, status_code,
                  latency_ms, error, batch_size, notification_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                a.destinationId(), at(a.at()), a.channel(), target, a.received(), a.statusCode(), a.latencyMillis(),
                error, a.notificationIds().size(), ids.toString());
    }

    long countAttempts(String destinationId) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM delivery_attempt WHERE destination_id = ?", Long.class,
                destinationId);
        return n == null ? 0 : n;
    }

    /** A page of a destination's delivery log, newest first. */
    List<Attempt> attempts(String destinationId, int offset, int limit) {
        return jdbc.query("""
                SELECT destination_id, attempted_at, channel, target, received, status_code, latency_ms, error,
                  notification_ids FROM delivery_attempt WHERE destination_id = ?
                ORDER BY attempted_at DESC, id DESC LIMIT ? OFFSET ?""", (rs, i) -> {
            List<UUID> ids = new ArrayList<>();
            for (String id : rs.getString("notification_ids").split(",")) {
                if (!id.isEmpty()) {
                    ids.add(UUID.fromString(id));
                }
            }
            int status = rs.getInt("status_code");
            return new Attempt(rs.getString("destination_id"), instant(rs, "attempted_at"), rs.getString("channel"),
                    rs.getString("target"), rs.getBoolean("received"), rs.wasNull() ? null : status,
                    rs.getLong("latency_ms"), rs.getString("error"), ids);
        }, destinationId, limit, offset);
    }

    /** When the oldest notification that still waits was written. */
    Optional<Instant> oldestOpen() {
        List<Instant> t = jdbc.query("SELECT MIN(enqueued_at) AS t FROM delivery_notification WHERE completed_at IS NULL",
                (rs, i) -> instant(rs, "t"));
        return t.isEmpty() ? Optional.empty() : Optional.ofNullable(t.get(0));
    }

    /** Removes log entries, finished notifications and idle streams older than {@code cutoff}, in batches. */
    int cleanUp(Instant cutoff, int batch) {
        int total = 0;
        total += drain("""
                DELETE FROM delivery_attempt WHERE id IN
                  (SELECT id FROM delivery_attempt WHERE attempted_at < ? LIMIT ?)""", cutoff, batch);
        total += drain("""
                DELETE FROM delivery_notification WHERE id IN
                  (SELECT id FROM delivery_notification WHERE completed_at < ? LIMIT ?)""", cutoff, batch);
        // An idle stream row is written again by the next notification; the pending check under the
        // row's lock keeps a stream that a notification is being written to.
        total += jdbc.update("""
                DELETE FROM delivery_stream WHERE pending = 0 AND next_attempt_at IS NULL AND lease_owner IS NULL
                  AND updated_at < ?""", at(cutoff));
        return total;
    }

    private int drain(String sql, Instant cutoff, int batch) {
        int total = 0;
        int n;
        do {
            n = jdbc.update(sql, at(cutoff), batch);
            total += n;
        } while (n == batch);
        return total;
    }
}
