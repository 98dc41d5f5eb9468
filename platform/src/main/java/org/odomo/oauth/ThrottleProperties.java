package org.odomo.oauth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits on password and activation-code guessing. Each limit lets {@code free} failures pass,
 * then makes the next attempt wait {@code first-delay}, doubling with each further failure up to
 * {@code max-delay}. Failures are forgotten {@code window} after the last one. The counters are
 * kept in memory, per node.
 *
 * @param loginPerAccountAndSource wrong passwords for one account from one source address
 * @param loginPerSource           wrong passwords from one source address, whatever the account
 * @param loginPerAccount          wrong passwords for one account from any source; not applied to
 *                                 a source that logged into that account before, so guesses from
 *                                 elsewhere do not keep the owner out
 * @param activationPerVin         wrong sign-ups (VIN, activation code, e-mail and password) for
 *                                 one VIN, from any source
 * @param activationPerSource      wrong sign-ups from one source address, whatever the VIN
 * @param window                   how long failures are remembered after the last one
 * @param maxEntries               bound of each table of counters
 */
@ConfigurationProperties("odomo.oauth.throttle")
public record ThrottleProperties(Limit loginPerAccountAndSource, Limit loginPerSource, Limit loginPerAccount,
        Limit activationPerVin, Limit activationPerSource, Duration window, Long maxEntries) {

    public ThrottleProperties {
        loginPerAccountAndSource = Limit.orDefault(loginPerAccountAndSource, 5, Duration.ofSeconds(30),
                Duration.ofMinutes(15));
        loginPerSource = Limit.orDefault(loginPerSource, 20, Duration.ofSeconds(10), Duration.ofMinutes(15));
        loginPerAccount = Limit.orDefault(loginPerAccount, 10, Duration.ofSeconds(5), Duration.ofMinutes(1));
        activationPerVin = Limit.orDefault(activationPerVin, 10, Duration.ofSeconds(5), Duration.ofMinutes(1));
        activationPerSource = Limit.orDefault(activationPerSource, 10, Duration.ofSeconds(10), Duration.ofMinutes(15));
        window = window == null ? Duration.ofHours(1) : window;
        maxEntries = maxEntries == null ? 100_000L : maxEntries;
    }

    /**
     * @param free       failures that cost nothing
     * @param firstDelay the wait after the {@code free}-th failure
     * @param maxDelay   the longest wait
     */
    public record Limit(Integer free, Duration firstDelay, Duration maxDelay) {

        static Limit orDefault(Limit limit, int free, Duration firstDelay, Duration maxDelay) {
            if (limit == null) {
                return new Limit(free, firstDelay, maxDelay);
            }
            return new Limit(limit.free() == null ? free : limit.free(),
                    limit.firstDelay() == null ? firstDelay : limit.firstDelay(),
                    limit.maxDelay() == null ? maxDelay : limit.maxDelay());
        }

        /** The wait after {@code failures} failures. */
        Duration delayAfter(int failures) {
            if (failures < free) {
                return Duration.ZERO;
            }
            int doublings = Math.min(failures - free, 30);
            Duration delay = firstDelay.multipliedBy(1L << doublings);
            return delay.compareTo(maxDelay) > 0 || delay.isNegative() ? maxDelay : delay;
        }
    }
}
