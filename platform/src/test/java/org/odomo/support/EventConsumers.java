package org.odomo.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.odomo.events.VehicleEventLog;

/** For tests that read what the event log's consumers (trips) make of the messages they sent. */
public final class EventConsumers {

    private EventConsumers() {
    }

    /** Waits until every consumer has handled every event committed so far. */
    public static void awaitCaughtUp(VehicleEventLog log) {
        await("every event consumer at the head of the log").pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(30)).until(log::caughtUp);
    }
}
