package org.odomo.oauth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Slows password guessing without letting a stranger lock the owner out. Three limits, each with
 * growing delays (see {@link ThrottleProperties}):
 * <ul>
 * <li>per account and source address: one source guessing one account's password;</li>
 * <li>per source address: one source trying passwords on many accounts;</li>
 * <li>per account, softer: guesses from many sources; a source that logged into the account
 * before is exempt, so the owner is not kept out by them.</li>
 * </ul>
 * The answer is the same whether the e-mail has an account or not. Counters live in memory on
 * each node: behind a load balancer with n nodes, a guesser gets at most n times the budget.
 */
@Component
class LoginThrottle {

    private final Backoff perAccountAndSource;
    private final Backoff perSource;
    private final Backoff perAccount;
    /** Sources from which an account logged in, remembered for the window, per node. */
    private final Cache<String, Boolean> knownSources;

    LoginThrottle(ThrottleProperties settings, Optional<Clock> clock) {
        Clock time = clock.orElse(Clock.systemUTC());
        this.perAccountAndSource = new Backoff(settings.loginPerAccountAndSource(), settings.window(),
                settings.maxEntries(), time);
        this.perSource = new Backoff(settings.loginPerSource(), settings.window(), settings.maxEntries(), time);
        this.perAccount = new Backoff(settings.loginPerAccount(), settings.window(), settings.maxEntries(), time);
        this.knownSources = Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(30))
                .maximumSize(settings.maxEntries())
                .ticker(() -> java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(time.millis())).build();
    }

    /** How long a login attempt for this account from this source must wait; zero if it may go ahead. */
    Duration wait(String account, String source) {
        Duration wait = longest(perAccountAndSource.wait(pair(account, source)), perSource.wait(source));
        if (knownSources.getIfPresent(pair(account, source)) == null) {
            wait = longest(wait, perAccount.wait(account));
        }
        return wait;
    }

    void failed(String account, String source) {
        perAccountAndSource.failed(pair(account, source));
        perSource.failed(source);
        perAccount.failed(account);
    }

    /**
     * A right password: this source's count for the account starts again and the source is known
     * for the account. The per-source count stays: logging into one's own account must not buy
     * more guesses on others.
     */
    void succeeded(String account, String source) {
        perAccountAndSource.reset(pair(account, source));
        knownSources.put(pair(account, source), Boolean.TRUE);
    }

    private static String pair(String account, String source) {
        return account + "|" + source;
    }

    static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
