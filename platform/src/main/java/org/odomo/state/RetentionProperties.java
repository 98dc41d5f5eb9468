package org.odomo.state;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long vehicle history is kept.
 *
 * @param keep      age past which history is purged (the API promises two months)
 * @param batchSize rows deleted per statement, so that no purge holds long locks
 * @param cron      when the purge runs
 */
@ConfigurationProperties("odomo.retention")
public record RetentionProperties(Duration keep, int batchSize, String cron) {

    public RetentionProperties {
        keep = keep == null ? Duration.ofDays(60) : keep;
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("odomo.retention.keep must be positive");
        }
        batchSize = batchSize <= 0 ? 5000 : batchSize;
        cron = cron == null ? "0 17 * * * *" : cron;
    }
}
