package org.odomo.crypto;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the platform protects itself while checking passwords and client secrets
 * ({@code odomo.credentials.*}): failed attempts are throttled before any hash is computed, the
 * number of hashes computed at once is bounded, and a secret verified moments ago is not hashed
 * again.
 *
 * @param failuresPerSource    failed attempts one client address may make per {@code failureWindow}
 *                             (IPv6 addresses count per /64); kept below {@code failuresPerPrincipal}
 *                             so that a single flooding address is stopped before the account it
 *                             targets is
 * @param failuresPerPrincipal failed attempts against one login or client id per {@code failureWindow},
 *                             from all addresses together
 * @param failureWindow        the window over which both budgets refill, gradually
 * @param trackedKeys          at most this many addresses and principals are tracked (least recently
 *                             used forgotten first)
 * @param concurrentChecks     hashes computed at the same time; 0 means one per available core
 * @param checkWait            how long a check waits for a free slot before it is refused as busy
 * @param verifiedTtl          how long a verified (principal, secret) pair is accepted without hashing;
 *                             zero turns this off
 * @param verifiedEntries      at most this many verified pairs are remembered
 * @param refusalDelay         how long an attempt from a throttled address or against a throttled
 *                             login is held before its refusal is sent (its Retry-After if shorter),
 *                             without holding a request thread, so that a flooding connection makes
 *                             about one attempt per delay instead of one per round trip; zero answers
 *                             at once
 * @param heldRefusals         at most this many refusals are held at once; beyond, the refusal is sent
 *                             at once and the connection closed
 */
@ConfigurationProperties("odomo.credentials")
public record CredentialProperties(Integer failuresPerSource, Integer failuresPerPrincipal, Duration failureWindow,
        Integer trackedKeys, Integer concurrentChecks, Duration checkWait, Duration verifiedTtl,
        Integer verifiedEntries, Duration refusalDelay, Integer heldRefusals) {

    public CredentialProperties {
        failuresPerSource = positive(failuresPerSource, 10, "failures-per-source");
        failuresPerPrincipal = positive(failuresPerPrincipal, 30, "failures-per-principal");
        failureWindow = failureWindow == null ? Duration.ofMinutes(1) : failureWindow;
        if (failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalArgumentException("odomo.credentials.failure-window must be positive");
        }
        trackedKeys = positive(trackedKeys, 100_000, "tracked-keys");
        concurrentChecks = concurrentChecks == null || concurrentChecks == 0
                ? Runtime.getRuntime().availableProcessors() : positive(concurrentChecks, 1, "concurrent-checks");
        checkWait = checkWait == null ? Duration.ofMillis(200) : checkWait;
        verifiedTtl = verifiedTtl == null ? Duration.ofMinutes(1) : verifiedTtl;
        verifiedEntries = positive(verifiedEntries, 10_000, "verified-entries");
        refusalDelay = refusalDelay == null ? Duration.ofSeconds(1) : refusalDelay;
        heldRefusals = positive(heldRefusals, 1000, "held-refusals");
        if (checkWait.isNegative() || verifiedTtl.isNegative() || refusalDelay.isNegative()) {
            throw new IllegalArgumentException("odomo.credentials durations must not be negative");
        }
    }

    /** The defaults. */
    public static CredentialProperties defaults() {
        return new CredentialProperties(null, null, null, null, null, null, null, null, null, null);
    }

    private static int positive(Integer value, int otherwise, String name) {
        if (value == null) {
            return otherwise;
        }
        if (value <= 0) {
            throw new IllegalArgumentException("odomo.credentials." + name + " must be positive");
        }
        return value;
    }
}
