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
 * @param fleetCache how many fleets' monitor lists (parsed) a node keeps (default 10,000): the
 *                   evaluation asks for a fleet vehicle's monitors on every message
 * @param fleetCacheTtl how long a node keeps a fleet's monitor list (default 5 s): a monitor
 *                      created, changed or deleted on another node counts on this one after it
 *                      at most (this node drops its copy on each change it commits)
 * @param maxPerFleet the most monitors one fleet may have (default 100): each message of each of
 *                    its vehicles is evaluated against all of them; creating one more is refused (403)
 */
@ConfigurationProperties("odomo.monitors")
record MonitorProperties(Duration tickInterval, Integer definitionCache, Integer fleetCache, Duration fleetCacheTtl,
        Integer maxPerFleet) {

    MonitorProperties {
        tickInterval = tickInterval == null || tickInterval.isNegative() || tickInterval.isZero()
                ? Duration.ofSeconds(15) : tickInterval;
        definitionCache = definitionCache == null || definitionCache < 1 ? 20_000 : definitionCache;
        fleetCache = fleetCache == null || fleetCache < 1 ? 10_000 : fleetCache;
        fleetCacheTtl = fleetCacheTtl == null || fleetCacheTtl.isNegative() || fleetCacheTtl.isZero()
                ? Duration.ofSeconds(5) : fleetCacheTtl;
        maxPerFleet = maxPerFleet == null ? 100 : maxPerFleet;
        if (maxPerFleet < 1) {
            throw new IllegalArgumentException("odomo.monitors.max-per-fleet must be at least 1");
        }
    }
}
