package org.odomo.ingest;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Counts every message by outcome ({@code odomo.ingest.messages}) and logs rejections with the
 * VIN; the log is capped per minute so a misbehaving vehicle cannot flood it, while the counters
 * stay exact.
 */
@Component
class IngestMetrics {

    private static final Logger log = LoggerFactory.getLogger(IngestMetrics.class);
    private static final int LOG_LINES_PER_MINUTE = 60;

    private final Map<IngestOutcome, Counter> outcomes = new EnumMap<>(IngestOutcome.class);
    private final Timer batchTimer;
    private final Counter retries;
    private final AtomicLong logWindowStart = new AtomicLong();
    private final AtomicLong logLinesInWindow = new AtomicLong();

    IngestMetrics(MeterRegistry registry) {
        for (IngestOutcome outcome : IngestOutcome.values()) {
            outcomes.put(outcome, Counter.builder("odomo.ingest.messages")
                    .description("Vehicle messages by final outcome")
                    .tag("outcome", outcome.name().toLowerCase())
                    .register(registry));
        }
        batchTimer = Timer.builder("odomo.ingest.batch").description("Time to write one batch").register(registry);
        retries = Counter.builder("odomo.ingest.retries").description("Batches retried").register(registry);
    }

    void outcome(IngestOutcome outcome) {
        outcomes.get(outcome).increment();
    }

    void rejected(IngestOutcome outcome, String vin, String reason) {
        outcome(outcome);
        if (mayLog()) {
            log.warn("rejected vehicle message: outcome={} vin={} reason={}", outcome, vin, reason);
        }
    }

    Timer batchTimer() {
        return batchTimer;
    }

    void retried() {
        retries.increment();
    }


    private boolean mayLog() {
        long minute = System.currentTimeMillis() / 60_000;
        if (logWindowStart.getAndSet(minute) != minute) {
            logLinesInWindow.set(0);
        }
        long n = logLinesInWindow.incrementAndGet();
        if (n == LOG_LINES_PER_MINUTE + 1) {
            log.warn("more rejected vehicle messages this minute; see odomo.ingest.messages");
        }
        return n <= LOG_LINES_PER_MINUTE;
    }
}
