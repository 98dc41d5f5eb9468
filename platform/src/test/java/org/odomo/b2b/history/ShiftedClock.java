package org.odomo.b2b.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The real time, shifted by what a test sets: to have vehicles join a fleet at chosen past times. */
final class ShiftedClock extends Clock {

    private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

    /** Runs {@code action} while the clock reads {@code at}'s time (give or take the action's duration). */
    void at(Instant at, Runnable action) {
        shift.set(Duration.between(Instant.now(), at));
        try {
            action.run();
        } finally {
            shift.set(Duration.ZERO);
        }
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
