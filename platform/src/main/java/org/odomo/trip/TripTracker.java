package org.odomo.trip;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.odomo.events.VehicleDataReceived;
import org.odomo.events.VehicleEvent;
import org.odomo.events.TripEnded;
import org.odomo.events.TripStarted;
import org.odomo.events.VehicleEventConsumer;
import org.odomo.events.VehicleEventLog;
import org.odomo.state.RetentionProperties;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleHistory.StoredMessage;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps every vehicle's trips up to date as its messages are stored: a consumer of the vehicle
 * event log, which hands it each stored message ({@link VehicleDataReceived}) in order per
 * vehicle, in batches whose trip writes commit together with the consumer's cursor.
 *
 * <p>The message log is the truth: the trips of a stretch of time are what {@link TripMachine}
 * makes of the messages measured in it. Most messages are telemetry of the open trip arriving in
 * measurement order; they are folded into that trip's stored aggregates with one compare-and-set
 * {@code UPDATE} (the open trip is cached, so no read is needed). A message measured before the
 * latest one of its trip, a late ignition event, or a trip start while later data is already
 * stored, instead rebuilds the trips from the last point where the sequence is known to be idle
 * (the end of an earlier trip) by replaying the log, and stops as soon as the rebuilt trips meet
 * the stored ones again at an ignition {@code Stop}.
 *
 * <p>The log gives one vehicle's events to one node at a time, but the repair job may still meet
 * the consumer on a vehicle. A trip row carries a version that every writer checks; opening a trip and rebuilding lock the vehicle's {@code trip_vehicle} row, and a
 * rebuild also checks the version of every trip it rewrites or removes, so a concurrent in-order
 * update makes it start over. A writer that loses starts again from fresh reads. If a message
 * still cannot be applied, the vehicle is marked and its trips are rebuilt a minute later.
 */
@Component
class TripTracker implements VehicleEventConsumer {

    private static final Logger log = LoggerFactory.getLogger(TripTracker.class);
    private static final int MAX_ATTEMPTS = 8;
    private static final int CACHE_LIMIT = 50_000;
    private static final int PAGE = 500;

    private final TripStore store;
    private final VehicleEventLog events;
    private final VehicleHistory history;
    private final VehicleRegistry registry;
    private final RetentionProperties retention;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    /** The open trip of each vehicle as this node last wrote or read it. */
    private final Map<String, TripStore.Row> openTrips = new ConcurrentHashMap<>();
    private final Counter appended;
    private final Counter opened;
    private final Counter rebuilt;
    private final Counter conflicts;
    private final Counter failed;

    /**
     * The trip events of one change, kept until the change holds: a step that loses a race and
     * starts again announces nothing of its lost attempt.
     */
    private static final class Announcer {
        final String vin;
        final Instant receivedAt;
        final List<VehicleEvent> events = new ArrayList<>();

        Announcer(String vin, Instant receivedAt) {
            this.vin = vin;
            this.receivedAt = receivedAt;
        }

        void started(TripStore.Row row) {
            events.add(new TripStarted(vin, row.acc().start.id(), row.acc().start.at(), receivedAt, row.id()));
            if (row.acc().done()) {
                ended(row);
            }
        }

        void ended(TripStore.Row row) {
            TripAcc acc = row.acc();
            events.add(new TripEnded(vin, acc.stop.id(), acc.stop.at(), receivedAt, row.id(), acc.end.wire));
        }
    }

    /** Another writer changed the vehicle's trips since they were read. */
    static final class Conflict extends RuntimeException {
        Conflict(String vin) {
            super("trips of " + vin + " changed concurrently", null, false, false);
        }
    }

