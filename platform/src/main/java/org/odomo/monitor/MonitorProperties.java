package org.odomo.monitor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Monitor evaluation settings.
 *
 * @param tickInterval how often one node of the cluster evaluates the monitors that change with
 *                     time alone (time windows opening or closing, reminders due) against their
 *                     vehicle's last known state: how late, at most, such a notification is
 */
@ConfigurationProperties("odomo.monitors")
record MonitorProperties(Duration tickInterval) {

    MonitorProperties {
        tickInterval = tickInterval == null || tickInterval.isNegative() || tickInterval.isZero()
                ? Duration.ofSeconds(15) : tickInterval;
    }
}
