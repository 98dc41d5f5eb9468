package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.json.JsonMapper;

/** The whole B2C enrollment over HTTP, in every realm, with and without PKCE. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class EnrollmentTests {

    static final String SECRET = "enrollment-test-secret";
    static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;

    static List<Arguments> realmsWithAndWithoutPkce() {
        return java.util.Arrays.stream(Brand.values())
                .flatMap(b -> java.util.stream.Stream.of(Arguments.of(b, true), Arguments.of(b, false))).toList();
    }

    private App app() {
        return apps.ensureRegistered(new AppRegistration("Enrollment test app", "Tests the enrollment", "Odomo tests",
                "dev@example.com", 10_000L, "enrollment-test", Set.of("data:telemetry", "data:position", "data:trip"),
                List.of(Enrollment.REDIRECT), "premium"), "enrollment-test-client", SECRET);
    }

    private String user(Brand brand, String tag) {
        String email = tag + "." + brand.name().toLowerCase() + "@example.com";
        accounts.findByEmail(brand, email).orElseGet(() -> accounts.create(brand, email, PASSWORD, "Test", brand.label()));
        return email;
    }

    private HttpResponse<String> callUser(String accessToken, String clientId, String realm) {
        return new WebSession(port).get("/connectedcar/v4/user?client_id=" + clientId,
                Map.of("Authorization", "Bearer " + accessToken, "x-introspect-realm", realm));
    }

    @ParameterizedTest(name = "{0}, PKCE {1}")
    @MethodSource("realmsWithAndWithoutPkce")
    void enrollCallRefreshRevoke(Brand brand, boolean pkce) {
        App app = app();
        String email = user(brand, pkce ? "pkce" : "plain");
        String realm = brand.realm();

        Enrollment.Tokens tokens = Enrollment.enroll(port, app.clientId(), SECRET, realm, email, PASSWORD,
                List.of("data:telemetry", "data:position"), pkce);
        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(tokens.refreshToken()).isNotBlank();
        assertThat(tokens.scope()).contains("data:telemetry", "data:position");

        HttpResponse<String> me = callUser(tokens.accessToken(), app.clientId(), realm);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(me.body()).path("email").stringValue()).isEqualTo(email);

        HttpResponse<String> refreshed = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + realm,
                Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()),
                Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        Enrollment.Tokens second = Enrollment.tokens(refreshed.body());
        assertThat(second.accessToken()).isNotEqualTo(tokens.accessToken());
        assertThat(callUser(second.accessToken(), app.clientId(), realm).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = new WebSession(port).postForm("/am/oauth2/token/revoke?realm=" + realm,
                Map.of("token", second.refreshToken()), Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        HttpResponse<String> after = callUser(second.accessToken(), app.clientId(), realm);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("\"code\":40101");
    }

    @Test
    void discoveryAndKeysArePublished() {
        WebSession web = new WebSession(port);
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            HttpResponse<String> discovery = web.get(path);
            assertThat(discovery.statusCode()).as(path).isEqualTo(200);
            var json = JsonMapper.builder().build().readTree(discovery.body());
            assertThat(json.path("authorization_endpoint").stringValue()).endsWith("/am/oauth2/authorize");
            assertThat(json.path("token_endpoint").stringValue()).endsWith("/am/oauth2/access_token");
            assertThat(json.path("revocation_endpoint").stringValue()).endsWith("/am/oauth2/token/revoke");
            assertThat(json.path("code_challenge_methods_supported").toString()).contains("S256");
            String jwks = json.path("jwks_uri").stringValue();
            HttpResponse<String> keys = web.get(jwks);
            assertThat(keys.statusCode()).isEqualTo(200);
            assertThat(keys.body()).contains("\"kty\":\"RSA\"").doesNotContain("\"d\":");
        }
    }

    @Test
    void decliningRedirectsWithAccessDenied() {
        App app = app();
        String email = user(Brand.CITROEN, "decline");
        String error = Enrollment.authorize(new WebSession(port), app.clientId(), Brand.CITROEN.realm(), email, PASSWORD,
                List.of("data:telemetry"), null, false);
        assertThat(error).isEqualTo("access_denied");
    }

    @Test
    void anAuthorizationCodeIsSingleUse() {
        App app = app();
        String email = user(Brand.OPEL, "single");
        WebSession browser = new WebSession(port);
        String code = Enrollment.authorize(browser, app.clientId(), Brand.OPEL.realm(), email, PASSWORD,
                List.of("data:trip"), null, true);
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
                Enrollment.REDIRECT);
        Map<String, String> auth = Map.of("Authorization", WebSession.basic(app.clientId(), SECRET));
        assertThat(new WebSession(port).postForm("/am/oauth2/access_token", form, auth).statusCode()).isEqualTo(200);
        HttpResponse<String> again = new WebSession(port).postForm("/am/oauth2/access_token", form, auth);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("invalid_grant");
    }

    @Test
    void scopesBeyondTheRegisteredOnesAndForeignRedirectsAreRefused() {
        App app = app();
        WebSession browser = new WebSession(port);
        HttpResponse<String> scope = browser.get("/am/oauth2/authorize?response_type=code&client_id=" + app.clientId()
                + "&scope=remote:horn:write&redirect_uri=" + Enrollment.REDIRECT + "&state=s&realm=clientsB2CDS");
        assertThat(scope.statusCode()).isEqualTo(302);
        assertThat(WebSession.location(scope)).startsWith(Enrollment.REDIRECT).contains("error=invalid_scope");

        HttpResponse<String> redirect = browser.get("/am/oauth2/authorize?response_type=code&client_id="
                + app.clientId() + "&scope=data:trip&redirect_uri=https://evil.example.com/cb&state=s&realm=clientsB2CDS");
        assertThat(redirect.statusCode()).isEqualTo(400);
    }

    @Test
    void endUserPagesSendSecurityHeadersAndLetFormsPostOnlyToTheAppOfTheAuthorization() {
        App app = app();
        WebSession browser = new WebSession(port);
        HttpResponse<String> login = browser.get("/am/login?realm=clientsB2CPeugeot");
        assertThat(login.statusCode()).isEqualTo(200);
        String policy = login.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                .endsWith("form-action 'self'").doesNotContain("http:", "https:");
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(login.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(login.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");

        HttpResponse<String> start = browser.get("/am/oauth2/authorize?response_type=code&client_id="
                + app.clientId() + "&scope=data:trip&redirect_uri=" + Enrollment.REDIRECT + "&state=s&realm="
                + Brand.PEUGEOT.realm());
        HttpResponse<String> loginForTheApp = browser.follow(start);
        assertThat(loginForTheApp.headers().firstValue("Content-Security-Policy").orElseThrow())
                .endsWith("form-action 'self' https://app.example.com");
    }

    @Test
    void everyEndUserFormNeedsItsCsrfToken() {
        App app = app();
        String email = user(Brand.DS, "csrf");
        WebSession browser = new WebSession(port);
        String realm = Brand.DS.realm();
        HttpResponse<String> loginPage = browser.get("/am/login?realm=" + realm);
        assertThat(browser.postForm("/am/login", Map.of("email", email, "password", PASSWORD, "realm", realm))
                .statusCode()).isEqualTo(403);
        assertThat(browser.postForm("/am/signup", Map.of("email", "x@example.com", "password", PASSWORD,
                "firstName", "X", "lastName", "Y", "vin", "VR3UHZKXZMT000001", "activationCode", "ABCDE-FGHJK",
                "realm", realm)).statusCode()).isEqualTo(403);

        HttpResponse<String> login = browser.postForm("/am/login", Map.of("email", email, "password", PASSWORD,
                "realm", realm, "_csrf", WebSession.csrf(loginPage.body())));
        assertThat(WebSession.location(login)).contains("/am/account");
        HttpResponse<String> account = browser.follow(login);
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(browser.postForm("/am/account/revoke", Map.of("appId", app.id(), "realm", realm)).statusCode())
                .isEqualTo(403);
        assertThat(browser.postForm("/am/logout", Map.of("realm", realm)).statusCode()).isEqualTo(403);
        String token = WebSession.csrf(account.body());
        HttpResponse<String> revoke = browser.postForm("/am/account/revoke", Map.of("appId", app.id(), "realm", realm,
                "_csrf", token));
        assertThat(revoke.statusCode()).isEqualTo(302);
        assertThat(WebSession.location(revoke)).contains("/am/account").contains("revoked");
    }

    @Test
    void wrongSecretIsRefusedAtTheTokenEndpoint() {
        App app = app();
        HttpResponse<String> token = new WebSession(port).postForm("/am/oauth2/access_token",
                Map.of("grant_type", "refresh_token", "refresh_token", "whatever"),
                Map.of("Authorization", WebSession.basic(app.clientId(), "wrong")));
        assertThat(token.statusCode()).isEqualTo(401);
    }

    @Test
    void tokenFromOneClientOrRealmIsRejectedWithTheApiErrorBody() {
        App app = app();
        String email = user(Brand.VAUXHALL, "mismatch");
        Enrollment.Tokens tokens = Enrollment.enroll(port, app.clientId(), SECRET, Brand.VAUXHALL.realm(), email,
                PASSWORD, List.of("data:telemetry"), false);
        HttpResponse<String> wrongClient = callUser(tokens.accessToken(), "another-client", Brand.VAUXHALL.realm());
        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(wrongClient.body()).contains("\"code\":40102", "\"uuid\"", "\"timestamp\"", "\"message\"");
        HttpResponse<String> wrongRealm = callUser(tokens.accessToken(), app.clientId(), Brand.OPEL.realm());
        assertThat(wrongRealm.statusCode()).isEqualTo(401);
        assertThat(wrongRealm.body()).contains("\"code\":40103");
        HttpResponse<String> noToken = new WebSession(port).get("/connectedcar/v4/user?client_id=" + app.clientId());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).contains("\"code\":40100");
        HttpResponse<String> garbage = callUser("not-a-token", app.clientId(), Brand.VAUXHALL.realm());
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body()).contains("\"code\":40101");
    }
}
