package org.odomo.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulator's time. Cars only ever read it through the scheduler, which hands each step its
 * own scheduled time: nothing inside a car reads the wall clock.
 */
public sealed interface SimClock permits SimClock.Accelerated, SimClock.Manual {

    Instant now();

    /** Real time sped up: {@code timeFactor} simulated seconds pass per real second once started. */
    static Accelerated accelerated(Instant simStart, double timeFactor) {
        return new Accelerated(simStart, timeFactor);
    }

    /** A clock that moves only when told, for tests: the simulator then runs in {@code runDue()}. */
    static Manual manual(Instant start) {
        return new Manual(start);
    }

    /** Simulated time = start + real time elapsed since {@code start()} × factor; frozen before. */
    final class Accelerated implements SimClock {
        private final double factor;
        private volatile long simStartMillis;
        private volatile long realStartNanos = -1;

        private Accelerated(Instant simStart, double timeFactor) {
            if (!(timeFactor > 0)) {
                throw new IllegalArgumentException("timeFactor must be positive");
            }
            this.simStartMillis = simStart.toEpochMilli();
            this.factor = timeFactor;
        }

        @Override
        public Instant now() {
            return Instant.ofEpochMilli(nowMillis());
        }

        public double timeFactor() {
            return factor;
        }

        long nowMillis() {
            long started = realStartNanos;
            if (started < 0) {
                return simStartMillis;
            }
            return simStartMillis + (long) ((System.nanoTime() - started) / 1e6 * factor);
        }

        synchronized void start() {
            if (realStartNanos < 0) {
                realStartNanos = System.nanoTime();
            }
        }

        /** Before start only: never let a restored fleet go back in time. */
        synchronized void notBefore(long epochSecond) {
            if (realStartNanos < 0 && simStartMillis < epochSecond * 1000) {
                simStartMillis = epochSecond * 1000;
            }
        }

        long realNanosUntil(long epochSecond) {
            long millis = epochSecond * 1000 - nowMillis();
            return millis <= 0 ? 0 : (long) (millis * 1e6 / factor);
        }
    }

    /** Moves only with {@link #advance} and {@link #set}, never backwards. */
    final class Manual implements SimClock {
        private volatile long millis;

        private Manual(Instant start) {
            this.millis = start.toEpochMilli();
        }

        @Override
        public Instant now() {
            return Instant.ofEpochMilli(millis);
        }

        public synchronized Manual advance(Duration by) {
            if (by.isNegative()) {
                throw new IllegalArgumentException("a clock does not go back");
            }
            millis += by.toMillis();
            return this;
        }

        public synchronized Manual set(Instant to) {
            if (to.toEpochMilli() < millis) {
                throw new IllegalArgumentException("a clock does not go back");
            }
            millis = to.toEpochMilli();
            return this;
        }
    }
}
