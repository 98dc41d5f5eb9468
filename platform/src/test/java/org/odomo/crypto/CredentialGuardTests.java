package org.odomo.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

import io.github.bucket4j.TimeMeter;

/** The guard's budgets, concurrency bound and memory of verified secrets, with a counting hash. */
class CredentialGuardTests {

    /** Three failures per address, five per principal, refilled over a minute. */
    static final CredentialProperties SMALL = new CredentialProperties(3, 5, Duration.ofMinutes(1), 1000, 2,
            Duration.ofMillis(100), Duration.ofMinutes(1), 1000, null, null);

    final FakeTime time = new FakeTime();
    final CountingEncoder hashes = new CountingEncoder();

    CredentialGuard guard(CredentialProperties settings) {
        return new CredentialGuard(settings, hashes, time);
    }

    @Test
    void anAddressIsRefusedAfterItsFailuresAndTheRefusalSaysWhenToRetry() {
        CredentialGuard guard = guard(SMALL);
        for (int i = 0; i < 3; i++) {
            guard.begin("operator", "operator", "192.0.2.1");
        }
        // 3 failures per 60 s refill one every 20 s.
        assertThatThrownBy(() -> guard.begin("operator", "operator", "192.0.2.1"))
                .isInstanceOfSatisfying(CredentialRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CredentialRefusedException.Reason.THROTTLED);
                    assertThat(e.retryAfterSeconds()).isEqualTo(20);
                    assertThat(e.getMessage()).isEqualTo("too many failed authentication attempts; retry in 20 s");
                });
        time.advance(Duration.ofSeconds(19));
        assertThatThrownBy(() -> guard.begin("operator", "operator", "192.0.2.1"))
                .isInstanceOfSatisfying(CredentialRefusedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        time.advance(Duration.ofSeconds(1));
        guard.begin("operator", "operator", "192.0.2.1");
        // Another address is unaffected.
        guard.begin("operator", "operator", "192.0.2.2");
    }

    @Test
    void theWaitBeforeAnAttemptIsAllowedIsToldWithoutSpendingAnything() {
        CredentialGuard guard = guard(SMALL);
        assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.1")).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.1")).isZero();
            guard.begin("operator", "operator", "192.0.2.1");
        }
        // 3 failures per 60 s refill one every 20 s; asking spends nothing, however often.
        for (int i = 0; i < 10; i++) {
            assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.1"))
                    .isEqualTo(Duration.ofSeconds(20).toNanos());
        }
        time.advance(Duration.ofSeconds(5));
        assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.1"))
                .isEqualTo(Duration.ofSeconds(15).toNanos());
        assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.2")).isZero();
        time.advance(Duration.ofSeconds(15));
        assertThat(guard.nanosUntilAllowed("operator", "operator", "192.0.2.1")).isZero();
        guard.begin("operator", "operator", "192.0.2.1");
        // A principal out of failures (5 per minute, one back every 12 s) waits from any address.
        for (int i = 1; i <= 5; i++) {
            guard.begin("app", "target", "192.0.2." + (i + 10));
        }
        assertThat(guard.nanosUntilAllowed("app", "target", "198.51.100.1"))
                .isEqualTo(Duration.ofSeconds(12).toNanos());
        assertThat(guard.nanosUntilAllowed("operator", "target", "198.51.100.1")).isZero();
    }

    @Test
    void successesDoNotCountAsFailures() {
        CredentialGuard guard = guard(SMALL);
        for (int i = 0; i < 50; i++) {
            guard.begin("app", "client", "192.0.2.1").succeeded();
        }
        for (int i = 0; i < 50; i++) {
            guard.begin("app", "client", "192.0.2.1").notChecked();
        }
        guard.begin("app", "client", "192.0.2.1");
    }

    @Test
    void aPrincipalIsRefusedAfterItsFailuresFromAllAddressesTogether() {
        CredentialGuard guard = guard(SMALL);
        for (int i = 1; i <= 5; i++) {
            guard.begin("app", "target", "192.0.2." + i);
        }
        assertThatThrownBy(() -> guard.begin("app", "target", "198.51.100.1"))
                .isInstanceOfSatisfying(CredentialRefusedException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(12));
        // The refusal spent nothing of the fresh address, and other principals (or the same
        // name of another kind) keep their budgets.
        guard.begin("app", "other", "198.51.100.1");
        guard.begin("app", "other", "198.51.100.1");
        guard.begin("operator", "target", "198.51.100.1");
        assertThatThrownBy(() -> guard.begin("app", "other", "198.51.100.1"))
                .isInstanceOf(CredentialRefusedException.class);
    }

    @Test
    void aFloodingAddressIsStoppedBeforeThePrincipalItTargets() {
        CredentialGuard guard = guard(SMALL);
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                guard.begin("operator", "operator", "203.0.113.66");
            } catch (CredentialRefusedException e) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(997);
        CredentialGuard.Attempt owner = guard.begin("operator", "operator", "192.0.2.10");
        owner.succeeded();
        guard.begin("operator", "operator", "192.0.2.10").succeeded();
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        CredentialGuard guard = guard(SMALL);
        guard.begin("app", "a", "2001:db8:0:0:0:0:0:1");
        guard.begin("app", "b", "2001:db8::2");
        guard.begin("app", "c", "[2001:db8::ffff:3]");
        assertThatThrownBy(() -> guard.begin("app", "d", "2001:db8::4")).isInstanceOf(CredentialRefusedException.class);
        guard.begin("app", "d", "2001:db8:0:1::4");
        assertThat(CredentialGuard.sourceKey("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void aSecretVerifiedMomentsAgoIsNotHashedAgain() {
        CredentialGuard guard = guard(SMALL);
        PasswordEncoder encoder = guard.encoder();
        String hash = encoder.encode("right");
        assertThat(encoder.matches("right", hash)).isTrue();
        assertThat(encoder.matches("right", hash)).isTrue();
        assertThat(encoder.matches("right", hash)).isTrue();
        assertThat(hashes.matches.get()).isEqualTo(1);
        // Wrong secrets are hashed every time: only successes are remembered.
        assertThat(encoder.matches("wrong", hash)).isFalse();
        assertThat(encoder.matches("wrong", hash)).isFalse();
        assertThat(hashes.matches.get()).isEqualTo(3);
        // A changed secret has a new hash: the old secret is checked against it, and fails.
        String changed = encoder.encode("new");
        assertThat(encoder.matches("right", changed)).isFalse();
        assertThat(encoder.matches("new", changed)).isTrue();
        assertThat(encoder.matches("new", changed)).isTrue();
        assertThat(hashes.matches.get()).isEqualTo(5);
    }

    @Test
    void aZeroTimeToLiveHashesEveryCheck() {
        CredentialGuard guard = guard(new CredentialProperties(3, 5, Duration.ofMinutes(1), 1000, 2,
                Duration.ofMillis(100), Duration.ZERO, 1000, null, null));
        String hash = guard.encoder().encode("right");
        for (int i = 0; i < 4; i++) {
            assertThat(guard.encoder().matches("right", hash)).isTrue();
        }
        assertThat(hashes.matches.get()).isEqualTo(4);
    }

    @Test
    void atMostTheConfiguredNumberOfHashesRunAtOnceAndLateCallersAreRefusedAsBusy() throws Exception {
        CredentialGuard guard = guard(SMALL);
        String hash = guard.encoder().encode("secret");
        hashes.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String wrong = "wrong-" + i;
                running.add(pool.submit(() -> guard.encoder().matches(wrong, hash)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hashes.inside.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(hashes.inside.get()).isEqualTo(2);
            assertThatThrownBy(() -> guard.encoder().matches("secret", hash))
                    .isInstanceOfSatisfying(CredentialRefusedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(CredentialRefusedException.Reason.BUSY);
                        assertThat(e.retryAfterSeconds()).isEqualTo(1);
                    });
            assertThat(hashes.matches.get()).isEqualTo(2);
            hashes.gate.countDown();
            for (Future<Boolean> f : running) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isFalse();
            }
            assertThat(guard.encoder().matches("secret", hash)).isTrue();
            assertThat(hashes.maxInside.get()).isEqualTo(2);
        } finally {
            hashes.gate.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentChecksOfTheSameSecretShareOneHash() throws Exception {
        CredentialGuard guard = guard(SMALL);
        String hash = guard.encoder().encode("secret");
        hashes.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(pool.submit(() -> guard.encoder().matches("secret", hash)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hashes.inside.get() < 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(guard.recentlyVerified("secret", hash)).as("not verified while its hash runs").isFalse();
            hashes.gate.countDown();
            for (Future<Boolean> f : running) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(hashes.matches.get()).isEqualTo(1);
            assertThat(guard.recentlyVerified("secret", hash)).isTrue();
            // A mismatch is not remembered: the right secret after a wrong one is hashed and passes.
            assertThat(guard.encoder().matches("other", hash)).isFalse();
            assertThat(guard.recentlyVerified("other", hash)).isFalse();
            assertThat(guard.encoder().matches("other", hash)).isFalse();
            assertThat(hashes.matches.get()).isEqualTo(3);
        } finally {
            hashes.gate.countDown();
            pool.shutdownNow();
        }
    }

    /** A fast stand-in for the hashing policy that counts and can hold its checks. */
    static final class CountingEncoder implements PasswordEncoder {
        final AtomicInteger matches = new AtomicInteger();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public String encode(CharSequence raw) {
            return UUID.randomUUID() + ":" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            matches.incrementAndGet();
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                gate.await(10, TimeUnit.SECONDS);
                return encoded.substring(encoded.indexOf(':') + 1).contentEquals(raw);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    static final class FakeTime implements TimeMeter {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
