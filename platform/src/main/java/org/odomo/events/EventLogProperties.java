package org.odomo.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Vehicle event log settings.
 *
 * @param partitions        how many partitions the log has; a VIN always hashes to the same one.
 *                          Fixed when the database is first used: a node configured otherwise
 *                          refuses to start, because moving VINs between partitions would break
 *                          their order
 * @param batchSize         most events handed to a consumer at once (one transaction)
 * @param pollInterval      how often each node looks for events appended by other nodes (events
 *                          this node appends wake its dispatcher at once)
 * @param dispatchThreads   threads feeding the consumers on each node; each takes a fixed share
 *                          of the partitions
 * @param failureBackoff    how long a consumer that failed on a partition is left alone before the
 *                          batch is handed again (doubling on every further failure, up to ten times as long)
 * @param retentionInterval how often one node of the cluster deletes events every consumer has
 *                          handled, and events older than the history retention
 * @param metricsInterval   how often each node reads the consumers' lag for its gauges
 */
@ConfigurationProperties("odomo.events")
public record EventLogProperties(int partitions, int batchSize, Duration pollInterval, int dispatchThreads,
        Duration failureBackoff, Duration retentionInterval, Duration metricsInterval) {

    public EventLogProperties {
        partitions = partitions <= 0 ? 16 : partitions;
        batchSize = batchSize <= 0 ? 500 : batchSize;
        pollInterval = positive(pollInterval, Duration.ofMillis(250));
        dispatchThreads = dispatchThreads <= 0 ? 2 : Math.min(dispatchThreads, partitions);
        failureBackoff = positive(failureBackoff, Duration.ofSeconds(1));
        retentionInterval = positive(retentionInterval, Duration.ofMinutes(10));
        metricsInterval = positive(metricsInterval, Duration.ofSeconds(10));
    }

    private static Duration positive(Duration given, Duration otherwise) {
        return given == null || given.isNegative() || given.isZero() ? otherwise : given;
    }
}
