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

/**
 * Cookies and headers that depend on TLS, and loopback redirect URIs (docs/identity.md). The
 * server runs as behind a TLS-terminating proxy ({@code server.forward-headers-strategy=native}):
 * a request with {@code X-Forwarded-Proto: https} from the loopback proxy is served as over TLS.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.forward-headers-strategy=native")
@ActiveProfiles("test")
class TransportSecurityTests {

    static final String PASSWORD = "correct horse battery";
    static final String SECRET = "loopback-test-secret";

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + response.headers()));
    }

    @Test
    void overPlainHttpTheSessionCookieIsLaxAndThereIsNoHsts() {
        HttpResponse<String> login = new WebSession(port).get("/am/login?realm=clientsB2CPeugeot");
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = sessionCookie(login);
        assertThat(cookie).containsIgnoringCase("; SameSite=Lax").containsIgnoringCase("; HttpOnly")
                .doesNotContainIgnoringCase("Secure");
        assertThat(login.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void overTlsTheSessionCookieIsSecureAndHstsIsSent() {
        Map<String, String> tls = Map.of("X-Forwarded-Proto", "https");
        HttpResponse<String> login = new WebSession(port).get("/am/login?realm=clientsB2CPeugeot", tls);
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = sessionCookie(login);
        assertThat(cookie).containsIgnoringCase("; Secure").containsIgnoringCase("; SameSite=Lax")
                .containsIgnoringCase("; HttpOnly");
        assertThat(login.headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=31536000 ; includeSubDomains");
        HttpResponse<String> discovery = new WebSession(port).get("/.well-known/openid-configuration", tls);
        assertThat(discovery.headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=31536000 ; includeSubDomains");
    }

    @Test
    void aLoopbackRedirectUriMayComeWithAnyPortAndNothingElseMayChange() {
        App app = apps.ensureRegistered(new AppRegistration("Loopback test app", "A desktop app", "Odomo tests",
                "dev@example.com", 10_000L, "loopback-test", Set.of("data:telemetry"),
                List.of("http://127.0.0.1:9999/callback", "http://[::1]:9999/callback"), "standard"),
                "loopback-test-client", SECRET);
        Brand brand = Brand.OPEL;
        String email = "loopback." + UUID.randomUUID() + "@example.com";
        accounts.create(brand, email, PASSWORD, "Loop", "Back");

        for (String redirect : List.of("http://127.0.0.1:54321/callback", "http://[::1]:40404/callback")) {
            WebSession browser = new WebSession(port);
            String code = Enrollment.authorize(browser, app.clientId(), brand.realm(), email, PASSWORD,
                    List.of("data:telemetry"), null, true, Map.of(), redirect);
            HttpResponse<String> token = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + brand.realm(),
                    Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirect),
                    Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        }

        // The login page of such an authorization lets the browser follow the redirect to any port.
        WebSession browser = new WebSession(port);
        HttpResponse<String> start = browser.get("/am/oauth2/authorize?response_type=code&client_id=" + app.clientId()
                + "&scope=data:telemetry&redirect_uri=http://127.0.0.1:5000/callback&state=s&realm=" + brand.realm());
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(browser.follow(start).headers().firstValue("Content-Security-Policy").orElseThrow())
                .endsWith("form-action 'self' http://127.0.0.1:* http://[::1]:*");

        // Only the port: another path, host name or scheme is refused.
        for (String other : List.of("http://127.0.0.1:5000/other", "http://localhost:9999/callback",
                "https://127.0.0.1:9999/callback", "http://127.0.0.2:9999/callback")) {
            HttpResponse<String> refused = new WebSession(port).get("/am/oauth2/authorize?response_type=code&client_id="
                    + app.clientId() + "&scope=data:telemetry&redirect_uri=" + other + "&state=s&realm=" + brand.realm());
            assertThat(refused.statusCode()).as(other).isEqualTo(400);
        }
    }
}
