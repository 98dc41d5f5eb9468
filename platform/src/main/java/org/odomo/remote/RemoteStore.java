package org.odomo.remote;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The remote tables. Every query of an app's actions names its owner, vehicle and callback, so
 * that another (user, app) pair never reads one. Callers hold the transaction.
 */
@Component
class RemoteStore {

    /**
     * Who an action belongs to: a (user, app) pair, its vehicle and callback; or, for a fleet
     * remote, the fleet (account 0, client {@code fleet/<fleet id>}, which no pair has), the vehicle
     * and the fleet's remote callback.
     */
    record Scope(long accountId, String clientId, String vehicleId, String callbackId) {

        private static final String FLEET = "fleet/";

        static Scope fleet(String fleetId, String vehicleId, String callbackId) {
            return new Scope(0, FLEET + fleetId, vehicleId, callbackId);
        }

        boolean fleet() {
            return accountId == 0 && clientId.startsWith(FLEET);
        }

        /** The fleet of a fleet remote. */
        String fleetId() {
            return clientId.substring(FLEET.length());
        }
    }

    record Stored(String id, Scope scope, String vin, String action, String body, RemoteStatus status,
            String failureCause, String feedbackDetail, boolean acknowledged, Instant sentAt, Instant deadlineAt,
            long version, Instant createdAt, Instant updatedAt) {
    }

    record Transition(int seq, RemoteStatus status, String failureCause, String feedbackDetail, Instant at) {
    }

    private static final String COLUMNS = "id, account_id, client_id, vehicle_id, callback_id, vin, action, body,"
            + " status, failure_cause, feedback_detail, acknowledged, sent_at, deadline_at, version, created_at,"
            + " updated_at";

    private final JdbcClient jdbc;

    RemoteStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the vehicle's row (creating it), which serialises the remote requests of one vehicle. */
    Link lockVehicle(String vin) {
        if (jdbc.sql("UPDATE b2c_remote_vehicle SET vin = vin WHERE vin = ?").param(vin).update() == 0) {
            jdbc.sql("INSERT INTO b2c_remote_vehicle (vin, last_contact_at, asleep) VALUES (?, NULL, FALSE)"
                    + " ON CONFLICT DO NOTHING").param(vin).update();
        }
        return jdbc.sql("SELECT last_contact_at, asleep FROM b2c_remote_vehicle WHERE vin = ? FOR UPDATE").param(vin)
                .query((rs, n) -> new Link(instant(rs, 1), rs.getBoolean(2))).single();
    }

    /** What the platform last heard from a vehicle. */
    record Link(Instant lastContactAt, boolean asleep) {
    }

    /** Records a contact, keeping the latest (messages of one batch may come in any order across nodes). */
    void contact(String vin, Instant at, Boolean asleep) {
        int n = jdbc.sql("""
                UPDATE b2c_remote_vehicle SET asleep = CASE WHEN last_contact_at IS NULL OR last_contact_at <= ?
                    THEN ? ELSE asleep END,
                    last_contact_at = CASE WHEN last_contact_at IS NULL OR last_contact_at < ? THEN ? ELSE last_contact_at END
                WHERE vin = ?""")
                .params(ts(at), asleep != null && asleep, ts(at), ts(at), vin).update();
        if (n == 0) {
            jdbc.sql("INSERT INTO b2c_remote_vehicle (vin, last_contact_at, asleep) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(vin, ts(at), asleep != null && asleep).update();
        }
    }

    /** Which of these vehicles have actions in progress. */
    List<String> pendingVins(Collection<String> vins) {
        List<String> found = new java.util.ArrayList<>();
        for (List<String> chunk : chunks(vins)) {
            found.addAll(jdbc.sql("SELECT DISTINCT vin FROM b2c_remote WHERE done = FALSE AND vin IN (" + marks(chunk)
                    + ")").params(new java.util.ArrayList<Object>(chunk)).query(String.class).list());
        }
        return found.stream().map(String::trim).toList();
    }

    /**
     * Records the last contacts of the vehicles the remotes follow (those with a row: a vehicle's
     * first remote creates it); the others are not written, so that ordinary traffic costs one read.
     */
    void contacts(Map<String, Remotes.Contact> contacts) {
        for (List<String> chunk : chunks(contacts.keySet())) {
            List<String> followed = jdbc.sql("SELECT vin FROM b2c_remote_vehicle WHERE vin IN (" + marks(chunk) + ")")
                    .params(new java.util.ArrayList<Object>(chunk)).query(String.class).list();
            for (String vin : new java.util.TreeSet<>(followed)) {
                Remotes.Contact c = contacts.get(vin.trim());
                contact(vin.trim(), c.at(), c.asleep());
            }
        }
    }

    private static List<List<String>> chunks(Collection<String> values) {
        List<String> all = List.copyOf(values);
        List<List<String>> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i += 500) {
            chunks.add(all.subList(i, Math.min(all.size(), i + 500)));
        }
        return chunks;
    }

