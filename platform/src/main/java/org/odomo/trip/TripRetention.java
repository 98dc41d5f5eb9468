package org.odomo.trip;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.odomo.state.RetentionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges trips whose latest data is older than the history retention (the API keeps two months),
 * in batches of short transactions, on the history purge's schedule.
 */
@Component
public class TripRetention {

    private static final Logger log = LoggerFactory.getLogger(TripRetention.class);

    private final TripStore store;
    private final RetentionProperties settings;
    private final Clock clock;

    TripRetention(TripStore store, RetentionProperties settings, Optional<Clock> clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(cron = "${odomo.retention.cron:0 17 * * * *}")
    public void scheduledPurge() {
        int removed = purge();
        if (removed > 0) {
            log.info("retention purge removed {} trips", removed);
        }
    }

    /** Deletes the trips older than the retention period; returns how many. */
    public int purge() {
        return purgeOlderThan(clock.instant().minus(settings.keep()));
    }

    /** Deletes the trips whose latest sample was measured before {@code cutoff}. */
    public int purgeOlderThan(Instant cutoff) {
        int batch = settings.batchSize();
        int total = 0;
        int deleted;
        do {
            deleted = store.purge(cutoff, batch);
            total += deleted;
        } while (deleted == batch);
        return total;
    }
}
