package org.odomo.simulator;

import java.time.Instant;

/**
 * How the fleet simulator runs. Times are simulated seconds unless said otherwise.
 *
 * @param seed                  root of every random choice: same seed, same clock steps, same messages
 * @param timeFactor            simulated seconds per real second of the real-time clock (60: a minute a second)
 * @param start                 simulated time at which the real-time clock starts; null: the wall clock
 *                              when the simulator is built (moved forward to the saved time on restore)
 * @param drivingSampleSeconds  telemetry period while the ignition is on
 * @param awakeSampleSeconds    telemetry period while parked but busy (charging, preconditioning)
 * @param introSpreadSeconds    a new car introduces itself (Awake and a full sample) at a random time
 *                              within this many seconds of its addition, so a big fleet does not start
 *                              in one burst
 * @param maxPendingPerVehicle  bound of a car's retry queue; past it the oldest message is dropped and counted
 * @param retryMinSeconds       first delay before resending a message whose delivery failed
 * @param retryMaxSeconds       longest delay between resends (the delay doubles up to it)
 * @param interCityProbability  share of the trips from home that go to a neighbouring city
 * @param rareEventFactor       multiplies the rate of rare events (alerts, collisions, alarm triggers);
 *                              raise it in tests to see them within a few simulated days
 * @param idReserve             message ids set aside when a snapshot is taken while running: a car
 *                              restored from it starts that far past the saved counter, so ids used
 *                              after the snapshot are never reused
 * @param maxCatchUpSeconds     a restored car whose state is older than this is settled at the current
 *                              time (parked where it was, charge integrated) instead of replaying the gap
 */
public record SimulatorSettings(long seed, double timeFactor, Instant start, int drivingSampleSeconds,
        int awakeSampleSeconds, int introSpreadSeconds, int maxPendingPerVehicle, int retryMinSeconds,
        int retryMaxSeconds, double interCityProbability, double rareEventFactor, long idReserve,
        int maxCatchUpSeconds) {

    /** The protocol's rule: a car sleeps 3 minutes after the last message exchanged. */
    public static final int SLEEP_AFTER_SECONDS = 180;

    public SimulatorSettings {
        if (!(timeFactor > 0) || Double.isInfinite(timeFactor)) {
            throw new IllegalArgumentException("timeFactor must be positive: " + timeFactor);
        }
        positive(drivingSampleSeconds, "drivingSampleSeconds");
        positive(awakeSampleSeconds, "awakeSampleSeconds");
        positive(maxPendingPerVehicle, "maxPendingPerVehicle");
        positive(retryMinSeconds, "retryMinSeconds");
        if (introSpreadSeconds < 0 || retryMaxSeconds < retryMinSeconds || idReserve < 0 || maxCatchUpSeconds < 0) {
            throw new IllegalArgumentException("invalid simulator settings");
        }
        if (!(interCityProbability >= 0 && interCityProbability <= 1) || !(rareEventFactor >= 0)) {
            throw new IllegalArgumentException("invalid probability or rate factor");
        }
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Real time, seed 1, the sampling periods of the protocol. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(1, 1.0, null, 30, 60, 600, 32, 15, 900, 0.02, 1.0, 100_000, 900);
    }

    public SimulatorSettings withSeed(long newSeed) {
        return new SimulatorSettings(newSeed, timeFactor, start, drivingSampleSeconds, awakeSampleSeconds,
                introSpreadSeconds, maxPendingPerVehicle, retryMinSeconds, retryMaxSeconds, interCityProbability,
                rareEventFactor, idReserve, maxCatchUpSeconds);
    }

    public SimulatorSettings withTimeFactor(double newFactor) {
        return new SimulatorSettings(seed, newFactor, start, drivingSampleSeconds, awakeSampleSeconds,
                introSpreadSeconds, maxPendingPerVehicle, retryMinSeconds, retryMaxSeconds, interCityProbability,
                rareEventFactor, idReserve, maxCatchUpSeconds);
    }

    public SimulatorSettings withStart(Instant newStart) {
        return new SimulatorSettings(seed, timeFactor, newStart, drivingSampleSeconds, awakeSampleSeconds,
                introSpreadSeconds, maxPendingPerVehicle, retryMinSeconds, retryMaxSeconds, interCityProbability,
                rareEventFactor, idReserve, maxCatchUpSeconds);
    }

    public SimulatorSettings withRareEventFactor(double newFactor) {
        return new SimulatorSettings(seed, timeFactor, start, drivingSampleSeconds, awakeSampleSeconds,
                introSpreadSeconds, maxPendingPerVehicle, retryMinSeconds, retryMaxSeconds, interCityProbability,
                newFactor, idReserve, maxCatchUpSeconds);
    }

    public SimulatorSettings withIntroSpreadSeconds(int seconds) {
        return new SimulatorSettings(seed, timeFactor, start, drivingSampleSeconds, awakeSampleSeconds,
                seconds, maxPendingPerVehicle, retryMinSeconds, retryMaxSeconds, interCityProbability,
                rareEventFactor, idReserve, maxCatchUpSeconds);
    }
}
