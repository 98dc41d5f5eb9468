package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.odomo.access.RateLimiter.Decision;
import org.odomo.access.RateLimiter.Limit;
import org.odomo.apps.SlaPlan;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The window arithmetic against the real migrations on an in-memory database, with a hand-moved clock. */
class RateLimiterTests {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    MutableClock clock = new MutableClock(T0);
    Map<String, SlaPlan> plans = new ConcurrentHashMap<>();
    RateLimitStore store;
    JdbcClient jdbc;

    @BeforeEach
    void database() {
        DataSource ds = migratedDatabase();
        jdbc = JdbcClient.create(ds);
        store = new RateLimitStore(jdbc, new TransactionTemplate(new JdbcTransactionManager(ds)));
    }

    /** A new database with every migration applied; here in memory, as in the embedded default. */
    DataSource migratedDatabase() {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:rate-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    RateLimiter node() {
        return new RateLimiter(store, clientId -> Optional.ofNullable(plans.get(clientId)), clock, 1000);
    }

    void plan(String clientId, long day, int burst) {
        plans.put(clientId, new SlaPlan("p-" + clientId, "test", day, burst));
    }

    static void assertAllowed(Decision d, long dayRemaining, long burstRemaining) {
        assertThat(d.allowed()).as("allowed: %s", d).isTrue();
        assertThat(d.dayRemaining()).as("day remaining: %s", d).isEqualTo(dayRemaining);
        assertThat(d.burstRemaining()).as("burst remaining: %s", d).isEqualTo(burstRemaining);
        assertThat(d.exceeded()).isNull();
    }

    static void assertRefused(Decision d, Limit limit, long retryAfter, long dayRemaining, long burstRemaining) {
        assertThat(d.allowed()).as("refused: %s", d).isFalse();
        assertThat(d.exceeded()).isEqualTo(limit);
        assertThat(d.retryAfterSeconds()).as("retry after: %s", d).isEqualTo(retryAfter);
        assertThat(d.dayRemaining()).as("day remaining: %s", d).isEqualTo(dayRemaining);
        assertThat(d.burstRemaining()).as("burst remaining: %s", d).isEqualTo(burstRemaining);
    }

    @Test
    void burstAllowsNCallsInASecondAndTheNextSecondAgain() {
        plan("app", 1000, 5);
        RateLimiter limiter = node();
        for (int i = 1; i <= 5; i++) {
            Decision d = limiter.tryAcquire("app");
            assertAllowed(d, 1000 - i, 5 - i);
            assertThat(d.dayLimit()).isEqualTo(1000);
            assertThat(d.burstLimit()).isEqualTo(5);
        }
        assertRefused(limiter.tryAcquire("app"), Limit.BURST, 1, 995, 0);
        clock.advance(Duration.ofMillis(999));
        assertRefused(limiter.tryAcquire("app"), Limit.BURST, 1, 995, 0);
        clock.advance(Duration.ofMillis(1));
        // refused calls consumed nothing
        assertAllowed(limiter.tryAcquire("app"), 994, 4);
        for (int i = 2; i <= 5; i++) {
            assertAllowed(limiter.tryAcquire("app"), 995 - i, 5 - i);
        }
        assertRefused(limiter.tryAcquire("app"), Limit.BURST, 1, 990, 0);
    }

    @Test
    void theDayWindowSlidesAndFreesCallsExactly24HoursAfterThem() {
        plan("app", 10, 100);
        RateLimiter limiter = node();
        for (int i = 1; i <= 4; i++) {
            assertAllowed(limiter.tryAcquire("app"), 10 - i, 100 - i);
        }
        clock.set(T0.plus(Duration.ofHours(1)));
        for (int i = 5; i <= 10; i++) {
            assertAllowed(limiter.tryAcquire("app"), 10 - i, 100 - (i - 4));
        }
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 23 * 3600, 0, 94);
        clock.set(T0.plus(Duration.ofHours(2)));
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 22 * 3600, 0, 100);
        clock.set(T0.plus(Duration.ofHours(24)).minusMillis(1));
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 1, 0, 100);

        // the four calls of T0 leave the window at T0 + 24 h, not a second later
        clock.set(T0.plus(Duration.ofHours(24)));
        for (int i = 1; i <= 4; i++) {
            assertAllowed(limiter.tryAcquire("app"), 4 - i, 100 - i);
        }
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 3600, 0, 96);
        clock.set(T0.plus(Duration.ofHours(25)).minusSeconds(1));
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 1, 0, 100);
        clock.set(T0.plus(Duration.ofHours(25)));
        assertAllowed(limiter.tryAcquire("app"), 5, 99);
    }

    @Test
    void callsWithinASecondLeaveTheWindowTogetherAtTheSecond() {
        plan("app", 3, 100);
        RateLimiter limiter = node();
        clock.set(T0.plusMillis(100));
        limiter.tryAcquire("app");
        clock.set(T0.plusMillis(900));
        limiter.tryAcquire("app");
        limiter.tryAcquire("app");
        clock.set(T0.plusSeconds(1).plusMillis(500));
        // allowed again at T0 + 24 h: 86 398.5 s from now, so 86 399 whole seconds
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 86_399, 0, 100);
        clock.set(T0.plus(Duration.ofDays(1)).minusMillis(1));
        assertRefused(limiter.tryAcquire("app"), Limit.DAY, 1, 0, 100);
        clock.set(T0.plus(Duration.ofDays(1)));
        assertAllowed(limiter.tryAcquire("app"), 2, 99);
    }

    @Test
    void aRefusedCallConsumesNothing() {
        plan("app", 2, 100);
        RateLimiter limiter = node();
        limiter.tryAcquire("app");
        limiter.tryAcquire("app");
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(limiter.tryAcquire("app").allowed()).isFalse();
        }
        clock.set(T0.plus(Duration.ofDays(1)));
        assertAllowed(limiter.tryAcquire("app"), 1, 99);
        assertAllowed(limiter.tryAcquire("app"), 0, 98);
        assertThat(limiter.tryAcquire("app").exceeded()).isEqualTo(Limit.DAY);
        assertThat(dayUsed("app")).isEqualTo(2);
    }

    @Test
    void unusedLeasedCallsAreGivenBack() {
        plan("app", 1000, 100);
        RateLimiter limiter = node();
        for (int i = 0; i < 40; i++) {
            limiter.tryAcquire("app");
        }
        clock.advance(Duration.ofSeconds(1));
        // leases for the demand of the last second (40), uses one
        assertAllowed(limiter.tryAcquire("app"), 959, 99);
        assertThat(dayUsed("app")).isGreaterThan(41);
        clock.advance(Duration.ofSeconds(1));
        limiter.returnUnused();
        assertThat(dayUsed("app")).isEqualTo(41);
        assertThat(slots("app")).containsExactly(40L, 1L);
        // and on shutdown, even the current second's
        for (int i = 0; i < 30; i++) {
            limiter.tryAcquire("app");
        }
        clock.advance(Duration.ofSeconds(1));
        assertAllowed(limiter.tryAcquire("app"), 1000 - 72, 99);
        assertThat(dayUsed("app")).isGreaterThan(72);
        assertThat(burstUsed("app")).isGreaterThan(1);
        limiter.close();
        assertThat(dayUsed("app")).isEqualTo(72);
        assertThat(burstUsed("app")).isEqualTo(1);
    }

    @Test
    void twoNodesNeverAdmitMoreThanTheLimitAndRefuseOnlyWhenAllIsLeased() {
        plan("app", 25, 1000);
        RateLimiter a = node();
        RateLimiter b = node();
        int admitted = 0;
        boolean aRefused = false;
        boolean bRefused = false;
        while (!(aRefused && bRefused)) {
            Decision da = a.tryAcquire("app");
            Decision db = b.tryAcquire("app");
            admitted += (da.allowed() ? 1 : 0) + (db.allowed() ? 1 : 0);
            aRefused = !da.allowed();
            bRefused = !db.allowed();
        }
        assertThat(admitted).isEqualTo(25);
        assertThat(a.tryAcquire("app").exceeded()).isEqualTo(Limit.DAY);
        assertThat(b.tryAcquire("app").exceeded()).isEqualTo(Limit.DAY);
        assertThat(dayUsed("app")).isEqualTo(25);
    }

    @Test
    void aNodeGetsWhatAnIdleNodeLeasedAndDidNotUseOnceItIsGivenBack() {
        plan("app", 100, 1000);
        RateLimiter busy = node();
        RateLimiter other = node();
        for (int i = 0; i < 80; i++) {
            assertThat(busy.tryAcquire("app").allowed()).isTrue();
        }
        clock.advance(Duration.ofSeconds(1));
        // leases for last second's demand: a share of the 20 left, keeps what it does not use
        assertThat(busy.tryAcquire("app").allowed()).isTrue();
        int got = 0;
        while (other.tryAcquire("app").allowed()) {
            got++;
        }
        assertThat(got).isLessThan(19);
        clock.advance(Duration.ofSeconds(1));
        busy.returnUnused();
        while (other.tryAcquire("app").allowed()) {
            got++;
        }
        assertThat(got).isEqualTo(19);
        assertThat(dayUsed("app")).isEqualTo(100);
    }

    @Test
    void theBurstLimitIsSharedBetweenNodes() {
        plan("app", 1000, 7);
        RateLimiter a = node();
        RateLimiter b = node();
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += a.tryAcquire("app").allowed() ? 1 : 0;
            admitted += b.tryAcquire("app").allowed() ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(7);
        Decision refused = a.tryAcquire("app");
        assertThat(refused.exceeded()).isEqualTo(Limit.BURST);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.tryAcquire("app").allowed()).isTrue();
        assertThat(b.tryAcquire("app").allowed()).isTrue();
    }

    @Test
    void appsHaveTheirOwnCounts() {
        plan("one", 1, 10);
        plan("two", 2, 10);
        RateLimiter limiter = node();
        assertAllowed(limiter.tryAcquire("one"), 0, 9);
        assertThat(limiter.tryAcquire("one").allowed()).isFalse();
        assertAllowed(limiter.tryAcquire("two"), 1, 9);
        assertAllowed(limiter.tryAcquire("two"), 0, 8);
    }

    @Test
    void sharesShrinkToOneCallNearALimit() {
        assertThat(RateLimitStore.share(1000, 1)).isEqualTo(500);
        assertThat(RateLimitStore.share(1000, 2)).isEqualTo(250);
        assertThat(RateLimitStore.share(3, 2)).isEqualTo(1);
        assertThat(RateLimitStore.share(1, 5)).isEqualTo(1);
        assertThat(RateLimitStore.share(0, 1)).isZero();
        assertThat(RateLimitStore.share(-4, 1)).isZero();
    }

    long dayUsed(String clientId) {
        return jdbc.sql("SELECT day_used FROM rate_limit_state WHERE client_id = ?").param(clientId).query(Long.class)
                .single();
    }

    long burstUsed(String clientId) {
        return jdbc.sql("SELECT burst_used FROM rate_limit_state WHERE client_id = ?").param(clientId)
                .query(Long.class).single();
    }

    java.util.List<Long> slots(String clientId) {
        return jdbc.sql("SELECT calls FROM rate_limit_slot WHERE client_id = ? ORDER BY slot").param(clientId)
                .query(Long.class).list();
    }
}
