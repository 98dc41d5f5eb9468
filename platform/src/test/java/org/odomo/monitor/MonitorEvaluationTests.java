package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.monitor.DataPath.Op;
import org.odomo.monitor.MonitorDefinition.DataTrigger;
import org.odomo.monitor.MonitorDefinition.Previous;
import org.odomo.monitor.MonitorDefinition.TimeTrigger;
import org.odomo.monitor.MonitorDefinition.TimeWindow;
import org.odomo.monitor.MonitorDefinition.Transition;
import org.odomo.monitor.MonitorDefinition.Trigger;
import org.odomo.monitor.MonitorDefinition.ZoneTrigger;
import org.odomo.monitor.MonitorEvaluation.EdgeState;
import org.odomo.monitor.MonitorEvaluation.Notification;
import org.odomo.monitor.MonitorEvaluation.Outcome;
import org.odomo.monitor.MonitorEvaluation.Position;
import org.odomo.monitor.MonitorEvaluation.TriggerValue;
import org.odomo.monitor.MonitorEvaluation.VehicleSample;

/** The trigger evaluation as the pure function it is: no Spring, no clock, no database. */
class MonitorEvaluationTests {

    static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");
    /** Notre-Dame de Paris; a 1 km circle around it. */
    static final Position CENTRE = new Position(2.3499, 48.8530);
    static final Position INSIDE = new Position(2.3550, 48.8560);   // about 0.5 km away
    static final Position OUTSIDE = new Position(2.2945, 48.8584);  // the Eiffel tower, about 4 km away
    static final ZoneTrigger HOME_IN = new ZoneTrigger("home", CENTRE.longitude(), CENTRE.latitude(), 1, Transition.In);
    static final ZoneTrigger HOME_OUT = new ZoneTrigger("home", CENTRE.longitude(), CENTRE.latitude(), 1,
            Transition.Out);

    static MonitorDefinition monitor(Integer refresh, String exp, Trigger... triggers) {
        return new MonitorDefinition("m", refresh, List.of(), List.of(), List.of(triggers), BoolExp.parse(exp));
    }

