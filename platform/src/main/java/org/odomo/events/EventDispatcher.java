package org.odomo.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.odomo.state.RetentionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

/**
 * Feeds the log to the consumers, on every node. Each of its threads owns a fixed share of the
 * partitions and, for each consumer and partition, in one transaction: takes the consumer's cursor
 * row ({@code FOR UPDATE SKIP LOCKED}: a cursor another node is working on is passed over), reads
 * the next events after it, hands them to the consumer and moves the cursor past them. A consumer
 * that throws gets the same batch again after a back-off; a node that dies mid-batch loses its
 * database connection and with it the lock and everything the batch wrote.
 *
 * <p>The partitions are polled, and this node's own appends wake the dispatcher at once. One node
 * of the cluster at a time also deletes what the log no longer needs.
 */
@Component
class EventDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
    private static final String RETENTION_JOB = "retention";
    /** Batches one consumer may take from one partition before the thread moves on to the next. */
    private static final int ROUND = 20;

    private final EventLogStore store;
    private final AppendSignal signal;
    private final List<VehicleEventConsumer> consumers;
    private final EventLogProperties settings;
    private final RetentionProperties retention;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagAgeMillis = new ConcurrentHashMap<>();
    private final Consumer<Set<Integer>> wake = this::wake;
    private volatile ThreadPoolTaskScheduler scheduler;
    private volatile Shard[] shards = new Shard[0];

    /** Consecutive failures of a consumer in a partition, and when to try again. */
    private record Failures(int count, Instant notBefore) {
    }

    /**
     * The partitions one thread feeds: all of them at every poll, and those this node appended to
     * as soon as it did. At most one run at a time; partitions woken during a run are drained
     * before it ends.
     */
    private final class Shard {
        final List<Integer> partitions = new ArrayList<>();
        final Set<Integer> woken = ConcurrentHashMap.newKeySet();
        final AtomicBoolean busy = new AtomicBoolean();

        void poll() {
            woken.addAll(partitions);
            run();
        }

        void run() {
            if (!busy.compareAndSet(false, true)) {
                return;
            }
            try {
                while (!woken.isEmpty() && isRunning()) {
                    List<Integer> due = new ArrayList<>(woken);
                    woken.removeAll(due);
                    due.sort(null);
                    drain(due);
                }
            } catch (RuntimeException e) {
                log.error("event dispatch failed; trying again at the next poll", e);
            } finally {
                busy.set(false);
            }
            if (!woken.isEmpty() && isRunning()) {
                // Woken between the last check and the release: that wake found the shard busy.
                wakeLater(this);
            }
        }
    }

    EventDispatcher(EventLogStore store, AppendSignal signal, List<VehicleEventConsumer> consumers,
            EventLogProperties settings, RetentionProperties retention, PlatformTransactionManager transactions,
            MeterRegistry meters, Optional<Clock> clock) {
        this.store = store;
        this.signal = signal;
        this.consumers = List.copyOf(consumers);
        this.settings = settings;
        this.retention = retention;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock.orElse(Clock.systemUTC());
        this.meters = meters;
        Set<String> names = new HashSet<>();
        for (VehicleEventConsumer c : this.consumers) {
            if (!names.add(c.name())) {
                throw new IllegalStateException("two event consumers are named " + c.name());
            }
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        store.ensurePartitions();
        Instant now = clock.instant();
        for (VehicleEventConsumer c : consumers) {
            store.ensureCursors(c.name(), now);
            registerGauges(c.name());
        }
        Shard[] built = new Shard[settings.dispatchThreads()];
        for (int i = 0; i < built.length; i++) {
            built[i] = new Shard();
        }
        for (int p = 0; p < store.partitions(); p++) {
            built[p % built.length].partitions.add(p);
        }
        shards = built;
        ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
        s.setPoolSize(built.length + 1);
        s.setThreadNamePrefix("events-");
        s.setWaitForTasksToCompleteOnShutdown(true);
        s.setAwaitTerminationSeconds(10);
        s.initialize();
        scheduler = s;
        if (!consumers.isEmpty()) {
            for (Shard shard : built) {
                s.scheduleWithFixedDelay(shard::poll, settings.pollInterval());
            }
        }
        s.scheduleWithFixedDelay(this::refreshLag, settings.metricsInterval());
        s.scheduleWithFixedDelay(this::retain, settings.retentionInterval());
        signal.listen(wake);
    }

    @Override
    public synchronized void stop() {
        ThreadPoolTaskScheduler s = scheduler;
        if (s == null) {
            return;
        }
        signal.forget(wake);
        scheduler = null;
        s.shutdown();
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    @Override
    public int getPhase() {
        // Start before and stop after ingestion (which writes the log) and its transports.
        return Integer.MAX_VALUE - 2000;
    }

    private void wake(Set<Integer> appendedTo) {
        if (consumers.isEmpty()) {
            return;
        }
        Shard[] current = shards;
        for (int part : appendedTo) {
            Shard shard = current[part % current.length];
            if (shard.woken.add(part) && !shard.busy.get()) {
                wakeLater(shard);
            }
        }
    }

    private void wakeLater(Shard shard) {
        ThreadPoolTaskScheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            s.execute(shard::run);
        } catch (RuntimeException e) {
            // Shutting down: nothing to feed any more.
        }
    }

    private void drain(List<Integer> partitions) {
        for (int part : partitions) {
            for (VehicleEventConsumer consumer : consumers) {
                for (int batch = 0; batch < ROUND && isRunning(); batch++) {
                    if (!dispatch(consumer, part)) {
                        break;
                    }
                }
            }
        }
    }

    /**
     * Hands the consumer its next batch of the partition, if it has one and no other node is at it.
     *
     * @return whether the batch was full, so that more may follow at once
     */
    boolean dispatch(VehicleEventConsumer consumer, int part) {
        String key = consumer.name() + '/' + part;
        Failures failed = failures.get(key);
        if (failed != null && clock.instant().isBefore(failed.notBefore())) {
            return false;
        }
        try {
            Boolean full = tx.execute(status -> {
                Long cursor = store.lockCursor(consumer.name(), part);
                if (cursor == null) {
                    return false;
                }
                List<EventLogStore.Stored> stored = store.readAfter(part, cursor, settings.batchSize());
                if (stored.isEmpty()) {
                    return false;
                }
                if (consumer instanceof LogPositionAware positioned) {
                    positioned.handleStored(part, stored);
                } else {
                    List<VehicleEvent> events = new ArrayList<>(stored.size());
                    stored.forEach(s -> events.add(s.event()));
                    consumer.handle(events);
                }
                store.moveCursor(consumer.name(), part, stored.get(stored.size() - 1).pos(), clock.instant());
                handled(consumer.name()).increment(stored.size());
                return stored.size() == settings.batchSize();
            });
            failures.remove(key);
            return Boolean.TRUE.equals(full);
        } catch (RuntimeException e) {
            int count = failed == null ? 1 : failed.count() + 1;
            Duration wait = settings.failureBackoff().multipliedBy(1L << Math.min(count - 1, 3));
            Duration most = settings.failureBackoff().multipliedBy(10);
            failures.put(key, new Failures(count, clock.instant().plus(wait.compareTo(most) > 0 ? most : wait)));
            Counter.builder("odomo.events.consumer.failures").description("Batches a consumer failed on")
                    .tag("consumer", consumer.name()).register(meters).increment();
            log.warn("event consumer {} failed on partition {} ({} time(s) in a row); the batch comes again: {}",
                    consumer.name(), part, count, e.toString());
            return false;
        }
    }

    private Counter handled(String consumer) {
        return Counter.builder("odomo.events.handled").description("Vehicle events handed to a consumer and committed")
                .tag("consumer", consumer).register(meters);
    }

    private void registerGauges(String consumer) {
        AtomicLong events = lag.computeIfAbsent(consumer, c -> new AtomicLong());
        AtomicLong age = lagAgeMillis.computeIfAbsent(consumer, c -> new AtomicLong());
        Gauge.builder("odomo.events.lag", events, AtomicLong::get).description("Events the consumer has yet to handle")
                .tag("consumer", consumer).register(meters);
        TimeGauge.builder("odomo.events.lag.age", age, TimeUnit.MILLISECONDS, AtomicLong::get)
                .description("How long the oldest event the consumer has yet to handle has been in the log")
                .tag("consumer", consumer).register(meters);
    }

    private void refreshLag() {
        try {
            Map<String, Long> events = store.lagEvents();
            Map<String, Instant> oldest = store.oldestUnhandled();
            Instant now = clock.instant();
            lag.forEach((consumer, value) -> value.set(events.getOrDefault(consumer, 0L)));
            lagAgeMillis.forEach((consumer, value) -> {
                Instant at = oldest.get(consumer);
                value.set(at == null ? 0 : Math.max(0, Duration.between(at, now).toMillis()));
            });
        } catch (RuntimeException e) {
            log.warn("could not read the event consumers' lag: {}", e.toString());
        }
    }

    /** Deletes handled and expired events, on one node of the cluster per interval. */
    void retain() {
        try {
            Instant now = clock.instant();
            // The claim commits at once: the job is then not due for the other nodes, and the
            // deletes that follow run in short transactions of their own.
            Boolean claimed = tx.execute(status -> store.claimJob(RETENTION_JOB,
                    now.minus(settings.retentionInterval()).plusMillis(500), now));
            if (Boolean.TRUE.equals(claimed)) {
                long deleted = store.deleteHandledAndOlderThan(now.minus(retention.keep()), retention.batchSize());
                log.debug("deleted {} events from the log", deleted);
            }
        } catch (RuntimeException e) {
            log.warn("event log retention failed; it runs again later: {}", e.toString());
        }
    }
}
