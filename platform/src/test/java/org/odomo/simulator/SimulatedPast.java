package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/** For tests that need history: a simulated fleet lives its past on a manual clock, up to a moment. */
public final class SimulatedPast {

    private SimulatedPast() {
    }

    /**
     * Moves the clock to {@code end} five simulated minutes at a time, running what falls due,
     * then waits until the fleet has no message left to deliver (each one acknowledged).
     */
    public static void liveUntil(FleetSimulator fleet, SimClock.Manual clock, Instant end) {
        while (clock.now().isBefore(end)) {
            clock.advance(Duration.ofMinutes(5));
            fleet.runDue();
        }
        await("the simulator's queue drains").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    fleet.runDue();
                    return fleet.stats().pending() == 0;
                });
        assertThat(fleet.stats().pending()).as("messages still pending in the simulator").isZero();
    }
}
