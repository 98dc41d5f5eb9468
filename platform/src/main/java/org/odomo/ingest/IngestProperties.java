package org.odomo.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Ingestion pipeline settings.
 *
 * @param workers       parallel writers; each owns a fixed share of the VINs, so one vehicle's
 *                      messages are always written in arrival order
 * @param batchSize     most messages written in one transaction
 * @param queueCapacity messages waiting per worker before senders are slowed down
 */
@ConfigurationProperties("odomo.ingest")
public record IngestProperties(int workers, int batchSize, int queueCapacity) {

    public IngestProperties {
        workers = workers <= 0 ? 2 : workers;
        batchSize = batchSize <= 0 ? 500 : batchSize;
        queueCapacity = queueCapacity <= 0 ? 20_000 : queueCapacity;
    }
}
