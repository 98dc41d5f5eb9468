package org.odomo.access;

import java.util.List;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rate-limit counters every node shares, in the database.
 * <p>
 * Per app: the day window as calls per epoch second ({@code rate_limit_slot}) with their running
 * total, and the calls granted in the current second for the burst limit
 * ({@code rate_limit_state}). A node takes a <em>lease</em>: a number of calls, usable only
 * within one second, that count at once in that second's slot and in its burst count. What the
 * node did not use it gives back later, so the slot ends up holding the calls actually made in
 * that second. Every change happens under the row lock of the app's state row, so the limits
 * hold exactly whatever the number of nodes: the shared counters never grant more than the limit,
 * and what a node was granted but has not used yet is counted as used.
 */
final class RateLimitStore {

    /** Seconds in the day window: a call made in second {@code s} counts until second {@code s + DAY_SECONDS}. */
    static final long DAY_SECONDS = 86_400;
    /** A node that leased for an app within this many seconds shares what is left of its limits. */
    static final long ACTIVE_NODE_SECONDS = 60;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    RateLimitStore(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Calls a node was granted for a second and did not make. */
    record Unused(long second, long calls) {
    }

    /**
     * What a lease gave.
     *
     * @param granted        calls the node may make within the leased second (0: refused)
     * @param dayFree        calls of the day window nobody holds after this lease
     * @param burstFree      calls of the leased second nobody holds after this lease
     * @param dayAllowedAt   when nothing was granted because the day limit is reached: the epoch
     *                       second from which a call fits in the day window again; otherwise -1
     */
    record Lease(long granted, long dayFree, long burstFree, long dayAllowedAt) {
    }

    private record State(long dayUsed, long expiredThrough, long burstSecond, long burstUsed) {
    }

    /**
     * Leases up to {@code want} calls for {@code second}, after giving back {@code unused}: at
     * most a fair share of what is left of either limit (half of it divided by the nodes that
     * served the app in the last minute), and one call at a time near a limit, so that a node
     * holds little that others might need and nothing is refused while calls remain unleased.
     */
    Lease lease(String clientId, String nodeId, long second, long want, long dayLimit, long burstLimit,
            List<Unused> unused) {
        return tx.execute(status -> {
            State state = lock(clientId);
            long dayUsed = state.dayUsed();
            long expiredThrough = state.expiredThrough();
            long burstSecond = state.burstSecond();
            long burstUsed = state.burstUsed();

            long horizon = second - DAY_SECONDS;
            if (expiredThrough < horizon) {
                long expired = jdbc.sql("SELECT COALESCE(SUM(calls), 0) FROM rate_limit_slot WHERE client_id = ? AND slot <= ?")
                        .params(clientId, horizon).query(Long.class).single();
                if (expired != 0) {
                    jdbc.sql("DELETE FROM rate_limit_slot WHERE client_id = ? AND slot <= ?").params(clientId, horizon)
                            .update();
                }
                dayUsed -= expired;
                expiredThrough = horizon;
            }
            for (Unused u : unused) {
                if (u.calls() > 0 && u.second() > expiredThrough) {
                    addToSlot(clientId, u.second(), -u.calls());
                    dayUsed -= u.calls();
                    if (u.second() == burstSecond) {
                        burstUsed -= u.calls();
                    }
                }
            }
            if (second > burstSecond) {
                burstSecond = second;
                burstUsed = 0;
            }
            long nodes = touchNode(clientId, nodeId, second);

            long dayFree = dayLimit - dayUsed;
            long burstFree = burstLimit - burstUsed;
            long granted = Math.min(Math.max(1, want), Math.min(share(dayFree, nodes), share(burstFree, nodes)));
            if (granted > 0) {
                addToSlot(clientId, second, granted);
                dayUsed += granted;
                burstUsed += granted;
            }
            jdbc.sql("""
                    UPDATE rate_limit_state SET day_used = ?, expired_through = ?, burst_second = ?, burst_used = ?
                    WHERE client_id = ?""")
                    .params(dayUsed, expiredThrough, burstSecond, burstUsed, clientId).update();
            long allowedAt = granted == 0 && dayFree <= 0 ? dayAllowedAt(clientId, second, dayUsed - dayLimit + 1) : -1;
            return new Lease(granted, Math.max(0, dayLimit - dayUsed), Math.max(0, burstLimit - burstUsed), allowedAt);
        });
    }

    /** Gives back calls that were leased and not made. */
    void giveBack(String clientId, List<Unused> unused) {
        if (unused.stream().noneMatch(u -> u.calls() > 0)) {
            return;
        }
        tx.executeWithoutResult(status -> {
            State state = lock(clientId);
            long dayUsed = state.dayUsed();
            long burstUsed = state.burstUsed();
            for (Unused u : unused) {
                if (u.calls() > 0 && u.second() > state.expiredThrough()) {
                    addToSlot(clientId, u.second(), -u.calls());
                    dayUsed -= u.calls();
                    if (u.second() == state.burstSecond()) {
                        burstUsed -= u.calls();
                    }
                }
            }
            jdbc.sql("UPDATE rate_limit_state SET day_used = ?, burst_used = ? WHERE client_id = ?")
                    .params(dayUsed, burstUsed, clientId).update();
        });
    }

    /** Half of what is left divided between the active nodes, and at least one call while any is left. */
    static long share(long free, long nodes) {
        return free <= 0 ? 0 : Math.max(1, free / (2 * Math.max(1, nodes)));
    }

    private State lock(String clientId) {
        String select = """
                SELECT day_used, expired_through, burst_second, burst_used FROM rate_limit_state
                WHERE client_id = ? FOR UPDATE""";
        var found = jdbc.sql(select).param(clientId).query(RateLimitStore::state).optional();
        if (found.isPresent()) {
            return found.get();
        }
        try {
            jdbc.sql("""
                    INSERT INTO rate_limit_state (client_id, day_used, expired_through, burst_second, burst_used)
                    VALUES (?, 0, 0, 0, 0) ON CONFLICT DO NOTHING""").param(clientId).update();
        } catch (DataAccessException raceLost) {
            // another node created it in the meantime
        }
        return jdbc.sql(select).param(clientId).query(RateLimitStore::state).single();
    }

    private static State state(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new State(rs.getLong("day_used"), rs.getLong("expired_through"), rs.getLong("burst_second"),
                rs.getLong("burst_used"));
    }

    /** Creates the app's state row in a transaction of its own, before its first lease. */
    void ensureState(String clientId) {
        try {
            tx.executeWithoutResult(status -> jdbc.sql("""
                    INSERT INTO rate_limit_state (client_id, day_used, expired_through, burst_second, burst_used)
                    VALUES (?, 0, 0, 0, 0) ON CONFLICT DO NOTHING""").param(clientId).update());
        } catch (DataAccessException raceLost) {
            // another node created it at the same moment; the lease finds it
        }
    }

    private void addToSlot(String clientId, long slot, long calls) {
        int updated = jdbc.sql("UPDATE rate_limit_slot SET calls = calls + ? WHERE client_id = ? AND slot = ?")
                .params(calls, clientId, slot).update();
        if (updated == 0 && calls > 0) {
            jdbc.sql("INSERT INTO rate_limit_slot (client_id, slot, calls) VALUES (?, ?, ?)").params(clientId, slot, calls)
                    .update();
        }
    }

    /** Records that the node serves the app and answers how many nodes did in the last minute. */
    private long touchNode(String clientId, String nodeId, long second) {
        int updated = jdbc.sql("UPDATE rate_limit_node SET last_second = ? WHERE client_id = ? AND node_id = ?")
                .params(second, clientId, nodeId).update();
        if (updated == 0) {
            jdbc.sql("DELETE FROM rate_limit_node WHERE client_id = ? AND last_second < ?")
                    .params(clientId, second - DAY_SECONDS).update();
            jdbc.sql("INSERT INTO rate_limit_node (client_id, node_id, last_second) VALUES (?, ?, ?)")
                    .params(clientId, nodeId, second).update();
        }
        return jdbc.sql("SELECT COUNT(*) FROM rate_limit_node WHERE client_id = ? AND last_second > ?")
                .params(clientId, second - ACTIVE_NODE_SECONDS).query(Long.class).single();
    }

    /**
     * The first second at which at least {@code excess} of the calls in the window have left it,
     * so that one more fits: the oldest slots leave first.
     */
    private long dayAllowedAt(String clientId, long second, long excess) {
        long after = second - DAY_SECONDS;
        long left = 0;
        while (true) {
            List<long[]> slots = jdbc.sql("""
                    SELECT slot, calls FROM rate_limit_slot WHERE client_id = ? AND slot > ?
                    ORDER BY slot LIMIT 500""").params(clientId, after)
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
            if (slots.isEmpty()) {
                // the limit is below what the window can ever empty to (a plan of 0 calls)
                return second + DAY_SECONDS;
            }
            for (long[] slot : slots) {
                left += slot[1];
                if (left >= excess) {
                    return slot[0] + DAY_SECONDS;
                }
                after = slot[0];
            }
        }
    }
}