    TripTracker(TripStore store, VehicleEventLog events, VehicleHistory history, VehicleRegistry registry, RetentionProperties retention,
            PlatformTransactionManager transactions, MeterRegistry meters, Optional<Clock> clock) {
        this.store = store;
        this.events = events;
        this.history = history;
        this.registry = registry;
        this.retention = retention;
        // Within a consumer batch each multi-row change is a savepoint, so that a conflict undoes only
        // that change and it can be tried again; outside one (the repair job) it is a transaction.
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock.orElse(Clock.systemUTC());
        this.appended = updates(meters, "appended");
        this.opened = updates(meters, "opened");
        this.rebuilt = updates(meters, "rebuilt");
        this.conflicts = Counter.builder("odomo.trips.conflicts")
                .description("Trip updates started again because another writer changed the trips").register(meters);
        this.failed = Counter.builder("odomo.trips.failures")
                .description("Messages whose trip update gave up; the trips are rebuilt later").register(meters);
    }

    private static Counter updates(MeterRegistry meters, String how) {
        return Counter.builder("odomo.trips.updates").description("Trip changes by how they were made: a sample "
                + "appended to the open trip, a trip opened, trips rebuilt from the log").tag("how", how).register(meters);
    }

    @Override
    public String name() {
        return "trips";
    }

