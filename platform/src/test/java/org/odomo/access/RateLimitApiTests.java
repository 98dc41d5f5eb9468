package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.vehicle.Brand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The plan's limits over HTTP, with tokens from a real enrollment: headers on every answer, 429 past a limit. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(RateLimitApiTests.TestClock.class)
class RateLimitApiTests {

    static final String SECRET = "rate-limit-test-secret";
    static final String PASSWORD = "correct horse battery";
    static final Brand BRAND = Brand.PEUGEOT;

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Clock injected;

    MutableClock clock() {
        return (MutableClock) injected;
    }

    /** An app on a plan of its own, and a token of a user who enrolled with it. */
    record Caller(String clientId, String accessToken) {
    }

    Caller caller(String name, long dayLimit, int burstLimit) {
        jdbc.sql("INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(name, "Test plan " + name, dayLimit, burstLimit).update();
        App app = apps.ensureRegistered(new AppRegistration("Rate test app " + name, "Tests the plans", "Odomo tests",
                "dev@example.com", 1000L, name, Set.of("data:telemetry"), List.of(Enrollment.REDIRECT), name),
                name + "-client", SECRET);
        String email = name + "@example.com";
        accounts.findByEmail(BRAND, email).orElseGet(() -> accounts.create(BRAND, email, PASSWORD, "Rate", "Test"));
        Enrollment.Tokens tokens = Enrollment.enroll(port, app.clientId(), SECRET, BRAND.realm(), email, PASSWORD,
                List.of("data:telemetry"), true);
        return new Caller(app.clientId(), tokens.accessToken());
    }

    HttpResponse<String> call(Caller caller, String path) {
        return new WebSession(port).get(path + "?client_id=" + caller.clientId(),
                Map.of("Authorization", "Bearer " + caller.accessToken(), "x-introspect-realm", BRAND.realm()));
    }

    static void assertLimits(HttpResponse<String> response, long day, long dayRemaining, long burst,
            long burstRemaining) {
        var headers = response.headers();
        assertThat(headers.firstValue("X-RateLimit-Limit-1")).as("day limit").hasValue(Long.toString(day));
        assertThat(headers.firstValue("X-RateLimit-Remaining-1")).as("day remaining").hasValue(Long.toString(dayRemaining));
        assertThat(headers.firstValue("X-RateLimit-Limit-2")).as("burst limit").hasValue(Long.toString(burst));
        assertThat(headers.firstValue("X-RateLimit-Remaining-2")).as("burst remaining")
                .hasValue(Long.toString(burstRemaining));
    }

    static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.builder().build().readTree(response.body());
    }

    @Test
    void theDayLimitRefusesWith42901UntilTheCallsLeaveTheWindow() {
        Caller caller = caller("rate-day", 4, 100);
        for (int i = 1; i <= 4; i++) {
            // an error answer after authentication counts and carries the headers too
            HttpResponse<String> ok = call(caller, i == 2 ? "/connectedcar/v4/no-such-resource" : "/connectedcar/v4/user");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(i == 2 ? 404 : 200);
            assertLimits(ok, 4, 4 - i, 100, 100 - i);
            assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
            assertThat(ok.headers().firstValue("X-RateLimit-Reset")).isEmpty();
        }
        clock().advance(Duration.ofHours(1));
        HttpResponse<String> refused = call(caller, "/connectedcar/v4/user");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertLimits(refused, 4, 0, 100, 100);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue(Long.toString(23 * 3600));
        assertThat(refused.headers().firstValue("X-RateLimit-Reset")).hasValue(Long.toString(23 * 3600));
        JsonNode body = json(refused);
        assertThat(body.path("code").asInt()).isEqualTo(42901);
        assertThat(body.path("uuid").asString()).isNotBlank();
        assertThat(body.path("message").asString()).isNotBlank();
        assertThat(body.path("timestamp").asString()).isNotBlank();

        clock().advance(Duration.ofHours(23));
        HttpResponse<String> again = call(caller, "/connectedcar/v4/user");
        assertThat(again.statusCode()).isEqualTo(200);
        assertLimits(again, 4, 3, 100, 99);
    }

    @Test
    void theBurstLimitRefusesWith42902ForTheRestOfTheSecond() {
        Caller caller = caller("rate-burst", 1000, 3);
        clock().advance(Duration.ofSeconds(10));
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> ok = call(caller, "/connectedcar/v4/user");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertLimits(ok, 1000, 1000 - i, 3, 3 - i);
        }
        HttpResponse<String> refused = call(caller, "/connectedcar/v4/user");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).path("code").asInt()).isEqualTo(42902);
        assertLimits(refused, 1000, 997, 3, 0);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("X-RateLimit-Reset")).hasValue("1");

        clock().advance(Duration.ofSeconds(1));
        HttpResponse<String> next = call(caller, "/connectedcar/v4/user");
        assertThat(next.statusCode()).isEqualTo(200);
        assertLimits(next, 1000, 996, 3, 2);
    }

    @Test
    void callsRefusedBeforeTheAppIsKnownCarryNoLimitsAndCountNothing() {
        Caller caller = caller("rate-anon", 1000, 10);
        clock().advance(Duration.ofSeconds(20));
        HttpResponse<String> noToken = new WebSession(port).get("/connectedcar/v4/user?client_id=" + caller.clientId());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("X-RateLimit-Limit-1")).isEmpty();
        HttpResponse<String> ok = call(caller, "/connectedcar/v4/user");
        assertLimits(ok, 1000, 999, 10, 9);
    }
}
