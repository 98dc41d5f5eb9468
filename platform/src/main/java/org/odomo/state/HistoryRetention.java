package org.odomo.state;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges history older than the retention period, in small batches (each its own short
 * transaction) so that ingestion never waits behind a long delete, on H2 and PostgreSQL alike.
 * Active alerts are kept whatever their age: they are still the vehicle's present.
 */
@Component
public class HistoryRetention {

    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final JdbcTemplate jdbc;
    private final RetentionProperties settings;
    private final Clock clock;

    HistoryRetention(JdbcTemplate jdbc, RetentionProperties settings, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(cron = "${odomo.retention.cron:0 17 * * * *}")
    public void scheduledPurge() {
        Map<String, Integer> purged = purge();
        if (purged.values().stream().anyMatch(n -> n > 0)) {
            log.info("retention purge removed {}", purged);
        }
    }

    /** Deletes everything older than the retention period; returns rows removed per table. */
    public Map<String, Integer> purge() {
        return purgeOlderThan(clock.instant().minus(settings.keep()));
    }

    public Map<String, Integer> purgeOlderThan(Instant cutoff) {
        var at = cutoff.atOffset(ZoneOffset.UTC);
        int n = settings.batchSize();
        Map<String, Integer> removed = new LinkedHashMap<>();
        removed.put("vehicle_message", drain("""
                DELETE FROM vehicle_message WHERE (vin, msg_id) IN
                  (SELECT vin, msg_id FROM vehicle_message WHERE received_at < ? LIMIT ?)""", at, n));
        removed.put("position_history", drain("""
                DELETE FROM position_history WHERE (vin, measured_at, msg_id) IN
                  (SELECT vin, measured_at, msg_id FROM position_history WHERE measured_at < ? LIMIT ?)""", at, n));
        removed.put("maintenance_record", drain("""
                DELETE FROM maintenance_record WHERE (vin, measured_at, msg_id) IN
                  (SELECT vin, measured_at, msg_id FROM maintenance_record WHERE measured_at < ? LIMIT ?)""", at, n));
        removed.put("alert", drain("""
                DELETE FROM alert WHERE id IN
                  (SELECT id FROM alert WHERE NOT active AND updated_at < ? LIMIT ?)""", at, n));
        removed.put("collision", drain("""
                DELETE FROM collision WHERE id IN (SELECT id FROM collision WHERE occurred_at < ? LIMIT ?)""", at, n));
        removed.put("alarm_event", drain("""
                DELETE FROM alarm_event WHERE id IN (SELECT id FROM alarm_event WHERE measured_at < ? LIMIT ?)""", at, n));
        return removed;
    }

    private int drain(String sql, Object cutoff, int batch) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(sql, cutoff, batch);
            total += deleted;
        } while (deleted == batch);
        return total;
    }
}
