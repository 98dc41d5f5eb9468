package org.odomo.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.odomo.events.EventDerivation;
import org.odomo.events.VehicleEvent;
import org.odomo.events.VehicleEventLog;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleMessage;
import org.odomo.state.ConcurrentStateUpdateException;
import org.odomo.state.IncomingMessage;
import org.odomo.state.StoredChange;
import org.odomo.state.VehicleStateWriter;
import org.odomo.state.WriteResult;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * The ordered processing chain, in one place: authenticate → filter → write (dedupe, state,
 * history) → derive events → append them to the event log → commit → acknowledge. The write,
 * the derivation and the append are one transaction, so a stored message always has its events
 * and a duplicate has none; the consumers of the log (trips, notifications) read it after the
 * commit, off the acknowledgement path. Each worker thread owns the VINs that hash to it, so one
 * vehicle's messages are handled one at a time and in arrival order, and drains its queue in
 * batches so that one transaction carries hundreds of messages.
 */
@Component
class IngestPipeline implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);
    private static final int MAX_CONFLICT_RETRIES = 8;

    private final VehicleRegistry registry;
    private final VehicleStateWriter writer;
    private final ProtocolCodec codec;
    private final VehicleEventLog events;
    private final IngestMetrics metrics;
    private final IngestProperties settings;
    private final Clock clock;
    private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param body the message as history keeps it, should the upload filter keep all of it:
     *             written by the sender's thread while the message is fresh in its cache
     */
    private record Pending(VehicleMessage message, String body, CompletableFuture<IngestOutcome> done) {
    }

    IngestPipeline(VehicleRegistry registry, VehicleStateWriter writer, ProtocolCodec codec,
            VehicleEventLog events, IngestMetrics metrics, IngestProperties settings, Optional<Clock> clock) {
        this.registry = registry;
        this.writer = writer;
        this.codec = codec;
        this.events = events;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock.orElse(Clock.systemUTC());
        for (int i = 0; i < settings.workers(); i++) {
            queues.add(new ArrayBlockingQueue<>(settings.queueCapacity()));
        }
    }

    CompletableFuture<IngestOutcome> enqueue(VehicleMessage message) {
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("ingestion is stopped"));
            return done;
        }
        try {
            queues.get(Math.floorMod(message.vin().hashCode(), queues.size()))
                    .put(new Pending(message, storedBody(message), done));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < queues.size(); i++) {
            BlockingQueue<Pending> queue = queues.get(i);
            Thread t = new Thread(() -> drain(queue), "ingest-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        // Anything still queued was never acknowledged; its sender will deliver it again.
        queues.forEach(q -> {
            List<Pending> left = new ArrayList<>();
            q.drainTo(left);
            left.forEach(p -> p.done().completeExceptionally(new IllegalStateException("ingestion stopped")));
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Start before and stop after the transports (which use the default phase minus one).
        return Integer.MAX_VALUE - 1000;
    }

    private void drain(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        // Once stopped, take nothing new: what is still queued was never acknowledged and is
        // delivered again to whichever node runs next.
        while (running) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.batchSize() - 1);
                metrics.batchTimer().record(() -> process(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("ingest batch failed; its messages are not acknowledged", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void process(List<Pending> batch) {
        Instant receivedAt = clock.instant();
        Set<String> vins = new LinkedHashSet<>();
        batch.forEach(p -> vins.add(p.message().vin()));
        Map<String, Vehicle> vehicles = registry.findAllCached(vins);

        List<Pending> accepted = new ArrayList<>();
        List<IncomingMessage> incoming = new ArrayList<>();
        List<Set<DataCategory>> uploadable = new ArrayList<>();
        for (Pending p : batch) {
            VehicleMessage m = p.message();
            Vehicle vehicle = vehicles.get(m.vin());
            // No credential: the gateway let it in because the transport proved the sender, whose
            // credential must still be in force.
            if (vehicle == null || (m.credential() != null ? !registry.credentialMatchesCached(m.vin(), m.credential())
                    : !registry.credentialInForceCached(m.vin()))) {
                metrics.rejected(IngestOutcome.UNAUTHENTICATED, m.vin(),
                        vehicle == null ? "unknown vehicle" : "credential does not match the VIN");
                p.done().complete(IngestOutcome.UNAUTHENTICATED);
                continue;
            }
            PrivacyMode mode = UploadFilter.modeFor(m, vehicle);
            Set<DataCategory> allowed = Vehicle.uploadableData(vehicle.services(), mode);
            VehicleMessage kept = UploadFilter.filter(m, allowed);
            if (kept == null) {
                metrics.outcome(IngestOutcome.FILTERED);
                p.done().complete(IngestOutcome.FILTERED);
                continue;
            }
            accepted.add(p);
            String body = keepsEverything(m, kept) ? p.body() : storedBody(kept);
            incoming.add(new IncomingMessage(kept, body, receivedAt, mode.refreshesLocation()
                    && allowed.contains(DataCategory.POSITION)));
            uploadable.add(allowed);
        }
        if (incoming.isEmpty()) {
            return;
        }
        WriteResult result;
        try {
            result = writeWithRetries(incoming, uploadable);
        } catch (RuntimeException e) {
            if (!cannotBeStored(e)) {
                throw e;
            }
            // Something in this batch cannot be written; find it by writing one message at a time.
            writeOneByOne(accepted, incoming, uploadable, vehicles);
            return;
        }
        finish(accepted, incoming, result, vehicles);
    }

    /** The derivation stage: the events of each stored message, in the batch's order. */
    private static List<VehicleEvent> derive(List<StoredChange> changes, List<Set<DataCategory>> uploadable) {
        List<VehicleEvent> derived = new ArrayList<>(changes.size());
        for (StoredChange change : changes) {
            derived.addAll(EventDerivation.derive(change, uploadable.get(change.index())));
        }
        return derived;
    }

    /**
     * Whether a write failed because of the data itself, so that writing it again can never
     * succeed: the message is then rejected for good. A database that is unreachable, restarting
     * or out of connections is not the message's fault: its messages stay unacknowledged.
     */
    static boolean cannotBeStored(RuntimeException e) {
        return (e instanceof NonTransientDataAccessException && !(e instanceof NonTransientDataAccessResourceException))
                || e instanceof IllegalArgumentException || e instanceof ClassCastException;
    }

    private WriteResult writeWithRetries(List<IncomingMessage> incoming, List<Set<DataCategory>> uploadable) {
        for (int attempt = 1;; attempt++) {
            try {
                return writer.write(incoming, changes -> events.append(derive(changes, uploadable)));
            } catch (ConcurrentStateUpdateException | PessimisticLockingFailureException e) {
                // Another node wrote one of these vehicles meanwhile (or the database chose this
                // transaction as a deadlock victim): everything was rolled back, read again.
                if (attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
                metrics.retried();
                pauseBeforeRetry(attempt);
            }
        }
    }

    /**
     * A random pause, so that two nodes that collided do not collide again in step, growing with
     * each attempt: the other node's transaction, which holds the vehicle's state row until it
     * commits, includes the append to the event log, which waits its turn on the partition.
     */
    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, Math.min(200, 5L << attempt) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeOneByOne(List<Pending> accepted, List<IncomingMessage> incoming, List<Set<DataCategory>> uploadable,
            Map<String, Vehicle> vehicles) {
        for (int i = 0; i < incoming.size(); i++) {
            Pending p = accepted.get(i);
            try {
                WriteResult r = writeWithRetries(List.of(incoming.get(i)), List.of(uploadable.get(i)));
                finish(List.of(p), List.of(incoming.get(i)), r, vehicles);
            } catch (RuntimeException e) {
                if (!cannotBeStored(e)) {
                    // The database, not this message: the rest of the batch fails with it.
                    throw e;
                }
                metrics.rejected(IngestOutcome.MALFORMED, p.message().vin(), "cannot be stored: " + e.getMessage());
                p.done().complete(IngestOutcome.MALFORMED);
            }
        }
    }

    /**
     * @param vehicles the registry's view of the batch's vehicles when the batch started
     */
    private void finish(List<Pending> accepted, List<IncomingMessage> incoming, WriteResult result,
            Map<String, Vehicle> vehicles) {
        Map<String, Instant> privacyAt = new HashMap<>();
        for (int i = 0; i < incoming.size(); i++) {
            VehicleMessage m = incoming.get(i).message();
            if (result.privacyStates().containsKey(m.vin())) {
                privacyAt.merge(m.vin(), m.at(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        result.privacyStates().forEach((vin, state) -> PrivacyMode.ofState(state).ifPresent(mode -> {
            Vehicle known = vehicles.get(vin);
            if (known != null && known.privacyMode() == mode) {
                // A car repeats its mode in every sample; only a change is worth a registry write.
                // (A registry that differs, whatever the reason, is corrected by the next sample.)
                return;
            }
            try {
                registry.reportPrivacyMode(vin, mode, privacyAt.get(vin));
            } catch (RuntimeException e) {
                // The state already holds the mode; the registry catches up with the next report.
                log.warn("could not record privacy mode of {}: {}", vin, e.getMessage());
            }
        }));
        for (int i = 0; i < incoming.size(); i++) {
            Pending p = accepted.get(i);
            boolean stored = result.stored().get(i);
            IngestOutcome outcome = stored ? IngestOutcome.STORED : IngestOutcome.DUPLICATE;
            metrics.outcome(outcome);
            p.done().complete(outcome);
        }
    }

    /** Whether the upload filter left the message whole (it only ever removes data parts or the event). */
    private static boolean keepsEverything(VehicleMessage original, VehicleMessage kept) {
        return kept.type() == original.type() && kept.event() == original.event()
                && (original.data() == null ? kept.data() == null
                        : kept.data() != null && kept.data().size() == original.data().size());
    }

    private String storedBody(VehicleMessage m) {
        ObjectNode root = codec.envelope(m.vin(), m.id(), m.at(), m.type());
        if (m.data() != null) {
            root.set("data", m.data());
        }
        if (m.event() != null) {
            root.set("event", m.event());
        }
        if (m.command() != null) {
            root.set("command", m.command());
        }
        if (m.lifecycle() != null) {
            root.set("lifecycle", m.lifecycle());
        }
        return codec.toJson(root);
    }
}
