package org.odomo.delivery.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The engine's meters: {@code odomo.delivery.queued}, {@code .delivered}, {@code .retried} (a
 * failed attempt that will be tried again), {@code .dropped} (tagged with the reason),
 * {@code .attempt} (latency, tagged with the channel and whether it was received) and the gauge
 * {@code .oldest.undelivered.age} (seconds since the oldest waiting notification was written,
 * across the cluster).
 */
@Component
class DeliveryMetrics {

    private final MeterRegistry meters;
    private final Counter queued;
    private final Counter delivered;
    private final Counter retried;

    DeliveryMetrics(MeterRegistry meters, OutboxStore store, Optional<Clock> clock) {
        this.meters = meters;
        Clock c = clock.orElse(Clock.systemUTC());
        this.queued = meters.counter("odomo.delivery.queued");
        this.delivered = meters.counter("odomo.delivery.delivered");
        this.retried = meters.counter("odomo.delivery.retried");
        Gauge.builder("odomo.delivery.oldest.undelivered.age", store, s -> s.oldestOpen()
                .map(t -> (double) Math.max(0, Duration.between(t, c.instant()).toMillis()) / 1000.0).orElse(0.0))
                .baseUnit("seconds").register(meters);
    }

    void queued() {
        queued.increment();
    }

    void delivered(int n) {
        delivered.increment(n);
    }

    void retried(int n) {
        retried.increment(n);
    }

    void dropped(String reason, int n) {
        if (n > 0) {
            meters.counter("odomo.delivery.dropped", "reason", reason).increment(n);
        }
    }

    void attempt(String channel, boolean received, Duration latency) {
        Timer.builder("odomo.delivery.attempt").tag("channel", channel).tag("received", Boolean.toString(received))
                .register(meters).record(latency);
    }

    static Instant now(Clock clock) {
        return clock.instant();
    }
}
