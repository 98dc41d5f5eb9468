package org.odomo.simulator;

import java.time.Instant;

/**
 * A consistent picture of the fleet at one simulated time.
 *
 * @param simulatedTime     the simulator clock
 * @param vehicles          cars simulated
 * @param awake             cars awake (listening to commands)
 * @param asleep            cars asleep (listening to {@code wakeUp} only)
 * @param driving           cars with the ignition on
 * @param charging          cars charging their traction battery
 * @param sent              send attempts, retries included
 * @param acked             messages the platform took responsibility for
 * @param failed            send attempts that failed (the message is kept and sent again)
 * @param pending           messages kept for a (re)send: in flight or waiting for a retry
 * @param dropped           messages given up because a car's retry queue was full
 * @param downlinks         downlink messages received
 * @param downlinksIgnored  downlink messages ignored: malformed, or a command to a sleeping car
 */
public record SimulatorStats(Instant simulatedTime, int vehicles, int awake, int asleep, int driving, int charging,
        long sent, long acked, long failed, long pending, long dropped, long downlinks, long downlinksIgnored) {
}
