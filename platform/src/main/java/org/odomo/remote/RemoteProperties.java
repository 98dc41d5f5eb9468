package org.odomo.remote;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Remote action settings.
 *
 * @param shortTimeWindow     the window in which {@code maxRequestsInWindow} requests per vehicle are
 *                            accepted; more fail with {@code TooManyRequestInShortTime}
 * @param maxRequestsInWindow see {@code shortTimeWindow}
 * @param wakeUpsPerMonth     wake-ups the platform sends one vehicle per calendar month (UTC); a
 *                            request that needs one more fails with {@code TooManyWakeUpsOverMonth}
 * @param minBatteryLevel     an electric vehicle whose battery is below this level (percent) takes
 *                            no remote but charging ({@code NotPossibleDueToVehicleBatteryLevel})
 * @param awakeFor            how long after the last message a vehicle counts as awake (cars stay
 *                            awake 3 minutes after the last exchange; a margin for the transit)
 * @param answerTimeout       how long a vehicle has to finish an action, wake-up included, before
 *                            it fails with {@code VehicleConnectionTimeout}
 * @param resendAfter         an unacknowledged command is sent again, with the same id, this long
 *                            after the previous sending
 * @param sweepInterval       how often each node looks for actions past their time-out or due to
 *                            be sent again
 */
@ConfigurationProperties("odomo.remotes")
record RemoteProperties(Duration shortTimeWindow, Integer maxRequestsInWindow, Integer wakeUpsPerMonth,
        Integer minBatteryLevel, Duration awakeFor, Duration answerTimeout, Duration resendAfter,
        Duration sweepInterval) {

    RemoteProperties {
        shortTimeWindow = positive(shortTimeWindow, Duration.ofMinutes(1));
        maxRequestsInWindow = maxRequestsInWindow == null || maxRequestsInWindow < 1 ? 5 : maxRequestsInWindow;
        wakeUpsPerMonth = wakeUpsPerMonth == null || wakeUpsPerMonth < 0 ? 100 : wakeUpsPerMonth;
        minBatteryLevel = minBatteryLevel == null || minBatteryLevel < 0 ? 5 : minBatteryLevel;
        awakeFor = positive(awakeFor, Duration.ofSeconds(150));
        answerTimeout = positive(answerTimeout, Duration.ofMinutes(2));
        resendAfter = positive(resendAfter, Duration.ofSeconds(20));
        sweepInterval = positive(sweepInterval, Duration.ofSeconds(5));
    }

    private static Duration positive(Duration d, Duration otherwise) {
        return d == null || d.isNegative() || d.isZero() ? otherwise : d;
    }
}
