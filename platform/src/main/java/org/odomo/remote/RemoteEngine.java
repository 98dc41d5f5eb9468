package org.odomo.remote;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.odomo.events.CommandProgressReported;
import org.odomo.events.VehicleEvent;
import org.odomo.events.VehicleEventConsumer;
import org.odomo.events.VehicleLifecycleReported;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Moves remote actions on from what vehicles say. A consumer of the vehicle event log: a
 * command's progress finishes or acknowledges its action, and any message from a vehicle is a
 * contact (a {@code lifecycle} {@code Asleep} the end of one) that sends what waited for it to wake
 * up. It all runs in the transaction that moves the consumer's cursor, and every step checks the
 * action's stored status first, so a batch handed again after a crash changes nothing twice.
 *
 * <p>Time-outs and resending need no message: every node sweeps every {@code sweep-interval}; the
 * rows a node works on are locked and the other nodes pass over them.
 */
@Component
class RemoteEngine implements VehicleEventConsumer {

    private static final Logger log = LoggerFactory.getLogger(RemoteEngine.class);

    private final Remotes remotes;
    private final RemoteProperties settings;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final StolenDeclarations stolen;

    RemoteEngine(Remotes remotes, RemoteProperties settings, TaskScheduler scheduler, Optional<Clock> clock,
            StolenDeclarations stolen) {
        this.remotes = remotes;
        this.stolen = stolen;
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    public String name() {
        return "remotes";
    }

    @Override
    public void handle(List<VehicleEvent> batch) {
        Map<String, Remotes.Contact> contacts = new TreeMap<>();
        Set<String> woke = new HashSet<>();
        for (VehicleEvent e : batch) {
            boolean asleep = false;
            if (e instanceof VehicleLifecycleReported lifecycle) {
                asleep = "Asleep".equals(lifecycle.state());
                if (!asleep) {
                    woke.add(e.vin());
                }
            }
            // One vehicle's events come in log order: its last one says whether it is listening.
            Remotes.Contact before = contacts.get(e.vin());
            if (before == null || !e.receivedAt().isBefore(before.at())) {
                contacts.put(e.vin(), new Remotes.Contact(e.receivedAt(), asleep));
            }
        }
        // Vehicle rows first, in VIN order, then actions: the order a request takes its locks in.
        remotes.recordContacts(contacts);
        for (VehicleEvent e : batch) {
            if (e instanceof CommandProgressReported p) {
                remotes.progress(p.vin(), p.commandId(), p.status(), p.result(), p.failureCause(), p.feedbackDetail(),
                        p.receivedAt());
            }
        }
        stolen.positions(batch);
        Instant now = clock.instant();
        for (String vin : remotes.withPending(contacts.keySet())) {
            if (!contacts.get(vin).asleep()) {
                remotes.contact(vin, woke.contains(vin), now);
            }
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void startSweeping() {
        scheduler.scheduleWithFixedDelay(this::scheduledSweep, Instant.now().plus(settings.sweepInterval()),
                settings.sweepInterval());
    }

    private void scheduledSweep() {
        try {
            int n = remotes.sweep(clock.instant());
            if (n > 0) {
                log.info("{} remote action(s) timed out", n);
            }
        } catch (RuntimeException e) {
            log.warn("remote sweep failed: {}", e.toString());
        }
    }
}
