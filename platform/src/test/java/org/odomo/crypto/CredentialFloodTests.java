package org.odomo.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wrong passwords and client secrets over real HTTP, from several loopback addresses: each
 * Basic-authenticated entry point answers 401 until the address's budget of five failures is
 * spent, then 429 with Retry-After, held back for the refusal delay (two seconds here), while the
 * owner at another address keeps authenticating at once. At most three refusals are held at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "odomo.credentials.failures-per-source=5", "odomo.credentials.failures-per-principal=40",
        "odomo.credentials.failure-window=PT1M", "odomo.credentials.refusal-delay=PT2S",
        "odomo.credentials.held-refusals=3"})
@ActiveProfiles("test")
class CredentialFloodTests {

    static final String OPERATOR_PASSWORD = "operator-test-password";
    static final int SOURCE_BUDGET = 5;
    static final Duration REFUSAL_DELAY = Duration.ofSeconds(2);
    static final int HELD_REFUSALS = 3;

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    CredentialGate gate;
    final JsonMapper json = JsonMapper.builder().build();
    final ExecutorService pool = Executors.newFixedThreadPool(6);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    FromAddress from(String address) {
        return new FromAddress(address, port);
    }

    static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", WebSession.basic(user, password));
    }

    /** The API error body, whole: code, a UUID, the message, an ISO instant, nothing else. */
    void assertApiError(FromAddress.Response r, int status, int code, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = json.readTree(r.body());
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("code", "uuid", "message", "timestamp");
        assertThat(body.path("code").intValue()).isEqualTo(code);
        assertThat(body.path("uuid").stringValue())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.path("message").stringValue()).isEqualTo(message);
        assertThat(Instant.parse(body.path("timestamp").stringValue())).isBefore(Instant.now().plusSeconds(1));
    }

    /** An answer and how long it took. */
    record Timed(FromAddress.Response response, Duration took) {
    }

    static Timed timed(Supplier<FromAddress.Response> call) {
        long start = System.nanoTime();
        FromAddress.Response r = call.get();
        return new Timed(r, Duration.ofNanos(System.nanoTime() - start));
    }

    /** A refusal of a throttled attempt: held back for at least the refusal delay. */
    static FromAddress.Response held(Supplier<FromAddress.Response> call) {
        Timed t = timed(call);
        assertThat(t.took()).as("time until the refusal").isGreaterThanOrEqualTo(REFUSAL_DELAY);
        return t.response();
    }

    /** The headers Spring Security's defaults put on every answer of a chain. */
    static void assertSecurityHeaders(FromAddress.Response r, String cacheControl) {
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("X-XSS-Protection")).isEqualTo("0");
        assertThat(r.header("Cache-Control")).isEqualTo(cacheControl);
    }

    static final String NO_CACHE = "no-cache, no-store, max-age=0, must-revalidate";

    /** 429 with Retry-After of at most the time one failure takes to refill (60 s / 5). */
    long assertThrottled(FromAddress.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        long retry = Long.parseLong(r.header("Retry-After"));
        assertThat(retry).isBetween(1L, 60L / SOURCE_BUDGET);
        return retry;
    }

    @Test
    void operatorApiThrottlesAFloodingAddressWhileTheOperatorElsewhereKeepsWorking() throws Exception {
        FromAddress attacker = from("127.0.0.2");
        FromAddress owner = from("127.0.0.3");
        for (int i = 0; i < SOURCE_BUDGET; i++) {
            FromAddress.Response r = attacker.get("/admin/v1/apps", basic("operator", "guess-" + i));
            assertApiError(r, 401, 40100, "operator credentials required");
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"odomo-operator\"");
        }
        FromAddress.Response refused = held(() -> attacker.get("/admin/v1/apps", basic("operator", "guess-x")));
        long retry = assertThrottled(refused);
        assertApiError(refused, 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");
        assertSecurityHeaders(refused, NO_CACHE);

        // A concurrent flood from the throttled address, while the operator reads from another.
        AtomicBoolean flooding = new AtomicBoolean(true);
        Map<Integer, Integer> floodStatuses = new ConcurrentHashMap<>();
        List<Future<?>> flood = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            flood.add(pool.submit(() -> {
                while (flooding.get()) {
                    floodStatuses.merge(attacker.get("/admin/v1/apps", basic("operator", "flood")).status(), 1,
                            Integer::sum);
                }
            }));
        }
        try {
            for (int i = 0; i < 10; i++) {
                FromAddress.Response r = owner.get("/admin/v1/apps", basic("operator", OPERATOR_PASSWORD));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(json.readTree(r.body()).isArray()).isTrue();
            }
        } finally {
            flooding.set(false);
            for (Future<?> f : flood) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(floodStatuses).containsOnlyKeys(429);
    }

    /** The OAuth error with the API's members: error, its description and URI when given, code, uuid, message, timestamp. */
    void assertOAuthError(FromAddress.Response r, int status, String error, String description, String uri, int code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = json.readTree(r.body());
        List<String> names = new ArrayList<>(List.of("error", "error_description", "code", "uuid", "message",
                "timestamp"));
        if (uri != null) {
            names.add("error_uri");
            assertThat(body.path("error_uri").stringValue()).isEqualTo(uri);
        }
        assertThat(body.propertyNames()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(body.path("error").stringValue()).isEqualTo(error);
        assertThat(body.path("error_description").stringValue()).isEqualTo(description);
        assertThat(body.path("code").intValue()).isEqualTo(code);
        assertThat(body.path("uuid").stringValue())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.path("message").stringValue()).isEqualTo(description);
        assertThat(Instant.parse(body.path("timestamp").stringValue())).isBefore(Instant.now().plusSeconds(1));
    }

    /** Spends an address's budget of failures on the operator API. */
    void spend(FromAddress address) {
        for (int i = 0; i < SOURCE_BUDGET; i++) {
            assertThat(address.get("/admin/v1/apps", basic("operator", "guess-" + i)).status()).isEqualTo(401);
        }
    }

    @Test
    void aHeldRefusalDoesNotDelayTheOwnerElsewhere() throws Exception {
        FromAddress attacker = from("127.0.0.10");
        FromAddress owner = from("127.0.0.11");
        spend(attacker);
        int heldBefore = gate.held();
        Future<Timed> refused = pool.submit(() -> timed(() -> attacker.get("/admin/v1/apps", basic("operator", "x"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() > heldBefore || refused.isDone());
        Timed ok = timed(() -> owner.get("/admin/v1/apps", basic("operator", OPERATOR_PASSWORD)));
        assertThat(ok.response().status()).as(ok.response().body()).isEqualTo(200);
        assertThat(refused).as("the attacker's refusal is still held when the owner is answered").isNotDone();
        Timed t = refused.get(30, TimeUnit.SECONDS);
        assertThat(t.took()).isGreaterThanOrEqualTo(REFUSAL_DELAY);
        long retry = assertThrottled(t.response());
        assertApiError(t.response(), 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() == 0);
    }

    @Test
    void aSecretVerifiedMomentsAgoPassesAThrottledAddressAtOnce() {
        FromAddress shared = from("127.0.0.12");
        assertThat(shared.get("/admin/v1/apps", basic("operator", OPERATOR_PASSWORD)).status()).isEqualTo(200);
        spend(shared);
        Timed ok = timed(() -> shared.get("/admin/v1/apps", basic("operator", OPERATOR_PASSWORD)));
        assertThat(ok.response().status()).as(ok.response().body()).isEqualTo(200);
        assertThat(ok.took()).isLessThan(REFUSAL_DELAY);
        // A wrong password from there is still held and refused.
        assertThrottled(held(() -> shared.get("/admin/v1/apps", basic("operator", "guess-y"))));
    }

    @Test
    void heldRefusalsAreBoundedAndTheOneBeyondIsAnsweredAtOnceAndDisconnected() throws Exception {
        FromAddress attacker = from("127.0.0.13");
        spend(attacker);
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() == 0);
        List<Future<Timed>> waiting = new ArrayList<>();
        for (int i = 0; i < HELD_REFUSALS; i++) {
            waiting.add(pool.submit(() -> timed(() -> attacker.get("/admin/v1/apps", basic("operator", "x")))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() == HELD_REFUSALS);
        FromAddress.Response beyond = attacker.getClosing("/admin/v1/apps", basic("operator", "y"));
        assertThat(waiting).as("the held refusals are still waiting").noneMatch(Future::isDone);
        long retry = assertThrottled(beyond);
        assertApiError(beyond, 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");
        assertThat(beyond.header("Connection")).isEqualTo("close");
        assertThat(gate.held()).isEqualTo(HELD_REFUSALS);
        for (Future<Timed> f : waiting) {
            Timed t = f.get(30, TimeUnit.SECONDS);
            assertThat(t.took()).isGreaterThanOrEqualTo(REFUSAL_DELAY);
            assertThrottled(t.response());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() == 0);
    }

    @Test
    void theOperatorNameIsMatchedExactly() {
        FromAddress caller = from("127.0.0.4");
        for (String name : List.of("Operator", "OPERATOR", "operator ", "operato", "operators")) {
            assertApiError(caller.get("/admin/v1/apps", basic(name, OPERATOR_PASSWORD)), 401, 40100,
                    "operator credentials required");
        }
        // (Another address: these five failures spent this one's budget.)
        assertThat(from("127.0.0.9").get("/admin/v1/apps", basic("operator", OPERATOR_PASSWORD)).status())
                .isEqualTo(200);
    }

    @Test
    void tokenEndpointThrottlesWrongClientSecretsWithAnOAuthErrorWhileTheAppElsewhereAuthenticates() {
        App app = apps.ensureRegistered(new AppRegistration("Flooded", "Throttling", "Odomo tests", "dev@example.com",
                10L, "flooded-app", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT), "standard"),
                "flooded-client", "flooded-secret");
        String path = "/am/oauth2/access_token?realm=" + Brand.PEUGEOT.realm();
        String form = "grant_type=authorization_code&code=no-such-code&redirect_uri=" + Enrollment.REDIRECT;
        FromAddress attacker = from("127.0.0.5");
        FromAddress owner = from("127.0.0.6");
        for (int i = 0; i < SOURCE_BUDGET; i++) {
            FromAddress.Response r = attacker.post(path, basic(app.clientId(), "guess-" + i),
                    "application/x-www-form-urlencoded", form);
            assertOAuthError(r, 401, "invalid_client", "Client authentication failed: client_secret",
                    "https://datatracker.ietf.org/doc/html/rfc6749#section-3.2.1", 40100);
        }
        FromAddress.Response refused = held(() -> attacker.post(path, basic(app.clientId(), "guess-x"),
                "application/x-www-form-urlencoded", form));
        long retry = assertThrottled(refused);
        assertOAuthError(refused, 429, "temporarily_unavailable",
                "too many failed authentication attempts; retry in " + retry + " s", null, 42903);
        assertSecurityHeaders(refused, "no-store");
        // The same secret in the form is refused just the same.
        FromAddress.Response inForm = held(() -> attacker.post(path, Map.of(), "application/x-www-form-urlencoded",
                form + "&client_id=" + app.clientId() + "&client_secret=guess-y"));
        long formRetry = assertThrottled(inForm);
        assertOAuthError(inForm, 429, "temporarily_unavailable",
                "too many failed authentication attempts; retry in " + formRetry + " s", null, 42903);
        // The app at its own address gets past client authentication at once: its made-up code is what is refused.
        Timed ok = timed(() -> owner.post(path, basic(app.clientId(), "flooded-secret"),
                "application/x-www-form-urlencoded", form));
        assertThat(ok.took()).isLessThan(REFUSAL_DELAY);
        assertThat(ok.response().status()).as(ok.response().body()).isEqualTo(400);
        assertThat(json.readTree(ok.response().body()).path("error").stringValue()).isEqualTo("invalid_grant");
    }

    @Test
    void capabilityApiThrottlesWrongSecretsInTheApiErrorFormat() {
        App app = apps.ensureRegistered(new AppRegistration("Caps flood", "Throttling", "Odomo tests",
                "dev@example.com", 10L, "caps-flood", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT),
                "standard"), "caps-flood-client", "caps-flood-secret");
        String vin = TestVehicles.newVin();
        vehicles.register(new NewVehicle(vin, Brand.PEUGEOT, "P-E208", null, PrivacyMode.DATA_AND_LOCATION,
                EnumSet.of(ConnectedService.PARTNER)));
        String path = "/connectedcar/v3/vehicles/" + vin + "?client_id=" + app.clientId();
        FromAddress attacker = from("127.0.0.7");
        FromAddress owner = from("127.0.0.8");
        for (int i = 0; i < SOURCE_BUDGET; i++) {
            assertApiError(attacker.get(path, basic(app.clientId(), "guess-" + i)), 401, 40100,
                    "app credentials required (HTTP Basic)");
        }
        FromAddress.Response refused = held(() -> attacker.get(path, basic(app.clientId(), "caps-flood-secret")));
        long retry = assertThrottled(refused);
        assertApiError(refused, 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");
        FromAddress.Response ok = owner.get(path, basic(app.clientId(), "caps-flood-secret"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(json.readTree(ok.body()).path("vin").stringValue()).isEqualTo(vin);
    }
}
