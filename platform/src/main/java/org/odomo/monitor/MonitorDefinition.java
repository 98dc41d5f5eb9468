package org.odomo.monitor;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.odomo.monitor.DataPath.Op;
import org.odomo.vehicle.Scopes;

/**
 * A validated monitor: what the app declared, read into types, and the parsed expression.
 *
 * @param refreshEvent seconds between reminders while the expression stays true; null: no reminder
 * @param attributes   the monitor's own attributes, the Body ones going into every notification
 * @param extensions   the {@code extendedEventParam} entries, as given
 */
record MonitorDefinition(String label, Integer refreshEvent, List<Attribute> attributes, List<String> extensions,
        List<Trigger> triggers, BoolExp boolExp) {

    record Attribute(String type, String key, String value) {
    }

    sealed interface Trigger permits ZoneTrigger, TimeTrigger, DataTrigger {
        String name();

        /** The scopes the app needs for this trigger to ever see its data. */
        Set<String> scopes();
    }

    enum Transition {
        In, Out
    }

    /** A circle: fires on entering it ({@code In}) or on leaving it ({@code Out}). */
    record ZoneTrigger(String name, double longitude, double latitude, int radiusKm, Transition transition)
            implements Trigger {
        @Override
        public Set<String> scopes() {
            return Set.of(Scopes.POSITION);
        }
    }

    /** True while the vehicle's data is measured within one of the windows, in {@code zone}'s local time. */
    record TimeTrigger(String name, List<TimeWindow> times, ZoneId zone) implements Trigger {
        @Override
        public Set<String> scopes() {
            // A time window says when, not what: any data scope lets samples reach it.
            return Set.of();
        }
    }

    /**
     * One window. {@code Daily}: from {@code dailyStart} after local midnight for {@code duration},
     * on the given days of week and ISO weeks (all when empty). {@code None}: from the absolute
     * {@code start} for {@code duration}, or for ever when it has none.
     */
    record TimeWindow(boolean daily, Instant start, Duration dailyStart, Duration duration, Set<DayOfWeek> days,
            Set<Integer> weeks) {
    }

    record DataTrigger(String name, DataPath path, Op op, List<String> value, Previous previous) implements Trigger {
        @Override
        public Set<String> scopes() {
            return path.scopes();
        }
    }

    /** The value the data must have had just before, for the first edge to fire. */
    record Previous(Op op, List<String> value) {
    }
}
