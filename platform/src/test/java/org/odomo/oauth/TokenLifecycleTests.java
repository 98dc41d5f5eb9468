package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an app may learn about tokens and what a leaked refresh token costs: introspection
 * answers only about the caller's own tokens (RFC 7662 §4), and a rotated refresh token
 * presented again revokes its whole grant (RFC 9700 §4.14.2).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class TokenLifecycleTests {

    static final String PASSWORD = "correct horse battery";
    static final String SECRET_A = "lifecycle-secret-a";
    static final String SECRET_B = "lifecycle-secret-b";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;

    private App appA() {
        return apps.ensureRegistered(new AppRegistration("Lifecycle app A", "Holds tokens", "Odomo tests",
                "dev@example.com", 10_000L, "lifecycle-a", Set.of("data:telemetry", "data:position"),
                List.of(Enrollment.REDIRECT), "premium"), "lifecycle-client-a", SECRET_A);
    }

    private App appB() {
        return apps.ensureRegistered(new AppRegistration("Lifecycle app B", "Snoops", "Odomo tests",
                "dev@example.com", 10_000L, "lifecycle-b", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT),
                "premium"), "lifecycle-client-b", SECRET_B);
    }

    private record User(String email, long id) {
    }

    private User user(Brand brand) {
        String email = "lifecycle." + UUID.randomUUID() + "@example.com";
        return new User(email, accounts.create(brand, email, PASSWORD, "Life", "Cycle").id());
    }

    private JsonNode introspect(String token, String clientId, String secret) {
        HttpResponse<String> answer = new WebSession(port).postForm("/am/oauth2/introspect", Map.of("token", token),
                Map.of("Authorization", WebSession.basic(clientId, secret)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> refresh(String refreshToken, App app, String secret, Brand brand) {
        return new WebSession(port).postForm("/am/oauth2/access_token?realm=" + brand.realm(),
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                Map.of("Authorization", WebSession.basic(app.clientId(), secret)));
    }

    private HttpResponse<String> callUser(String accessToken, App app, Brand brand) {
        return new WebSession(port).get("/connectedcar/v4/user?client_id=" + app.clientId(),
                Map.of("Authorization", "Bearer " + accessToken, "x-introspect-realm", brand.realm()));
    }

    @Test
    void anAppLearnsAboutItsOwnTokensOnlyAndAnotherAppGetsInactive() {
        App a = appA();
        App b = appB();
        Brand brand = Brand.CITROEN;
        User user = user(brand);
        Enrollment.Tokens tokens = Enrollment.enroll(port, a.clientId(), SECRET_A, brand.realm(), user.email(),
                PASSWORD, List.of("data:telemetry", "data:position"), false);
        String issuer = JSON.readTree(new WebSession(port).get("/.well-known/openid-configuration").body())
                .path("issuer").stringValue();

        JsonNode own = introspect(tokens.accessToken(), a.clientId(), SECRET_A);
        assertThat(fieldNames(own)).containsExactlyInAnyOrder("active", "sub", "aud", "nbf", "scope", "iss", "exp",
                "iat", "jti", "client_id", "token_type", "realm");
        assertThat(own.path("active").booleanValue()).isTrue();
        assertThat(own.path("sub").stringValue()).isEqualTo(Long.toString(user.id()));
        assertThat(own.path("client_id").stringValue()).isEqualTo(a.clientId());
        assertThat(own.path("realm").stringValue()).isEqualTo(brand.realm());
        assertThat(own.path("token_type").stringValue()).isEqualTo("Bearer");
        assertThat(own.path("iss").stringValue()).isEqualTo(issuer);
        assertThat(Set.of(own.path("scope").stringValue().split(" "))).containsExactlyInAnyOrder("data:telemetry",
                "data:position");
        assertThat(own.path("aud").toString()).isEqualTo("[\"" + a.clientId() + "\"]");
        assertThat(introspect(tokens.refreshToken(), a.clientId(), SECRET_A).path("active").booleanValue()).isTrue();

        // Another registered app, authenticated, learns nothing about either token.
        assertThat(introspect(tokens.accessToken(), b.clientId(), SECRET_B).toString()).isEqualTo("{\"active\":false}");
        assertThat(introspect(tokens.refreshToken(), b.clientId(), SECRET_B).toString())
                .isEqualTo("{\"active\":false}");
        // The same answer as for a token that never existed.
        assertThat(introspect("no-such-token", b.clientId(), SECRET_B).toString()).isEqualTo("{\"active\":false}");

        // And an unauthenticated caller is refused.
        HttpResponse<String> anonymous = new WebSession(port).postForm("/am/oauth2/introspect",
                Map.of("token", tokens.accessToken()), Map.of("Accept", "application/json"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void aRotatedRefreshTokenPresentedAgainRevokesTheWholeGrant() {
        App app = appA();
        Brand brand = Brand.PEUGEOT;
        User user = user(brand);
        Enrollment.Tokens first = Enrollment.enroll(port, app.clientId(), SECRET_A, brand.realm(), user.email(),
                PASSWORD, List.of("data:telemetry"), true);

        // Ordinary rotation: each refresh token works once, the newest one goes on working.
        HttpResponse<String> r2 = refresh(first.refreshToken(), app, SECRET_A, brand);
        assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
        Enrollment.Tokens second = Enrollment.tokens(r2.body());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        HttpResponse<String> r3 = refresh(second.refreshToken(), app, SECRET_A, brand);
        assertThat(r3.statusCode()).as(r3.body()).isEqualTo(200);
        Enrollment.Tokens third = Enrollment.tokens(r3.body());
        assertThat(callUser(third.accessToken(), app, brand).statusCode()).isEqualTo(200);

        // The first refresh token comes back (stolen copy, or a replay): refused...
        HttpResponse<String> reused = refresh(first.refreshToken(), app, SECRET_A, brand);
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(400);
        assertThat(JSON.readTree(reused.body()).path("error").stringValue()).isEqualTo("invalid_grant");

        // ...and everything issued from the newer one stops working.
        HttpResponse<String> api = callUser(third.accessToken(), app, brand);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(api.body()).path("code").asInt()).isEqualTo(40101);
        HttpResponse<String> newest = refresh(third.refreshToken(), app, SECRET_A, brand);
        assertThat(newest.statusCode()).as(newest.body()).isEqualTo(400);
        assertThat(JSON.readTree(newest.body()).path("error").stringValue()).isEqualTo("invalid_grant");
        assertThat(introspect(third.accessToken(), app.clientId(), SECRET_A).toString())
                .isEqualTo("{\"active\":false}");
    }

    @Test
    void aRefreshTokenThatWasNeverIssuedRevokesNothing() {
        App app = appA();
        Brand brand = Brand.DS;
        User user = user(brand);
        Enrollment.Tokens tokens = Enrollment.enroll(port, app.clientId(), SECRET_A, brand.realm(), user.email(),
                PASSWORD, List.of("data:telemetry"), false);
        HttpResponse<String> forged = refresh(tokens.refreshToken() + "x", app, SECRET_A, brand);
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(callUser(tokens.accessToken(), app, brand).statusCode()).isEqualTo(200);
        assertThat(refresh(tokens.refreshToken(), app, SECRET_A, brand).statusCode()).isEqualTo(200);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
