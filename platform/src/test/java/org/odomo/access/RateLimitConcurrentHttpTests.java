package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Concurrent HTTP callers on two nodes (two whole applications with their own web servers, one
 * database) against an app on the {@code sandbox} plan: the plan's limits hold exactly, and every
 * call past them gets a 429 in the API error format. Time stands still within a round (the nodes'
 * clock is the test's), so that every call of a round falls in the same second. This class runs on
 * the embedded H2 database; {@link RateLimitConcurrentHttpPostgresTests} runs it on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitConcurrentHttpTests {

    /** The {@code sandbox} plan of the README's plan table: calls per 24 h and per second. */
    static final long SANDBOX_DAY = 1000;
    static final long SANDBOX_BURST = 5;
    /** Callers per node and round: each node alone could exceed the burst limit. */
    static final int CALLERS_PER_NODE = 6;

    static final String SECRET = "rate-concurrent-secret";
    static final String PASSWORD = "correct horse battery";
    static final Brand BRAND = Brand.DS;

    @TempDir
    static Path dataDir;

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    ConfigurableApplicationContext nodeA;
    ConfigurableApplicationContext nodeB;
    ExecutorService callers;

    /** The settings of both nodes: the database they share. */
    List<String> nodeArgs() {
        return List.of("--odomo.data-dir=" + dataDir);
    }

    String[] profiles() {
        return new String[] {"test"};
    }

    private ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>(nodeArgs());
        args.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        return new SpringApplicationBuilder(OdomoApplication.class).profiles(profiles())
                .initializers(context -> context.getBeanFactory().registerSingleton("testClock", clock))
                .run(args.toArray(String[]::new));
    }

    @BeforeAll
    void startBothNodes() {
        nodeA = start();
        nodeB = start();
        callers = Executors.newFixedThreadPool(2 * CALLERS_PER_NODE);
    }

    @AfterAll
    void stopBothNodes() {
        if (callers != null) {
            callers.shutdownNow();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    private record Caller(String clientId, String token) {
    }

    /** A new app on the sandbox plan (the default), and the token of a user who enrolled with it. */
    private Caller sandboxCaller(String name) {
        App app = nodeA.getBean(AppRegistry.class).ensureRegistered(new AppRegistration("Concurrent " + name,
                "Tests the plan's limits", "Odomo tests", "dev@example.com", 1000L, name, Set.of("data:telemetry"),
                List.of(Enrollment.REDIRECT), "sandbox"), name + "-client", SECRET);
        String email = name + "@example.com";
        nodeA.getBean(AccountManagement.class).create(BRAND, email, PASSWORD, "Rate", "Test");
        String token = Enrollment.enroll(port(nodeA), app.clientId(), SECRET, BRAND.realm(), email, PASSWORD,
                List.of("data:telemetry"), false).accessToken();
        // The enrollment's own calls are not B2C calls; a fresh second for the rounds all the same.
        clock.advance(Duration.ofSeconds(5));
        return new Caller(app.clientId(), token);
    }

    private static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }

    /** One round: every caller of both nodes calls once, all released at the same moment. */
    private List<HttpResponse<String>> round(Caller caller) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 2 * CALLERS_PER_NODE; i++) {
            int node = i % 2 == 0 ? port(nodeA) : port(nodeB);
            calls.add(callers.submit(() -> {
                go.await();
                return new WebSession(node).get("/connectedcar/v4/user?client_id=" + caller.clientId(),
                        Map.of("Authorization", "Bearer " + caller.token(), "x-introspect-realm", BRAND.realm()));
            }));
        }
        go.countDown();
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (Future<HttpResponse<String>> call : calls) {
            answers.add(call.get(60, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** The answers of a round: exactly {@code admitted} 200s, the rest 429s with {@code code}. */
    private static void assertRound(List<HttpResponse<String>> answers, long admitted, int code, long retryAfter) {
        assertThat(answers.stream().filter(a -> a.statusCode() == 200).count()).as("admitted").isEqualTo(admitted);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("X-RateLimit-Limit-1")).hasValue(Long.toString(SANDBOX_DAY));
            assertThat(answer.headers().firstValue("X-RateLimit-Limit-2")).hasValue(Long.toString(SANDBOX_BURST));
            if (answer.statusCode() == 200) {
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue(Long.toString(retryAfter));
            assertThat(answer.headers().firstValue("X-RateLimit-Reset")).hasValue(Long.toString(retryAfter));
            assertApiError(answer, code);
        }
    }

    /** The API error body, whole: its four members and nothing else. */
    private static void assertApiError(HttpResponse<String> answer, int code) {
        JsonNode body = JsonMapper.builder().build().readTree(answer.body());
        assertThat(body.propertyNames()).as(answer.body()).containsExactlyInAnyOrder("code", "uuid", "message",
                "timestamp");
        assertThat(body.path("code").asInt()).isEqualTo(code);
        assertThat(UUID.fromString(body.path("uuid").asString())).isNotNull();
        assertThat(body.path("message").asString()).isNotBlank();
        assertThat(OffsetDateTime.parse(body.path("timestamp").asString())).isNotNull();
    }

    @Test
    void concurrentCallersOnBothNodesGetExactlyTheBurstLimitEachSecond() throws Exception {
        Caller caller = sandboxCaller("concurrent-burst");
        for (int second = 1; second <= 3; second++) {
            assertRound(round(caller), SANDBOX_BURST, 42902, 1);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void concurrentCallersOnBothNodesGetExactlyTheDayLimitThenAll429() throws Exception {
        Caller caller = sandboxCaller("concurrent-day");
        Instant first = clock.instant();
        long rounds = SANDBOX_DAY / SANDBOX_BURST;
        for (long r = 0; r < rounds; r++) {
            if (r < rounds - 1) {
                assertRound(round(caller), SANDBOX_BURST, 42902, 1);
            } else {
                // The last calls of the day: once they are made, both limits are reached, and a call
                // can pass again only when the first second's calls leave the window.
                assertRound(round(caller), SANDBOX_BURST, 42901, untilLeaves(first));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        // The day is used up: every call of the next second is refused, until the first second's
        // calls leave the 24-hour window.
        assertRound(round(caller), 0, 42901, untilLeaves(first));
    }

    /** Seconds until the calls made during second {@code first} leave the 24-hour window. */
    private long untilLeaves(Instant first) {
        return Duration.between(clock.instant(), first.plus(Duration.ofDays(1))).toSeconds();
    }
}