    static VehicleSample at(Instant at, Position p, Object... data) {
        Map<DataPath, List<String>> values = new HashMap<>();
        for (int i = 0; i < data.length; i += 2) {
            Object v = data[i + 1];
            values.put((DataPath) data[i], v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(v)));
        }
        return new VehicleSample(at, p, values);
    }

    /** Feeds samples in order, each after the one before, and answers what each produced. */
    static final class Run {
        final MonitorDefinition monitor;
        EdgeState state = EdgeState.INITIAL;
        VehicleSample last;

        Run(MonitorDefinition monitor) {
            this.monitor = monitor;
        }

        Optional<Notification> feed(VehicleSample sample) {
            Outcome o = MonitorEvaluation.evaluate(monitor, state, last, sample);
            state = o.state();
            last = sample;
            return o.notification();
        }
    }

    @Test
    void aZoneInFiresOnEnteringOnlyAndNeverWithoutAPreviousPosition() {
        Run run = new Run(monitor(null, "home", HOME_IN));
        assertThat(run.feed(at(T0, INSIDE))).as("no previous position: no transition seen").isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(60), INSIDE))).as("already inside").isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(120), OUTSIDE))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(180), INSIDE)))
                .contains(new Notification(false, T0.plusSeconds(180), List.of()));
        assertThat(run.feed(at(T0.plusSeconds(240), INSIDE))).as("no refresh declared").isEmpty();
    }

    @Test
    void aZoneOutFiresOnLeaving() {
        Run run = new Run(monitor(null, "home", HOME_OUT));
        assertThat(run.feed(at(T0, OUTSIDE))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(60), INSIDE))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(120), OUTSIDE))).isPresent();
        assertThat(run.feed(at(T0.plusSeconds(180), null))).as("position unknown").isEmpty();
        assertThat(MonitorEvaluation.distanceKm(CENTRE.latitude(), CENTRE.longitude(), OUTSIDE.latitude(),
                OUTSIDE.longitude())).isBetween(4.0, 4.2);
    }

    @Test
    void whileTheExpressionStaysTrueARefreshFollowsEveryRefreshEventSecondsAndTheStateIsOnlyRewrittenWhenItChanges() {
        Run run = new Run(monitor(60, "home", HOME_IN));
        run.feed(at(T0, OUTSIDE));
        EdgeState before = run.state;
        assertThat(run.feed(at(T0.plusSeconds(10), INSIDE))).map(Notification::refresh).contains(false);
        EdgeState fired = run.state;
        assertThat(fired).isEqualTo(new EdgeState(true, Set.of("home"), T0.plusSeconds(10))).isNotSameAs(before);
        assertThat(run.feed(at(T0.plusSeconds(40), INSIDE))).isEmpty();
        assertThat(run.state).as("nothing changed: the very same state, nothing to write").isSameAs(fired);
        assertThat(run.feed(at(T0.plusSeconds(70), INSIDE))).map(Notification::refresh).contains(true);
        assertThat(run.state.lastNotifiedAt()).isEqualTo(T0.plusSeconds(70));
        assertThat(run.feed(at(T0.plusSeconds(100), INSIDE))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(130), INSIDE))).map(Notification::refresh).contains(true);
        assertThat(run.feed(at(T0.plusSeconds(140), OUTSIDE))).isEmpty();
        assertThat(run.state.satisfied()).isFalse();
        assertThat(run.feed(at(T0.plusSeconds(150), INSIDE))).map(Notification::refresh).contains(false);
    }

    @Test
    void anOlderSampleNeverFiresNorChangesTheState() {
        Run run = new Run(monitor(60, "home", HOME_IN));
        run.feed(at(T0, OUTSIDE));
        EdgeState state = run.state;
        Outcome late = MonitorEvaluation.evaluate(run.monitor, state, run.last, at(T0.minusSeconds(5), INSIDE));
        assertThat(late).isEqualTo(new Outcome(state, Optional.empty()));
        assertThat(late.state()).isSameAs(state);
        Outcome same = MonitorEvaluation.evaluate(run.monitor, state, run.last, at(T0, INSIDE));
        assertThat(same.notification()).isEmpty();
    }

    @Test
    void previousMakesOnlyTheFirstEdgeWaitForTheTransitionFromThatValueAndRefreshesIgnoreIt() {
        DataTrigger unplugged = new DataTrigger("unplugged", DataPath.CHARGING_PLUGGED, Op.equalsTo, List.of("false"),
                new Previous(Op.equalsTo, List.of("true")));
        Run run = new Run(monitor(60, "unplugged", unplugged));
        assertThat(run.feed(at(T0, null, DataPath.CHARGING_PLUGGED, false))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(60), null, DataPath.CHARGING_PLUGGED, false)))
                .as("false before, not the declared previous true").isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(120), null, DataPath.CHARGING_PLUGGED, true))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(180), null, DataPath.CHARGING_PLUGGED, false))).contains(
                new Notification(false, T0.plusSeconds(180),
                        List.of(new TriggerValue("vehicle.energy.charging.plugged", "false", "true"))));
        assertThat(run.feed(at(T0.plusSeconds(240), null, DataPath.CHARGING_PLUGGED, false))).contains(
                new Notification(true, T0.plusSeconds(240),
                        List.of(new TriggerValue("vehicle.energy.charging.plugged", "false", "false"))));
        // Back to plugged, then unplugged again: the previous condition applies again.
        assertThat(run.feed(at(T0.plusSeconds(300), null, DataPath.CHARGING_PLUGGED, true))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(360), null, DataPath.CHARGING_PLUGGED, false)))
                .map(Notification::refresh).contains(false);
    }

    @Test
    void everyOperatorComparesAsItsDataTypeSays() {
        List<String> none = null;
        assertThat(MonitorEvaluation.matches(DataPath.ELECTRIC_LEVEL, Op.greaterThan, List.of("75"), List.of("76"),
                none)).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.ELECTRIC_LEVEL, Op.greaterThan, List.of("75"), List.of("75"),
                none)).isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.ELECTRIC_LEVEL, Op.greaterThan, List.of("75"), List.of("9"),
                none)).as("numbers, not text").isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.SPEED, Op.lowerThan, List.of("10.5"), List.of("10.25"), none))
                .isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.SPEED, Op.equalsTo, List.of("10"), List.of("10.0"), none))
                .isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.SPEED, Op.lowerThan, List.of("10"), List.of("n/a"), none))
                .as("not a number: never compares").isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.SPEED, Op.equalsTo, List.of("10"), List.of("n/a"), none))
                .isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.CHARGING_STATUS, Op.includedIn, List.of("InProgress",
                "Finished"), List.of("Finished"), none)).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.CHARGING_STATUS, Op.includedIn, List.of("InProgress"),
                List.of("Stopped"), none)).isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.CHARGING_STATUS, Op.equalsTo, List.of("Stopped"),
                List.of("Stopped"), none)).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.POWERTRAIN_STATUS, Op.onChange, List.of(), List.of("Running"),
                List.of("Stopped"))).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.POWERTRAIN_STATUS, Op.onChange, List.of(), List.of("Running"),
                List.of("Running"))).isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.POWERTRAIN_STATUS, Op.onChange, List.of(), List.of("Running"),
                none)).as("nothing before: no change seen").isFalse();
        // Alerts are several at once: equalsTo is "among them", includedIn "any of them", onChange "the set changed".
        assertThat(MonitorEvaluation.matches(DataPath.ALERT, Op.equalsTo, List.of("Break"), List.of("Tyre", "Break"),
                none)).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.ALERT, Op.includedIn, List.of("Oil", "Tyre"), List.of("Break"),
                none)).isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.ALERT, Op.onChange, List.of(), List.of("Tyre", "Break"),
                List.of("Break", "Tyre"))).isFalse();
        assertThat(MonitorEvaluation.matches(DataPath.ALERT, Op.onChange, List.of(), List.of("Tyre"),
                List.of("Break", "Tyre"))).isTrue();
        assertThat(MonitorEvaluation.matches(DataPath.TRIP_STATE, Op.includedIn, List.of("Started"),
                List.of("Started"), none)).isTrue();
    }

    @Test
    void anOnChangeTriggerFiresOnEachChange() {
        DataTrigger locks = new DataTrigger("locks", DataPath.DOORS_LOCKED, Op.onChange, List.of(), null);
        Run run = new Run(monitor(null, "locks", locks));
        assertThat(run.feed(at(T0, null, DataPath.DOORS_LOCKED, "Locked"))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(5), null, DataPath.DOORS_LOCKED, "Unlocked"))).contains(
                new Notification(false, T0.plusSeconds(5),
                        List.of(new TriggerValue("vehicle.doorsState.lockedState", "Unlocked", null))));
        assertThat(run.feed(at(T0.plusSeconds(10), null, DataPath.DOORS_LOCKED, "Unlocked"))).isEmpty();
        assertThat(run.feed(at(T0.plusSeconds(15), null, DataPath.DOORS_LOCKED, "Locked"))).isPresent();
    }

    static TimeTrigger daily(String start, String duration, Set<DayOfWeek> days, Set<Integer> weeks) {
        return new TimeTrigger("t", List.of(new TimeWindow(true, null, Duration.parse(start),
                Duration.parse(duration), days, weeks)), ZoneId.of("Europe/Paris"));
    }

    @Test
    void aDailyWindowFollowsTheLocalClockAcrossBothDaylightSavingChanges() {
        TimeTrigger afternoon = daily("PT14H30M", "PT1H", Set.of(), Set.of());
        // Before the spring change Paris is UTC+1, after it UTC+2 (last Sunday of March 2026: the 29th).
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-03-28T13:45:00Z"))).isTrue();
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-03-28T12:45:00Z"))).isFalse();
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-03-29T12:45:00Z"))).isTrue();
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-03-29T13:45:00Z"))).isFalse();
        // And back in autumn (last Sunday of October 2026: the 25th).
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-10-24T12:45:00Z"))).isTrue();
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-10-25T12:45:00Z"))).isFalse();
        assertThat(MonitorEvaluation.within(afternoon, Instant.parse("2026-10-25T13:45:00Z"))).isTrue();
        // A night window over the spring change: 01:00 local (00:00Z) for three hours of elapsed time.
        TimeTrigger night = daily("PT1H", "PT3H", Set.of(), Set.of());
        assertThat(MonitorEvaluation.within(night, Instant.parse("2026-03-29T02:59:00Z"))).isTrue();
        assertThat(MonitorEvaluation.within(night, Instant.parse("2026-03-29T03:00:00Z"))).isFalse();
        // A window past midnight counts for the day it opened on.
        TimeTrigger late = daily("PT22H", "PT4H", Set.of(DayOfWeek.FRIDAY), Set.of());
        assertThat(MonitorEvaluation.within(late, Instant.parse("2026-06-05T23:30:00Z"))).as("Sat 01:30, opened Fri")
                .isTrue();
        assertThat(MonitorEvaluation.within(late, Instant.parse("2026-06-06T23:30:00Z"))).as("Sun 01:30").isFalse();
    }

    @Test
    void dailyWindowsKeepToTheirDaysAndWeeksAndAbsoluteOnesToTheirInterval() {
        TimeTrigger mondays = daily("PT8H", "PT2H", Set.of(DayOfWeek.MONDAY), Set.of(1, 2, 3));
        assertThat(MonitorEvaluation.within(mondays, Instant.parse("2026-01-12T08:30:00Z"))).as("Mon, week 3")
                .isTrue();
        assertThat(MonitorEvaluation.within(mondays, Instant.parse("2026-01-13T08:30:00Z"))).as("Tue").isFalse();
        assertThat(MonitorEvaluation.within(mondays, Instant.parse("2026-01-19T08:30:00Z"))).as("Mon, week 4")
                .isFalse();
        TimeTrigger once = new TimeTrigger("t", List.of(new TimeWindow(false, Instant.parse("2026-01-03T11:00:00Z"),
                null, Duration.ofHours(1), Set.of(), Set.of())), ZoneId.of("Europe/Paris"));
        assertThat(MonitorEvaluation.within(once, Instant.parse("2026-01-03T10:59:59Z"))).isFalse();
        assertThat(MonitorEvaluation.within(once, Instant.parse("2026-01-03T11:30:00Z"))).isTrue();
        assertThat(MonitorEvaluation.within(once, Instant.parse("2026-01-03T12:00:00Z"))).isFalse();
        TimeTrigger open = new TimeTrigger("t", List.of(new TimeWindow(false, Instant.parse("2026-01-03T11:00:00Z"),
                null, null, Set.of(), Set.of())), ZoneId.of("Europe/Paris"));
        assertThat(MonitorEvaluation.within(open, Instant.parse("2030-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void aZoneTimeAndDataExpressionFiresOnlyWhenItsCombinationBecomesTrue() {
        TimeTrigger office = daily("PT9H", "PT8H", Set.of(), Set.of());
        DataTrigger low = new DataTrigger("low", DataPath.ELECTRIC_LEVEL, Op.lowerThan, List.of("20"), null);
        Run run = new Run(monitor(null, "(home & t) | (low & !t)", HOME_IN, office, low));
        Instant morning = Instant.parse("2026-06-01T08:00:00Z");  // 10:00 Paris: in office hours
        Instant evening = Instant.parse("2026-06-01T18:00:00Z");  // 20:00 Paris: out of them
        assertThat(run.feed(at(morning, OUTSIDE, DataPath.ELECTRIC_LEVEL, 15))).isEmpty();
        assertThat(run.feed(at(morning.plusSeconds(60), INSIDE, DataPath.ELECTRIC_LEVEL, 15)))
                .contains(new Notification(false, morning.plusSeconds(60),
                        List.of(new TriggerValue("vehicle.energy.electric.level", "15", null))));
        assertThat(run.feed(at(evening, INSIDE, DataPath.ELECTRIC_LEVEL, 50))).as("became false").isEmpty();
        assertThat(run.state.satisfied()).isFalse();
        assertThat(run.feed(at(evening.plusSeconds(60), INSIDE, DataPath.ELECTRIC_LEVEL, 19))).contains(
                new Notification(false, evening.plusSeconds(60),
                        List.of(new TriggerValue("vehicle.energy.electric.level", "19", null))));
        assertThat(run.state.trueTriggers()).containsExactlyInAnyOrder("home", "low");
    }
}
