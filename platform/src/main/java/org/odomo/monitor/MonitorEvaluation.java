package org.odomo.monitor;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.odomo.monitor.DataPath.Op;
import org.odomo.monitor.DataPath.ValueType;
import org.odomo.monitor.MonitorDefinition.DataTrigger;
import org.odomo.monitor.MonitorDefinition.TimeTrigger;
import org.odomo.monitor.MonitorDefinition.TimeWindow;
import org.odomo.monitor.MonitorDefinition.Transition;
import org.odomo.monitor.MonitorDefinition.Trigger;
import org.odomo.monitor.MonitorDefinition.ZoneTrigger;

/**
 * A monitor's triggers as a pure function: from the monitor, its persisted edge state, the
 * vehicle's previous known state and its new one, the new edge state and the notification to send,
 * if any. Nothing here reads a clock, a database or a cache.
 *
 * <p>Triggers that need a transition (a zone's {@code In}/{@code Out}, a data trigger's
 * {@code previous}) fire on the transition and then stay true while their condition holds, so
 * that a reminder can follow; once false, the transition is needed again.
 */
final class MonitorEvaluation {

    private static final double EARTH_RADIUS_KM = 6371.0088;

    private MonitorEvaluation() {
    }

    /** Where a vehicle was, in degrees. */
    record Position(double longitude, double latitude) {
    }

    /**
     * The vehicle's known state at one time: its last position (null when unknown), the last
     * value of each watched data (a list: alerts and trip states are several at once), and when the
     * latest trip known started (null: none yet), which tells a new trip from one a rebuild found
     * in the past.
     */
    record VehicleSample(Instant at, Position position, Map<DataPath, List<String>> data, Instant tripStartedAt) {

        VehicleSample(Instant at, Position position, Map<DataPath, List<String>> data) {
            this(at, position, data, null);
        }
    }

    /**
     * What is persisted between samples.
     *
     * @param satisfied      whether the expression was true at the last sample
     * @param trueTriggers   the triggers that were true at the last sample
     * @param lastNotifiedAt when the last notification (edge or reminder) was due; null: none yet
     */
    record EdgeState(boolean satisfied, Set<String> trueTriggers, Instant lastNotifiedAt) {
        static final EdgeState INITIAL = new EdgeState(false, Set.of(), null);

        EdgeState {
            trueTriggers = Set.copyOf(new TreeSet<>(trueTriggers));
        }
    }

    /** One data that made the expression true: its value now, and before when a previous was declared. */
    record TriggerValue(String data, String value, String previous) {
    }

    record Notification(boolean refresh, Instant at, List<TriggerValue> values) {
    }

    /** The new state (the very same object when nothing changed, so nothing is written) and what to send. */
    record Outcome(EdgeState state, Optional<Notification> notification) {
    }

    static Outcome evaluate(MonitorDefinition monitor, EdgeState state, VehicleSample previous, VehicleSample current) {
        if (previous != null && !current.at().isAfter(previous.at()) && !tripNews(previous, current)) {
            // A sample older than what is known already says nothing new: it never fires.
            return new Outcome(state, Optional.empty());
        }
        Set<String> trueNow = new HashSet<>();
        List<TriggerValue> values = new ArrayList<>();
        for (Trigger t : monitor.triggers()) {
            boolean wasTrue = state.trueTriggers().contains(t.name());
            if (isTrue(t, wasTrue, previous, current)) {
                trueNow.add(t.name());
                if (t instanceof DataTrigger d) {
                    values.add(value(d, previous, current));
                }
            }
        }
        boolean satisfied = monitor.boolExp().evaluate(trueNow::contains);
        Instant notifiedAt = state.lastNotifiedAt();
        Notification notification = null;
        if (satisfied && !state.satisfied()) {
            notification = new Notification(false, current.at(), values);
        } else if (satisfied && monitor.refreshEvent() != null && notifiedAt != null
                && !current.at().isBefore(notifiedAt.plusSeconds(monitor.refreshEvent()))) {
            notification = new Notification(true, current.at(), values);
        }
        if (notification != null) {
            notifiedAt = current.at();
        }
        EdgeState next = new EdgeState(satisfied, trueNow, notifiedAt);
        return new Outcome(next.equals(state) ? state : next, Optional.ofNullable(notification));
    }

    /**
     * Whether a trip started or stopped between the two samples. A trip event carries the time of
     * the trip's first or last message, which the vehicle's sample has usually passed already (the
     * trips are another reader of the log): what makes it news is the trip, not its time.
     */
    static boolean tripNews(VehicleSample previous, VehicleSample current) {
        for (DataPath p : List.of(DataPath.TRIP_START, DataPath.TRIP_STOP)) {
            List<String> now = current.data().get(p);
            if (now != null && !now.equals(previous.data().get(p))) {
                return true;
            }
        }
        return false;
    }