    @Override
    public void handle(List<VehicleEvent> batch) {
        Set<String> vins = new HashSet<>();
        List<VehicleEvent> announced = new ArrayList<>();
        for (VehicleEvent event : batch) {
            if (event instanceof VehicleDataReceived received) {
                vins.add(received.vin());
                on(received, announced);
            }
        }
        // Last in the batch's transaction: appending holds the partitions until the commit.
        events.append(announced);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        // The cached open trips are the ones this batch wrote, now undone.
                        vins.forEach(openTrips::remove);
                    }
                }
            });
        }
    }

    private void on(VehicleDataReceived m, List<VehicleEvent> announced) {
        Set<DataCategory> uploadable = m.uploadable();
        PrivacyMode fallback;
        if (uploadable.contains(DataCategory.TRIP)) {
            fallback = uploadable.contains(DataCategory.POSITION) ? PrivacyMode.DATA_AND_LOCATION : PrivacyMode.DATA;
        } else if (m.data() != null && "Full".equals(m.data().path("privacy").path("state").asString(null))) {
            // Plane mode lets nothing else through, but a trip it interrupts must say so.
            fallback = PrivacyMode.PLANE;
        } else {
            return;
        }
        Sample s = Sample.of(m.messageId(), m.at(), m.messageType(), m.data(), m.event(), fallback);
        if (s == null || s.at().isBefore(cutoff())) {
            return;
        }
        announced.addAll(apply(m.vin(), s, m.receivedAt()));
    }

    /** Rebuilds the trips of vehicles whose update failed. */
    @Scheduled(fixedDelayString = "${odomo.trips.repair-delay:PT1M}", initialDelayString = "${odomo.trips.repair-delay:PT1M}")
    void repair() {
        for (TripStore.Repair r : store.repairs(100)) {
            try {
                withRetries(r.vin(), () -> rebuild(r.vin(), r.from(), r, new Announcer(r.vin(), clock.instant())));
            } catch (RuntimeException e) {
                log.warn("could not rebuild the trips of {}: {}", r.vin(), e.toString());
            }
        }
    }

    /** Applies one sample of the vehicle and announces the trips it started or ended; never throws. */
    void track(String vin, Sample s, Instant receivedAt) {
        events.append(apply(vin, s, receivedAt));
    }

    /** Applies one sample of the vehicle; never throws. @return the trip events it made */
    private List<VehicleEvent> apply(String vin, Sample s, Instant receivedAt) {
        Announcer[] held = new Announcer[1];
        try {
            withRetries(vin, () -> {
                held[0] = new Announcer(vin, receivedAt);
                step(vin, s, held[0]);
            });
            return held[0].events;
        } catch (RuntimeException e) {
            openTrips.remove(vin);
            failed.increment();
            log.warn("trips of {} not updated with message {}; they will be rebuilt: {}", vin, s.key().id(), e.toString());
            try {
                store.markRepair(vin, s.key());
            } catch (RuntimeException again) {
                log.error("could not mark the trips of {} for rebuilding", vin, again);
            }
            return List.of();
        }
    }

    /**
     * Rebuilds the trips of a vehicle from the log around the message {@code from}.
     *
     * @param repair the repair mark this rebuild answers, cleared with it (under the vehicle lock,
     *               so that a failure marked meanwhile is kept), or null
     */
    private void rebuild(String vin, Key from, TripStore.Repair repair, Announcer announcer) {
        TripStore.Row open = tx.execute(status -> {
            store.lockVehicle(vin);
            TripStore.Row result = replay(vin, from, announcer);
            if (repair != null) {
                store.clearRepair(repair);
                // The repair job's own transaction: announced here, last.
                events.append(announcer.events);
            }
            return result;
        });
        rebuilt.increment();
        cache(vin, open);
    }

    private void withRetries(String vin, Runnable action) {
        for (int attempt = 1;; attempt++) {
            try {
                action.run();
                return;
            } catch (Conflict | TransientDataAccessException e) {
                openTrips.remove(vin);
                conflicts.increment();
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                // The other writer made progress; let it finish rather than meet it again at once.
                backOff(attempt);
            }
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, Math.min(50, 2L << attempt)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void step(String vin, Sample s, Announcer announcer) {
        TripStore.Row cached = openTrips.get(vin);
        if (cached != null && s.key().isAfter(cached.acc().last)) {
            continueOpen(vin, cached, s, announcer);
            return;
        }
        TripStore.Head head = store.head(vin);
        if (head != null && !head.done()) {
            TripStore.Row open = cached != null && cached.id().equals(head.id()) && cached.version() == head.version()
                    ? cached : store.load(head.id()).orElseThrow(() -> new Conflict(vin));
            if (s.key().isAfter(open.acc().last)) {
                continueOpen(vin, open, s, announcer);
                return;
            }
        } else {
            openTrips.remove(vin);
            if (head == null || s.key().isAfter(head.stop())) {
                startFromIdle(vin, head, s, announcer);
                return;
            }
        }
        // Measured before data already applied.
        boolean boundary = s.ignition() != Sample.Ignition.NONE && s.ignition() != Sample.Ignition.OFF;
        if (!boundary && !store.mayBelongToTrip(vin, s.at())) {
            return;
        }
        rebuild(vin, s.key(), null, announcer);
    }

    /** The sample comes after everything the open trip holds. */
    private void continueOpen(String vin, TripStore.Row row, Sample s, Announcer announcer) {
        TripAcc acc = row.acc().copy();
        TripMachine machine = TripMachine.resume(acc);
        if (!machine.apply(s)) {
            return;
        }
        Instant now = clock.instant();
        if (machine.opened().isEmpty()) {
            TripStore.Row next = row.next(acc, now);
            if (!store.update(next, row.version())) {
                throw new Conflict(vin);
            }
            appended.increment();
            if (acc.done()) {
                announcer.ended(next);
            }
            cache(vin, acc.done() ? null : next);
            return;
        }
        // An ignition Start with a trip open: that one ends unfinished and a new one begins.
        TripStore.Row ended = row.next(acc, now);
        TripStore.Row begun = newRow(vin, machine.open(), now);
        tx.executeWithoutResult(status -> {
            store.lockVehicle(vin);
            if (!store.update(ended, row.version())) {
                throw new Conflict(vin);
            }
            store.insert(begun);
        });
        appended.increment();
        opened.increment();
        announcer.ended(ended);
        announcer.started(begun);
        cache(vin, begun);
    }

    /** No trip is open and the sample comes after the latest trip. */
    private void startFromIdle(String vin, TripStore.Head head, Sample s, Announcer announcer) {
        TripMachine machine = TripMachine.idle(head != null && head.end() == TripAcc.End.STOP,
                head == null ? null : head.stop().at());
        if (!machine.apply(s)) {
            return;
        }
        if (laterDataStoredBefore(vin, s.key(), announcer.receivedAt)) {
            // Samples measured after this one were stored (and passed over) before it: replay them.
            rebuild(vin, s.key(), null, announcer);
            return;
        }
        Instant now = clock.instant();
        List<TripStore.Row> rows = machine.opened().stream().map(a -> newRow(vin, a, now)).toList();
        tx.executeWithoutResult(status -> {
            store.lockVehicle(vin);
            if (!Objects.equals(store.head(vin), head)) {
                throw new Conflict(vin);
            }
            rows.forEach(store::insert);
        });
        opened.increment();
        rows.forEach(announcer::started);
        cache(vin, machine.open() == null ? null : rows.get(rows.size() - 1));
    }

    /** Whether a message measured after {@code key} was received before the message at {@code key}. */
    private boolean laterDataStoredBefore(String vin, Key key, Instant receivedAt) {
        Instant received = receivedAt.truncatedTo(ChronoUnit.MICROS);
        Instant from = key.at();
        int limit = 50;
        while (true) {
            List<StoredMessage> page = history.messages(vin, from, TripStore.DISTANT_FUTURE, limit);
            for (StoredMessage m : page) {
                if (new Key(m.measuredAt(), m.id()).isAfter(key) && m.receivedAt().isBefore(received)) {
                    return true;
                }
            }
            if (page.size() < limit) {
                return false;
            }
            Instant last = page.get(page.size() - 1).measuredAt();
            if (last.equals(from)) {
                limit *= 2;
            }
            from = last;
        }
    }

    /**
     * Rebuilds the vehicle's trips from the log, from the last idle point before {@code late},
     * within the caller's transaction and vehicle lock.
     *
     * @return the open trip when the rebuild reached the end of the log with a trip open, else null
     */
    private TripStore.Row replay(String vin, Key late, Announcer announcer) {
        // Where the sequence is known: after an earlier trip that ended idle, or at the start of
        // an earlier trip (its ignition Start, or the idle state before an unstarted trip).
        List<TripStore.Row> earlier = store.startedUpTo(vin, late.at(), 4).stream()
                .filter(r -> r.acc().start.isBefore(late)).toList();
        Key from;
        boolean inclusive;
        TripMachine machine;
        if (earlier.isEmpty()) {
            from = late;
            inclusive = true;
            machine = TripMachine.idle(false, null);
        } else {
            TripAcc t = earlier.get(0).acc();
            if (t.done() && t.end != TripAcc.End.NEXT && t.stop.isBefore(late)) {
                from = t.stop;
                inclusive = false;
                machine = TripMachine.idle(t.end == TripAcc.End.STOP, t.stop.at());
            } else {
                from = t.start;
                inclusive = true;
                TripAcc p = !t.startSeen && earlier.size() > 1 ? earlier.get(1).acc() : null;
                machine = TripMachine.idle(p != null && p.end == TripAcc.End.STOP,
                        p == null || p.stop == null ? null : p.stop.at());
            }
        }
        Key start = from;
        List<TripStore.Row> old = store.startedFrom(vin, from.at()).stream()
                .filter(r -> inclusive ? !r.acc().start.isBefore(start) : r.acc().start.isAfter(start)).toList();
        Map<Key, TripStore.Row> oldStops = new HashMap<>();
        old.stream().filter(r -> r.acc().end == TripAcc.End.STOP).forEach(r -> oldStops.put(r.acc().stop, r));

        Key converged = replayLog(vin, from, inclusive, machine, late, oldStops);

        List<TripAcc> fresh = new ArrayList<>(machine.closed());
        if (converged == null && machine.open() != null) {
            fresh.add(machine.open());
        }
        List<TripStore.Row> replaced = converged == null ? old
                : old.stream().filter(r -> !r.acc().start.isAfter(converged)).toList();
        return write(vin, fresh, replaced, announcer);
    }

    /** Feeds the log from {@code from} to the machine; returns the stop key where it met the stored trips, or null. */
    private Key replayLog(String vin, Key from, boolean inclusive, TripMachine machine, Key late,
            Map<Key, TripStore.Row> oldStops) {
        PrivacyMode fallback = registry.findCached(vin).map(Vehicle::privacyMode).orElse(PrivacyMode.DATA_AND_LOCATION);
        Instant cutoff = cutoff();
        Instant pageFrom = from.at();
        int limit = PAGE;
        while (true) {
            List<StoredMessage> page = new ArrayList<>(history.messages(vin, pageFrom, TripStore.DISTANT_FUTURE, limit));
            page.sort(Comparator.comparing((StoredMessage m) -> new Key(m.measuredAt(), m.id())));
            boolean full = page.size() == limit;
            Instant lastAt = page.isEmpty() ? null : page.get(page.size() - 1).measuredAt();
            if (full && page.get(0).measuredAt().equals(lastAt)) {
                limit *= 2;
                continue;
            }
            for (StoredMessage m : page) {
                if (full && m.measuredAt().equals(lastAt)) {
                    break; // read again whole with the next page
                }
                Key key = new Key(m.measuredAt(), m.id());
                if (inclusive ? key.isBefore(from) : !key.isAfter(from)) {
                    continue;
                }
                JsonNode root = json.readTree(m.body());
                Sample s = Sample.of(m.id(), m.measuredAt(), m.type(), root.get("data"), root.get("event"), fallback);
                if (s == null || s.at().isBefore(cutoff)) {
                    continue;
                }
                int closedBefore = machine.closed().size();
                machine.apply(s);
                if (machine.closed().size() > closedBefore) {
                    TripAcc ended = machine.closed().get(machine.closed().size() - 1);
                    if (ended.end == TripAcc.End.STOP && !ended.stop.isBefore(late) && oldStops.containsKey(ended.stop)) {
                        return ended.stop;
                    }
                }
            }
            if (!full) {
                return null;
            }
            pageFrom = lastAt;
        }
    }

    /**
     * Writes rebuilt trips over the ones they replace, reusing the ids of trips they overlap; a
     * trip that is new, or that ends now and did not before, is announced.
     */
    private TripStore.Row write(String vin, List<TripAcc> rebuilt, List<TripStore.Row> replaced, Announcer announcer) {
        Instant now = clock.instant();
        Set<String> reused = new HashSet<>();
        TripStore.Row open = null;
        for (TripAcc acc : rebuilt) {
            TripStore.Row match = replaced.stream().filter(r -> !reused.contains(r.id()) && overlap(r.acc(), acc))
                    .findFirst().orElse(null);
            TripStore.Row row;
            if (match == null) {
                row = newRow(vin, acc, now);
                store.insert(row);
                announcer.started(row);
            } else {
                reused.add(match.id());
                if (acc.toJson().equals(match.acc().toJson())) {
                    row = match;
                    if (!store.keep(match.id(), match.version())) {
                        throw new Conflict(vin);
                    }
                } else {
                    row = match.next(acc, now);
                    if (!store.update(row, match.version())) {
                        throw new Conflict(vin);
                    }
                    if (acc.done() && !match.acc().done()) {
                        announcer.ended(row);
                    }
                }
            }
            if (!acc.done()) {
                open = row;
            }
        }
        for (TripStore.Row r : replaced) {
            if (!reused.contains(r.id()) && !store.delete(r.id(), r.version())) {
                throw new Conflict(vin);
            }
        }
        return open;
    }

    private static boolean overlap(TripAcc a, TripAcc b) {
        return (a.stop == null || !b.start.isAfter(a.stop)) && (b.stop == null || !a.start.isAfter(b.stop));
    }

    private static TripStore.Row newRow(String vin, TripAcc acc, Instant now) {
        return new TripStore.Row(UUID.randomUUID().toString().replace("-", ""), vin, 1, acc, now, now);
    }

    private void cache(String vin, TripStore.Row open) {
        if (open == null) {
            openTrips.remove(vin);
            return;
        }
        if (openTrips.size() >= CACHE_LIMIT) {
            Iterator<String> it = openTrips.keySet().iterator();
            for (int drop = CACHE_LIMIT / 4; it.hasNext() && drop > 0; drop--) {
                it.next();
                it.remove();
            }
        }
        openTrips.put(vin, open);
    }

    private Instant cutoff() {
        return clock.instant().minus(retention.keep());
    }
}
