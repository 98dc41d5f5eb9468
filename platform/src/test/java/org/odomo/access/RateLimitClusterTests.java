package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.vehicle.Brand;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * Two platform nodes, each a whole application with its own web server, share one database: the
 * limits hold across both, exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitClusterTests {

    static final String SECRET = "rate-cluster-secret";
    static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dataDir;

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    ConfigurableApplicationContext nodeA;
    ConfigurableApplicationContext nodeB;

    private ConfigurableApplicationContext start() {
        // as arguments: they must win over application.yml, which the builder's default properties do not
        return new SpringApplicationBuilder(OdomoApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("testClock", clock))
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off");
    }

    @BeforeAll
    void startBothNodes() {
        nodeA = start();
        nodeB = start();
    }

    @AfterAll
    void stopBothNodes() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }

    private App app(String name, long dayLimit, int burstLimit) {
        nodeA.getBean(JdbcClient.class)
                .sql("INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES (?, ?, ?, ?)")
                .params(name, "Test plan " + name, dayLimit, burstLimit).update();
        return nodeA.getBean(AppRegistry.class).ensureRegistered(new AppRegistration("Cluster test " + name,
                "Tests the shared limits", "Odomo tests", "dev@example.com", 1000L, name, Set.of("data:telemetry"),
                List.of(Enrollment.REDIRECT), name), name + "-client", SECRET);
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext node, String clientId, String token) {
        return new WebSession(port(node)).get("/connectedcar/v4/user?client_id=" + clientId,
                Map.of("Authorization", "Bearer " + token, "x-introspect-realm", Brand.DS.realm()));
    }

    @Test
    void bothNodesShareTheDatabase() {
        App app = app("cluster-shared", 10, 10);
        assertThat(nodeB.getBean(AppRegistry.class).findByClientId(app.clientId())).isPresent();
    }

    @Test
    void overHttpExactlyTheDayLimitIsAdmittedAcrossBothNodesThenBothRefuse() {
        App app = app("cluster-http", 13, 1000);
        nodeA.getBean(AccountManagement.class).create(Brand.DS, "cluster@example.com", PASSWORD, "Cluster", "Test");
        String token = Enrollment.enroll(port(nodeA), app.clientId(), SECRET, Brand.DS.realm(), "cluster@example.com",
                PASSWORD, List.of("data:telemetry"), false).accessToken();
        clock.advance(Duration.ofSeconds(5));

        int admitted = 0;
        int rounds = 0;
        boolean aRefused = false;
        boolean bRefused = false;
        while (!(aRefused && bRefused)) {
            HttpResponse<String> a = call(nodeA, app.clientId(), token);
            HttpResponse<String> b = call(nodeB, app.clientId(), token);
            for (HttpResponse<String> r : List.of(a, b)) {
                assertThat(r.statusCode()).as(r.body()).isIn(200, 429);
                assertThat(r.headers().firstValue("X-RateLimit-Limit-1")).hasValue("13");
                assertThat(Long.parseLong(r.headers().firstValue("X-RateLimit-Remaining-1").orElseThrow()))
                        .isBetween(0L, 12L);
                admitted += r.statusCode() == 200 ? 1 : 0;
            }
            aRefused = a.statusCode() == 429;
            bRefused = b.statusCode() == 429;
            assertThat(++rounds).isLessThan(100);
        }
        assertThat(admitted).isEqualTo(13);

        // the next calls, on either node, a second and an hour later, are refused too
        clock.advance(Duration.ofSeconds(1));
        for (ConfigurableApplicationContext node : List.of(nodeA, nodeB, nodeA, nodeB)) {
            HttpResponse<String> refused = call(node, app.clientId(), token);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JsonMapper.builder().build().readTree(refused.body()).path("code").asInt()).isEqualTo(42901);
            assertThat(refused.headers().firstValue("X-RateLimit-Remaining-1")).hasValue("0");
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isEqualTo(86_399);
        }
        clock.advance(Duration.ofHours(1));
        assertThat(call(nodeB, app.clientId(), token).statusCode()).isEqualTo(429);
        assertThat(call(nodeA, app.clientId(), token).statusCode()).isEqualTo(429);

        // 24 hours after the calls, both nodes admit again
        clock.advance(Duration.ofHours(23).minusSeconds(1));
        assertThat(call(nodeA, app.clientId(), token).statusCode()).isEqualTo(200);
        assertThat(call(nodeB, app.clientId(), token).statusCode()).isEqualTo(200);
    }

    @Test
    void underConcurrentLoadOnBothNodesExactlyTheLimitIsAdmitted() throws Exception {
        long limit = 1500;
        App app = app("cluster-load", limit, 1_000_000);
        clock.advance(Duration.ofSeconds(5));
        List<RateLimiter> nodes = List.of(nodeA.getBean(RateLimiter.class), nodeB.getBean(RateLimiter.class));
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                RateLimiter node = nodes.get(t % 2);
                done.add(threads.submit(() -> {
                    // each thread calls until its node refuses; seconds go by meanwhile
                    for (int i = 0;; i++) {
                        if (i % 97 == 0) {
                            clock.advance(Duration.ofMillis(150));
                        }
                        RateLimiter.Decision d = node.tryAcquire(app.clientId());
                        if (!d.allowed()) {
                            assertThat(d.exceeded()).isEqualTo(RateLimiter.Limit.DAY);
                            return null;
                        }
                        admitted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        // a node that refused holds no leased call, so when both have refused every call was made
        assertThat(admitted.get()).isEqualTo(limit);
        clock.advance(Duration.ofSeconds(2));
        nodes.forEach(RateLimiter::returnUnused);
        for (RateLimiter node : nodes) {
            assertThat(node.tryAcquire(app.clientId()).exceeded()).isEqualTo(RateLimiter.Limit.DAY);
        }
        long counted = nodeB.getBean(JdbcClient.class)
                .sql("SELECT SUM(calls) FROM rate_limit_slot WHERE client_id = ?").param(app.clientId())
                .query(Long.class).single();
        assertThat(counted).isEqualTo(limit);
    }
}
