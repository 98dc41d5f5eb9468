package org.odomo.monitor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Monitor evaluation settings.
 *
 * @param tickInterval how often one node of the cluster evaluates the monitors that change with
 *                     time alone (time windows opening or closing, reminders due) against their
 *                     vehicle's last known state: how late, at most, such a notification is
 * @param definitionCache how many parsed monitor definitions a node keeps (default 20,000): a
 *                        monitor whose definition is not kept is parsed again from its stored JSON
 *                        for every batch that evaluates it
 */
@ConfigurationProperties("odomo.monitors")
record MonitorProperties(Duration tickInterval, Integer definitionCache) {

    MonitorProperties {
        tickInterval = tickInterval == null || tickInterval.isNegative() || tickInterval.isZero()
                ? Duration.ofSeconds(15) : tickInterval;
        definitionCache = definitionCache == null || definitionCache < 1 ? 20_000 : definitionCache;
    }
}
