package org.odomo.trip;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * Where a message sits in a vehicle's measurement order: its measurement time, then its id for
 * messages measured at the same instant. Times are kept to the microsecond, as the database does.
 */
record Key(Instant at, String id) implements Comparable<Key> {

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::at).thenComparing(Key::id);

    Key {
        at = at.truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public int compareTo(Key other) {
        return ORDER.compare(this, other);
    }

    boolean isAfter(Key other) {
        return compareTo(other) > 0;
    }

    boolean isBefore(Key other) {
        return compareTo(other) < 0;
    }
}
