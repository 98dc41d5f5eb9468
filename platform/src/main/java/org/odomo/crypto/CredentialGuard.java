package org.odomo.crypto;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Keeps password and client-secret checks from being turned against the platform. Each check of
 * a memory-hard hash costs tens of milliseconds and 16 MiB, so:
 * <ul>
 * <li>every attempt takes, before any hashing, one token from a budget of failures of the
 * caller's address and one from that of the principal ({@link #begin}); a success gives them back,
 * a failure keeps them spent; an empty budget refuses the attempt (429) until it refills;</li>
 * <li>at most {@code concurrentChecks} hashes are computed at once ({@link #encoder()}); a check
 * that finds no free slot within {@code checkWait} is refused as busy (503) instead of queueing
 * memory;</li>
 * <li>a (stored hash, presented secret) pair verified within {@code verifiedTtl} is accepted
 * without hashing again. The pair is remembered only as an HMAC under a key drawn at start and
 * never stored, so the memory holds no secret; the stored hash stands for the principal's current
 * secret, so a changed secret (a new salted hash) never matches what was remembered for the old
 * one.</li>
 * </ul>
 * Budgets and remembered pairs are per node.
 */
@Component
public class CredentialGuard {

    private final CredentialProperties settings;
    private final PasswordEncoder hashes;
    private final Cache<String, Bucket> sources;
    private final Cache<String, Bucket> principals;
    /**
     * Pairs verified, or being verified, lately. A pair being hashed is here as an unfinished
     * future, so that concurrent checks of the same secret (an app's burst of calls) wait for that
     * one hash instead of each computing its own; a mismatch completes with null, which Caffeine
     * removes at once, so only matches are remembered.
     */
    private final AsyncCache<String, Boolean> verified;
    private final Semaphore slots;
    private final Mac digestPrototype;
    private final TimeMeter time;
    private final GuardedEncoder encoder = new GuardedEncoder();

    @Autowired
    CredentialGuard(CredentialProperties settings) {
        this(settings, Passwords.encoder(), TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * @param hashes the hashing policy whose {@code matches} this guard bounds and spares
     * @param time   the clock the failure budgets refill by
     */
    public CredentialGuard(CredentialProperties settings, PasswordEncoder hashes, TimeMeter time) {
        this.settings = settings;
        this.hashes = hashes;
        this.time = time;
        Duration idle = settings.failureWindow();
        // A budget untouched for a whole window has refilled: forgetting it changes nothing.
        this.sources = Caffeine.newBuilder().maximumSize(settings.trackedKeys()).expireAfterAccess(idle).build();
        this.principals = Caffeine.newBuilder().maximumSize(settings.trackedKeys()).expireAfterAccess(idle).build();
        this.verified = Caffeine.newBuilder().maximumSize(settings.verifiedEntries())
                .expireAfterWrite(settings.verifiedTtl()).buildAsync();
        this.slots = new Semaphore(settings.concurrentChecks(), true);
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            this.digestPrototype = Mac.getInstance("HmacSHA256");
            this.digestPrototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * Starts an attempt to authenticate {@code principal} from {@code source} (a client address),
     * spending one failure of each budget.
     *
     * @param realm which kind of principal (operator, app...), so that equal names of different
     *              kinds have budgets of their own
     * @throws CredentialRefusedException when a budget is empty; nothing was spent then
     */
    public Attempt begin(String realm, String principal, String source) {
        Bucket bySource = sources.get(sourceKey(source), k -> newBucket(settings.failuresPerSource()));
        ConsumptionProbe probe = bySource.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw throttled(probe);
        }
        Bucket byPrincipal = principals.get(principalKey(realm, principal),
                k -> newBucket(settings.failuresPerPrincipal()));
        ConsumptionProbe principalProbe = byPrincipal.tryConsumeAndReturnRemaining(1);
        if (!principalProbe.isConsumed()) {
            bySource.addTokens(1);
            throw throttled(principalProbe);
        }
        return new Attempt(bySource, byPrincipal);
    }

    /**
     * How long an attempt to authenticate {@code principal} from {@code source} has to wait before
     * {@link #begin} would start it: zero if it would now. Spends nothing and tracks nothing new (an
     * address or login not tracked has its whole budget), so that a throttled attempt can be turned
     * away before any other work is done for it.
     */
    public long nanosUntilAllowed(String realm, String principal, String source) {
        return Math.max(nanosUntilAllowed(sources.getIfPresent(sourceKey(source))),
                nanosUntilAllowed(principals.getIfPresent(principalKey(realm, principal))));
    }

    private static long nanosUntilAllowed(Bucket budget) {
        if (budget == null) {
            return 0;
        }
        EstimationProbe probe = budget.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    private static String principalKey(String realm, String principal) {
        return realm + '\u0000' + (principal == null ? "" : principal);
    }

    /**
     * Whether this exact secret was verified against this stored hash within the time-to-live.
     * Such an attempt needs neither a hash nor a budget: the caller has already proven it holds
     * the secret, so it is let through even while others spend the principal's budget.
     */
    public boolean recentlyVerified(CharSequence rawPassword, String encodedPassword) {
        return rawPassword != null && encodedPassword != null && !encodedPassword.isEmpty()
                && !settings.verifiedTtl().isZero()
                && Boolean.TRUE.equals(settled(verified.getIfPresent(digest(rawPassword, encodedPassword))));
    }

    /** The outcome of a finished verification; null while it runs, when it failed or did not match. */
    private static Boolean settled(CompletableFuture<Boolean> outcome) {
        return outcome != null && outcome.isDone() && !outcome.isCompletedExceptionally() ? outcome.getNow(null)
                : null;
    }

    /**
     * The platform's hashing policy, behind the concurrency bound and the memory of verified
     * pairs. {@code matches} throws {@link CredentialRefusedException} when no slot frees in time.
     */
    public PasswordEncoder encoder() {
        return encoder;
    }

    /**
     * An attempt in progress; report a success, or a check that could not be made, so that it
     * does not count as a failure.
     */
    public static final class Attempt {
        private final Bucket source;
        private final Bucket principal;
        private boolean settled;

        private Attempt(Bucket source, Bucket principal) {
            this.source = source;
            this.principal = principal;
        }

        public void succeeded() {
            giveBack();
        }

        /** The secret was not checked (no hashing slot freed in time): not a failure either. */
        public void notChecked() {
            giveBack();
        }

        private synchronized void giveBack() {
            if (!settled) {
                settled = true;
                source.addTokens(1);
                principal.addTokens(1);
            }
        }
    }

    private Bucket newBucket(int failures) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(failures).refillGreedy(failures, settings.failureWindow()).build())
                .withCustomTimePrecision(time)
                .build();
    }

    private static CredentialRefusedException throttled(ConsumptionProbe probe) {
        return throttled(probe.getNanosToWaitForRefill());
    }

    /** The refusal of an attempt that may be retried in {@code nanos}, announced in whole seconds, at least 1. */
    static CredentialRefusedException throttled(long nanos) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(Math.max(0, nanos) + 999_999_999L));
        return new CredentialRefusedException(CredentialRefusedException.Reason.THROTTLED, seconds);
    }

    /**
     * What failures are counted by for a client address: the address, or for IPv6 its /64
     * network, which one subscriber usually holds whole. Every throttle of the platform uses it.
     */
    public static String sourceKey(String source) {
        if (source == null || source.isBlank()) {
            return "";
        }
        // Only literal addresses are parsed: no name resolution happens here.
        if (source.indexOf(':') >= 0) {
            try {
                InetAddress address = InetAddress.getByName(source.startsWith("[") ? source
                        : "[" + source + "]");
                if (address instanceof Inet6Address) {
                    byte[] bytes = address.getAddress();
                    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 8)) + "/64";
                }
                return address.getHostAddress();
            } catch (UnknownHostException e) {
                return source;
            }
        }
        return source;
    }

    private String digest(CharSequence raw, String encoded) {
        try {
            Mac mac = (Mac) digestPrototype.clone();
            mac.update(encoded.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(raw.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot be cloned", e);
        }
    }

    private final class GuardedEncoder implements PasswordEncoder {

        @Override
        public String encode(CharSequence rawPassword) {
            return hashes.encode(rawPassword);
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            if (rawPassword == null || encodedPassword == null || encodedPassword.isEmpty()) {
                return false;
            }
            if (settings.verifiedTtl().isZero()) {
                return hash(rawPassword, encodedPassword);
            }
            String key = digest(rawPassword, encodedPassword);
            CompletableFuture<Boolean> mine = new CompletableFuture<>();
            CompletableFuture<Boolean> running = verified.asMap().putIfAbsent(key, mine);
            if (running != null) {
                try {
                    return Boolean.TRUE.equals(running.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
            try {
                boolean matches = hash(rawPassword, encodedPassword);
                mine.complete(matches ? Boolean.TRUE : null);
                return matches;
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }

        private boolean hash(CharSequence rawPassword, String encodedPassword) {
            boolean acquired;
            try {
                acquired = slots.tryAcquire(settings.checkWait().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acquired = false;
            }
            if (!acquired) {
                throw new CredentialRefusedException(CredentialRefusedException.Reason.BUSY, 1);
            }
            try {
                return hashes.matches(rawPassword, encodedPassword);
            } finally {
                slots.release();
            }
        }

        @Override
        public boolean upgradeEncoding(String encodedPassword) {
            return hashes.upgradeEncoding(encodedPassword);
        }
    }
}
