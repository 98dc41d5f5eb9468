package org.odomo.crypto;

import static org.assertj.core.api.Assertions.assertThat;

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
 * spent, then 429 with Retry-After, while the owner at another address keeps authenticating.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "odomo.credentials.failures-per-source=5", "odomo.credentials.failures-per-principal=40",
        "odomo.credentials.failure-window=PT1M"})
@ActiveProfiles("test")
class CredentialFloodTests {

    static final String OPERATOR_PASSWORD = "operator-test-password";
    static final int SOURCE_BUDGET = 5;

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    VehicleRegistry vehicles;
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

    /** For {@link #assertOAuthError}: whatever description the authorization server gives, if any. */
    static final String ANY_DESCRIPTION = new String("(any description)");

    /**
     * An OAuth error answer, whole: the members OAuth clients read ({@code error}, and
     * {@code error_description} and {@code error_uri} when given) beside the API error members,
     * whose code starts with the status and whose message is the description (or the error).
     */
    void assertOAuthError(FromAddress.Response r, int status, String error, String description, String uri) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = json.readTree(r.body());
        Set<String> members = new java.util.HashSet<>(Set.of("error", "code", "uuid", "message", "timestamp"));
        if (description == ANY_DESCRIPTION && body.has("error_description")) {
            description = body.path("error_description").stringValue();
        }
        if (description != null && description != ANY_DESCRIPTION) {
            members.add("error_description");
            assertThat(body.path("error_description").stringValue()).isEqualTo(description);
        }
        if (uri != null) {
            members.add("error_uri");
            assertThat(body.path("error_uri").stringValue()).isEqualTo(uri);
        }
        assertThat(body.propertyNames()).containsExactlyInAnyOrderElementsOf(members);
        assertThat(body.path("error").stringValue()).isEqualTo(error);
        assertThat(body.path("code").intValue() / 100).isEqualTo(status);
        assertThat(body.path("uuid").stringValue())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.path("message").stringValue())
                .isEqualTo(description != null && description != ANY_DESCRIPTION ? description : error);
        assertThat(Instant.parse(body.path("timestamp").stringValue())).isBefore(Instant.now().plusSeconds(1));
    }

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
        FromAddress.Response refused = attacker.get("/admin/v1/apps", basic("operator", "guess-x"));
        long retry = assertThrottled(refused);
        assertApiError(refused, 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");

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
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            // RFC 6749 section 5.2: the error, its description and where it is defined.
            assertOAuthError(r, 401, "invalid_client", "Client authentication failed: client_secret",
                    "https://datatracker.ietf.org/doc/html/rfc6749#section-3.2.1");
        }
        FromAddress.Response refused = attacker.post(path, basic(app.clientId(), "guess-x"),
                "application/x-www-form-urlencoded", form);
        long retry = assertThrottled(refused);
        assertOAuthError(refused, 429, "temporarily_unavailable",
                "too many failed authentication attempts; retry in " + retry + " s", null);
        // The app at its own address gets past client authentication: its made-up code is what is refused.
        FromAddress.Response ok = owner.post(path, basic(app.clientId(), "flooded-secret"),
                "application/x-www-form-urlencoded", form);
        assertThat(ok.status()).as(ok.body()).isEqualTo(400);
        assertOAuthError(ok, 400, "invalid_grant", ANY_DESCRIPTION, null);
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
        FromAddress.Response refused = attacker.get(path, basic(app.clientId(), "caps-flood-secret"));
        long retry = assertThrottled(refused);
        assertApiError(refused, 429, 42903, "too many failed authentication attempts; retry in " + retry + " s");
        FromAddress.Response ok = owner.get(path, basic(app.clientId(), "caps-flood-secret"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(json.readTree(ok.body()).path("vin").stringValue()).isEqualTo(vin);
    }
}
