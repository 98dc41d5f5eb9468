package org.odomo.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Failure counters by key (an account, a source address, a VIN...) with growing delays: after
 * the limit's free failures, the next attempt under that key must wait, twice as long after each
 * further failure. A key with no failure for the window is forgotten. In memory, bounded.
 */
final class Backoff {

    private record Failures(int count, Instant last) {
    }

    private final ThrottleProperties.Limit limit;
    private final Clock clock;
    private final Cache<String, Failures> failures;

    Backoff(ThrottleProperties.Limit limit, Duration window, long maxEntries, Clock clock) {
        this.limit = limit;
        this.clock = clock;
        this.failures = Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(maxEntries)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** How long an attempt under this key must still wait; zero when it may go ahead. */
    Duration wait(String key) {
        Failures recorded = failures.getIfPresent(key);
        if (recorded == null) {
            return Duration.ZERO;
        }
        Instant allowedFrom = recorded.last().plus(limit.delayAfter(recorded.count()));
        Duration wait = Duration.between(clock.instant(), allowedFrom);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    void failed(String key) {
        Instant now = clock.instant();
        failures.asMap().merge(key, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
    }

    void reset(String key) {
        failures.invalidate(key);
    }
}