    void insert(Stored s) {
        jdbc.sql("INSERT INTO b2c_remote (" + COLUMNS + ", done) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")
                .params(s.id(), s.scope().accountId(), s.scope().clientId(), s.scope().vehicleId(),
                        s.scope().callbackId(), s.vin(), s.action(), s.body(), s.status().name(), s.failureCause(),
                        s.feedbackDetail(), s.acknowledged(), ts(s.sentAt()), ts(s.deadlineAt()), s.version(),
                        ts(s.createdAt()), ts(s.updatedAt()), s.status().done())
                .update();
    }

    /** Writes the action's new state, checking that nobody changed it meanwhile (the caller holds its row lock). */
    void update(Stored s) {
        int n = jdbc.sql("""
                UPDATE b2c_remote SET status = ?, done = ?, failure_cause = ?, feedback_detail = ?, acknowledged = ?,
                    sent_at = ?, deadline_at = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?""")
                .params(s.status().name(), s.status().done(), s.failureCause(), s.feedbackDetail(), s.acknowledged(),
                        ts(s.sentAt()), ts(s.deadlineAt()), s.version() + 1, ts(s.updatedAt()), s.id(), s.version())
                .update();
        if (n != 1) {
            throw new IllegalStateException("remote action " + s.id() + " changed while it was being updated");
        }
    }

    void transition(String id, int seq, RemoteStatus status, String failureCause, String feedbackDetail, Instant at) {
        jdbc.sql("INSERT INTO b2c_remote_transition (remote_id, seq, status, failure_cause, feedback_detail, at)"
                + " VALUES (?, ?, ?, ?, ?, ?)").params(id, seq, status.name(), failureCause, feedbackDetail, ts(at))
                .update();
    }

    int nextSeq(String id) {
        return jdbc.sql("SELECT COALESCE(MAX(seq), 0) + 1 FROM b2c_remote_transition WHERE remote_id = ?").param(id)
                .query(Integer.class).single();
    }