    static boolean isTrue(Trigger t, boolean wasTrue, VehicleSample previous, VehicleSample current) {
        if (t instanceof ZoneTrigger z) {
            return zone(z, wasTrue, previous == null ? null : previous.position(), current.position());
        }
        if (t instanceof TimeTrigger time) {
            return within(time, current.at());
        }
        DataTrigger d = (DataTrigger) t;
        List<String> now = current.data().get(d.path().source());
        List<String> before = previous == null ? null : previous.data().get(d.path().source());
        if (now == null || !matches(d.path(), d.op(), d.value(), now, before)) {
            return false;
        }
        if (d.previous() == null || wasTrue) {
            return true;
        }
        return before != null && matches(d.path(), d.previous().op(), d.previous().value(), before, null);
    }

    static boolean zone(ZoneTrigger z, boolean wasTrue, Position before, Position now) {
        if (now == null) {
            return false;
        }
        boolean inside = inside(z, now);
        boolean wanted = z.transition() == Transition.In ? inside : !inside;
        if (!wanted) {
            return false;
        }
        // Without a previous position there is no transition to see: no fire.
        return wasTrue || (before != null && inside(z, before) != inside);
    }

    static boolean inside(ZoneTrigger z, Position p) {
        return distanceKm(z.latitude(), z.longitude(), p.latitude(), p.longitude()) <= z.radiusKm();
    }

    /** Great-circle distance by the haversine formula. */
    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    static boolean within(TimeTrigger t, Instant at) {
        for (TimeWindow w : t.times()) {
            if (w.daily() ? withinDaily(w, t, at) : withinAbsolute(w, at)) {
                return true;
            }
        }
        return false;
    }

    private static boolean withinAbsolute(TimeWindow w, Instant at) {
        return !at.isBefore(w.start()) && (w.duration() == null || at.isBefore(w.start().plus(w.duration())));
    }

    /**
     * The start is a local time of day (PT14H30M: 14:30 on the zone's clocks, whatever the offset
     * that day); the duration is elapsed time. A window may run past midnight, so the window opened
     * the day before counts too; days and weeks are those of the day a window opens.
     */
    private static boolean withinDaily(TimeWindow w, TimeTrigger t, Instant at) {
        LocalDate today = at.atZone(t.zone()).toLocalDate();
        for (LocalDate day : List.of(today, today.minusDays(1))) {
            if (!w.days().isEmpty() && !w.days().contains(day.getDayOfWeek())) {
                continue;
            }
            if (!w.weeks().isEmpty() && !w.weeks().contains(day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))) {
                continue;
            }
            // In a spring-forward gap, ZonedDateTime.of moves the start later by the gap's length.
            Instant start = ZonedDateTime.of(day, LocalTime.ofSecondOfDay(w.dailyStart().toSeconds()), t.zone())
                    .toInstant();
            if (!at.isBefore(start) && at.isBefore(start.plus(w.duration()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code now} satisfies {@code op value}; {@code before} is the previous value, only for
     * {@code onChange}. Numbers compare as numbers, lists (alerts, trip states) as sets.
     */
    static boolean matches(DataPath path, Op op, List<String> value, List<String> now, List<String> before) {
        boolean list = path.type() == ValueType.LIST;
        switch (op) {
            case onChange:
                if (path == DataPath.TRIP_START || path == DataPath.TRIP_STOP || path == DataPath.TRIP) {
                    // The first trip seen is a change too: a trip started (or stopped), whatever came before.
                    return !now.equals(before);
                }
                return before != null && (list ? !new HashSet<>(now).equals(new HashSet<>(before)) : !now.equals(before));
            case equalsTo:
                if (list) {
                    return now.contains(value.get(0));
                }
                return !now.isEmpty() && same(path, now.get(0), value.get(0));
            case includedIn:
                if (list) {
                    return now.stream().anyMatch(value::contains);
                }
                return !now.isEmpty() && value.stream().anyMatch(v -> same(path, now.get(0), v));
            case greaterThan:
                return !now.isEmpty() && compare(now.get(0), value.get(0)) == 1;
            case lowerThan:
                return !now.isEmpty() && compare(now.get(0), value.get(0)) == -1;
            default:
                throw new IllegalArgumentException(op.name());
        }
    }

    private static boolean same(DataPath path, String a, String b) {
        if (path.type() == ValueType.INTEGER || path.type() == ValueType.NUMBER) {
            return compare(a, b) == 0;
        }
        return a.equals(b);
    }

    /** What {@link #compare} answers when a value is not a number: neither below, equal nor above. */
    private static final int NOT_COMPARABLE = 2;

    /** -1, 0 or 1; a value that is not a number compares as {@link #NOT_COMPARABLE}. */
    private static int compare(String a, String b) {
        try {
            return Integer.signum(new BigDecimal(a).compareTo(new BigDecimal(b)));
        } catch (NumberFormatException e) {
            return NOT_COMPARABLE;
        }
    }

    private static TriggerValue value(DataTrigger d, VehicleSample previous, VehicleSample current) {
        List<String> before = previous == null ? null : previous.data().get(d.path().source());
        String prior = d.previous() != null && before != null ? String.join(",", before) : null;
        return new TriggerValue(d.path().wireName(), String.join(",", current.data().get(d.path().source())), prior);
    }
}
