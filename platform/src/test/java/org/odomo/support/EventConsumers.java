package org.odomo.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.odomo.events.VehicleEventLog;
import org.springframework.jdbc.core.JdbcTemplate;

/** For tests that read what the event log's consumers (trips) make of the messages they sent. */
public final class EventConsumers {

    private EventConsumers() {
    }

    /** Waits until every consumer has handled every event committed so far. */
    public static void awaitCaughtUp(VehicleEventLog log) {
        await("every event consumer at the head of the log").pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(30)).until(log::caughtUp);
    }

    /**
     * Waits until every consumer has handled every event committed before this call, while more
     * keep coming (a live fleet): the head of each partition now is the mark to pass.
     */
    public static void awaitHandledSoFar(JdbcTemplate jdbc, Duration atMost) {
        Map<Integer, Long> heads = new HashMap<>();
        jdbc.query("SELECT part, head FROM event_partition", rs -> {
            heads.put(rs.getInt(1), rs.getLong(2));
        });
        await("every event consumer past the events committed so far").pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).atMost(atMost).until(() -> {
                    boolean[] behind = {false};
                    jdbc.query("SELECT part, pos FROM event_cursor", rs -> {
                        Long head = heads.get(rs.getInt(1));
                        if (head != null && rs.getLong(2) < head) {
                            behind[0] = true;
                        }
                    });
                    return !behind[0];
                });
    }
}