    List<Transition> transitions(String id) {
        return jdbc.sql("SELECT seq, status, failure_cause, feedback_detail, at FROM b2c_remote_transition"
                + " WHERE remote_id = ? ORDER BY seq").param(id)
                .query((rs, n) -> new Transition(rs.getInt(1), RemoteStatus.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), instant(rs, 5)))
                .list();
    }

    Optional<Stored> find(Scope scope, String id, Collection<String> actions) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_remote WHERE id = ? AND account_id = ? AND client_id = ?"
                + " AND vehicle_id = ? AND callback_id = ? AND action IN (" + marks(actions) + ")")
                .params(params(List.of(id, scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId()),
                        actions))
                .query(this::row).optional();
    }

    int count(Scope scope, Collection<String> actions) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote WHERE account_id = ? AND client_id = ? AND vehicle_id = ?"
                + " AND callback_id = ? AND action IN (" + marks(actions) + ")")
                .params(params(List.of(scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId()),
                        actions))
                .query(Integer.class).single();
    }

    /** Oldest first. */
    List<Stored> page(Scope scope, Collection<String> actions, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Object> p = params(List.of(scope.accountId(), scope.clientId(), scope.vehicleId(), scope.callbackId()),
                actions);
        p.add(limit);
        p.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_remote WHERE account_id = ? AND client_id = ? AND vehicle_id = ?"
                + " AND callback_id = ? AND action IN (" + marks(actions) + ") ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(p).query(this::row).list();
    }

    /** Locks and reads an action by id, whoever owns it: for the vehicle's answers. */
    Optional<Stored> lock(String id, String vin) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_remote WHERE id = ? AND vin = ? FOR UPDATE").params(id, vin)
                .query(this::row).optional();
    }

    /** The vehicle's pending actions, locked, oldest first. */
    List<Stored> lockPending(String vin) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_remote WHERE vin = ? AND done = FALSE ORDER BY created_at, id"
                + " FOR UPDATE").param(vin).query(this::row).list();
    }

    boolean otherPending(String vin, String action, String exceptId) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote WHERE vin = ? AND action = ? AND done = FALSE AND id <> ?")
                .params(vin, action, exceptId).query(Integer.class).single() > 0;
    }

    int createdSince(String vin, Instant since) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote WHERE vin = ? AND created_at > ?").params(vin, ts(since))
                .query(Integer.class).single();
    }

    void wakeUp(String vin, Instant at, String remoteId) {
        jdbc.sql("INSERT INTO b2c_remote_wake_up (vin, at, remote_id) VALUES (?, ?, ?)").params(vin, ts(at), remoteId)
                .update();
    }

    int wakeUpsSince(String vin, Instant since) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote_wake_up WHERE vin = ? AND at >= ?").params(vin, ts(since))
                .query(Integer.class).single();
    }

    /**
     * Pending actions past their deadline, or sent and unacknowledged since {@code resendBefore},
     * locked; rows another node is working on are passed over.
     */
    List<Stored> lockDue(Instant now, Instant resendBefore, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM b2c_remote WHERE done = FALSE AND (deadline_at <= ?"
                + " OR (status = 'SentToVehicle' AND acknowledged = FALSE AND sent_at <= ?))"
                + " ORDER BY deadline_at, id LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(ts(now), ts(resendBefore), limit).query(this::row).list();
    }

    boolean pendingOfCallback(String callbackId) {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote WHERE callback_id = ? AND done = FALSE").param(callbackId)
                .query(Integer.class).single() > 0;
    }

    int deleteOfCallback(String callbackId) {
        List<String> ids = jdbc.sql("SELECT id FROM b2c_remote WHERE callback_id = ?").param(callbackId)
                .query(String.class).list();
        for (String id : ids) {
            jdbc.sql("DELETE FROM b2c_remote_transition WHERE remote_id = ?").param(id).update();
        }
        return jdbc.sql("DELETE FROM b2c_remote WHERE callback_id = ?").param(callbackId).update();
    }

    private Stored row(ResultSet rs, int n) throws SQLException {
        return new Stored(rs.getString(1), new Scope(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                rs.getString(6).trim(), rs.getString(7), rs.getString(8), RemoteStatus.valueOf(rs.getString(9)),
                rs.getString(10), rs.getString(11), rs.getBoolean(12), instant(rs, 13), instant(rs, 14),
                rs.getLong(15), instant(rs, 16), instant(rs, 17));
    }

    private static String marks(Collection<String> values) {
        return values.isEmpty() ? "NULL" : String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    }

    private static List<Object> params(List<Object> first, Collection<String> more) {
        List<Object> all = new java.util.ArrayList<>(first);
        all.addAll(more);
        return all;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
