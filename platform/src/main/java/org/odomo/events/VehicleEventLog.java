package org.odomo.events;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The durable vehicle event log: appending (the ingest chain, and consumers that derive further
 * events) and whether the consumers have caught up.
 */
@Service
public class VehicleEventLog {

    private final EventLogStore store;
    private final AppendSignal signal;
    private final ObjectProvider<VehicleEventConsumer> consumers;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Counter appended;

    VehicleEventLog(EventLogStore store, AppendSignal signal, ObjectProvider<VehicleEventConsumer> consumers,
            PlatformTransactionManager transactions, MeterRegistry meters, Optional<Clock> clock) {
        this.store = store;
        this.signal = signal;
        this.consumers = consumers;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock.orElse(Clock.systemUTC());
        this.appended = Counter.builder("odomo.events.appended").description("Vehicle events appended to the log")
                .register(meters);
    }

    /**
     * Appends the events in the caller's transaction (in one of its own when there is none): they
     * become visible to consumers when it commits, and vanish if it rolls back. Call it last in the
     * transaction: the partitions it appends to stay locked until the end.
     */
    public void append(List<VehicleEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            tx.executeWithoutResult(status -> append(events));
            return;
        }
        Instant now = clock.instant();
        Set<Integer> partitions = store.append(events, now);
        int count = events.size();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                appended.increment(count);
                signal.committed(partitions);
            }
        });
    }

    /** Whether every consumer has handled every event committed so far. */
    public boolean caughtUp() {
        return store.caughtUp(consumers.orderedStream().map(VehicleEventConsumer::name).toList());
    }
}
