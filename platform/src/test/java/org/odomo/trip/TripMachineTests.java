package org.odomo.trip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.trip.TripArithmeticTests.T0;
import static org.odomo.trip.TripArithmeticTests.electric;
import static org.odomo.trip.TripArithmeticTests.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.odomo.trip.Sample.Ignition;

/** How samples in measurement order are cut into trips. */
class TripMachineTests {

    private static List<TripAcc> run(Sample... samples) {
        TripMachine m = TripMachine.idle(false, null);
        for (Sample s : samples) {
            m.apply(s);
        }
        List<TripAcc> trips = new ArrayList<>(m.closed());
        if (m.open() != null) {
            trips.add(m.open());
        }
        return trips;
    }

    @Test
    void startToStopIsOneTrip() {
        List<TripAcc> trips = run(sample(0, Ignition.OFF, 2.35, 0.0, 10.0), sample(60, Ignition.START_EVENT, 2.35, 0.0, 10.0),
                sample(90, Ignition.ON, 2.36, 40.0, 10.5), sample(120, Ignition.STOP_EVENT, 2.37, 0.0, 11.0),
                sample(150, Ignition.OFF, 2.37, 0.0, 11.0), sample(180, Ignition.NONE, 2.37, null, null));
        assertThat(trips).hasSize(1);
        TripAcc t = trips.get(0);
        assertThat(t.start.at()).isEqualTo(T0.plusSeconds(60));
        assertThat(t.stop.at()).isEqualTo(T0.plusSeconds(120));
        assertThat(t.end).isEqualTo(TripAcc.End.STOP);
        assertThat(t.samples).isEqualTo(3);
        assertThat(t.startSeen).isTrue();
    }

    @Test
    void aStartWithATripOpenEndsItUnfinished() {
        List<TripAcc> trips = run(sample(0, Ignition.START_EVENT, 2.35, 0.0, 10.0), sample(30, Ignition.ON, 2.36, 40.0, 10.5),
                sample(3600, Ignition.START_EVENT, 2.50, 0.0, 30.0), sample(3630, Ignition.STOP_EVENT, 2.51, 0.0, 30.4));
        assertThat(trips).hasSize(2);
        assertThat(trips.get(0).end).isEqualTo(TripAcc.End.NEXT);
        assertThat(trips.get(0).stop.at()).isEqualTo(T0.plusSeconds(30));
        assertThat(TripMath.faults(trips.get(0))).contains(new Trip.Fault("Unfinished", null));
        assertThat(trips.get(1).end).isEqualTo(TripAcc.End.STOP);
        assertThat(TripMath.faults(trips.get(1))).isEmpty();
    }

    @Test
    void aSampleWithTheIgnitionOffEndsTheTripUnfinished() {
        List<TripAcc> trips = run(sample(0, Ignition.START_EVENT, 2.35, 0.0, 10.0), sample(30, Ignition.ON, 2.36, 40.0, 10.5),
                sample(60, Ignition.OFF, 2.37, 0.0, 11.0), sample(90, Ignition.OFF, 2.37, 0.0, 11.0));
        assertThat(trips).hasSize(1);
        assertThat(trips.get(0).end).isEqualTo(TripAcc.End.OFF);
        assertThat(trips.get(0).stop.at()).isEqualTo(T0.plusSeconds(60));
        assertThat(trips.get(0).distanceKm()).isEqualTo(1.0);
    }

    @Test
    void withoutItsStartATripBeginsAtTheFirstSampleWithTheIgnitionOn() {
        List<TripAcc> trips = run(sample(0, Ignition.OFF, 2.35, 0.0, 10.0), sample(30, Ignition.ON, 2.36, 40.0, 10.5),
                sample(60, Ignition.STOP_EVENT, 2.37, 0.0, 11.0));
        assertThat(trips).hasSize(1);
        assertThat(trips.get(0).start.at()).isEqualTo(T0.plusSeconds(30));
        assertThat(trips.get(0).startSeen).isFalse();
    }

    @Test
    void aLoneStopIsAnUnstartedTripWithoutDurationAndRepeatedEventsAreIgnored() {
        List<TripAcc> lone = run(sample(0, Ignition.STOP_EVENT, 2.35, 0.0, 10.0));
        assertThat(lone).hasSize(1);
        assertThat(lone.get(0).durationSeconds()).isZero();
        assertThat(lone.get(0).startSeen).isFalse();

        List<TripAcc> trips = run(sample(0, Ignition.START_EVENT, 2.35, 0.0, 10.0),
                sample(2, Ignition.START_EVENT, 2.35, 0.0, 10.0), sample(30, Ignition.ON, 2.36, 40.0, 10.5),
                sample(60, Ignition.STOP_EVENT, 2.37, 0.0, 11.0), sample(65, Ignition.STOP_EVENT, 2.37, 0.0, 11.0));
        assertThat(trips).hasSize(1);
        assertThat(trips.get(0).samples).isEqualTo(3);
        assertThat(trips.get(0).stop.at()).isEqualTo(T0.plusSeconds(60));

        // A Stop long after the last one is a trip of its own (its start and data were lost).
        assertThat(run(sample(0, Ignition.START_EVENT, 2.35, 0.0, 10.0), sample(60, Ignition.STOP_EVENT, 2.37, 0.0, 11.0),
                sample(7200, Ignition.STOP_EVENT, 2.50, 0.0, 30.0))).hasSize(2);
    }

    /** Folding one sample at a time through storage gives what one pass over the log gives. */
    @Test
    void incrementalUpdatesThroughStorageEqualAReplay() {
        Random random = new Random(7);
        List<Sample> samples = new ArrayList<>();
        int t = 0;
        double km = 100;
        double level = 90;
        for (int i = 0; i < 300; i++) {
            t += 5 + random.nextInt(400);
            int kind = random.nextInt(20);
            Ignition ignition = kind == 0 ? Ignition.START_EVENT : kind == 1 ? Ignition.STOP_EVENT
                    : kind < 4 ? Ignition.OFF : kind < 12 ? Ignition.ON : Ignition.NONE;
            km += random.nextDouble();
            level -= random.nextDouble() / 4;
            samples.add(sample(t, ignition, random.nextBoolean() ? 2 + random.nextDouble() : null,
                    random.nextDouble() * 130, random.nextBoolean() ? km : null, electric(Math.round(level * 10) / 10.0)));
        }
        List<String> replayed = run(samples.toArray(Sample[]::new)).stream().map(TripAcc::toJson).toList();

        List<String> stored = new ArrayList<>();
        String open = null;
        boolean closedByStop = false;
        java.time.Instant lastStop = null;
        for (Sample s : samples) {
            TripMachine m = open == null ? TripMachine.idle(closedByStop, lastStop)
                    : TripMachine.resume(TripAcc.fromJson(open));
            m.apply(s);
            for (TripAcc closed : m.closed()) {
                stored.add(closed.toJson());
                closedByStop = closed.end == TripAcc.End.STOP;
                lastStop = closed.stop.at();
            }
            open = m.open() == null ? null : m.open().toJson();
        }
        if (open != null) {
            stored.add(open);
        }
        assertThat(replayed.size()).isGreaterThan(10);
        assertThat(stored).isEqualTo(replayed);
    }
}
