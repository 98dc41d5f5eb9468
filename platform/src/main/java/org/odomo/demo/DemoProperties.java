package org.odomo.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo data and simulated fleet of the embedded default.
 *
 * @param enabled  seed demo accounts and vehicles on first start
 * @param password password of every demo account
 * @param backfill on first start, the simulated fleet first lives this much of the past at full
 *                 speed, so that trips, alerts and charges exist at once (default 14 days; zero: none)
 * @param driveNow this many demo cars leave on a trip within a minute of going live, to watch one drive
 */
@ConfigurationProperties("odomo.demo")
public record DemoProperties(boolean enabled, String password, Duration backfill, int driveNow) {

    public DemoProperties {
        password = password == null || password.isBlank() ? "odomo-demo" : password;
        if (password.length() < 8) {
            throw new IllegalArgumentException("odomo.demo.password needs at least 8 characters");
        }
        backfill = backfill == null ? Duration.ofDays(14) : backfill;
        if (backfill.isNegative() || backfill.compareTo(Duration.ofDays(59)) > 0) {
            // beyond the history kept (two months) the oldest data would be purged as it lands
            throw new IllegalArgumentException("odomo.demo.backfill must be between 0 and 59 days");
        }
        if (driveNow < 0) {
            throw new IllegalArgumentException("odomo.demo.drive-now must not be negative");
        }
    }
}
