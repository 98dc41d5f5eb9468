package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the OAuth2 authorization-code enrollment the way a browser and an app do, over HTTP,
 * and hands back the tokens. Used by the enrollment tests and by API tests that need tokens.
 */
public final class Enrollment {

    public static final String REDIRECT = "https://app.example.com/callback";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record Tokens(String accessToken, String refreshToken, String idToken, long expiresIn, String scope) {
    }

    private Enrollment() {
    }

    /** Runs authorize → login → consent (accept) → code → token. */
    public static Tokens enroll(int port, String clientId, String secret, String realm, String email, String password,
            List<String> scopes, boolean pkce) {
        WebSession browser = new WebSession(port);
        String verifier = pkce ? randomVerifier() : null;
        String code = authorize(browser, clientId, realm, email, password, scopes, verifier, true);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT);
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        HttpResponse<String> token = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + realm, form,
                Map.of("Authorization", WebSession.basic(clientId, secret)));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return tokens(token.body());
    }

    /**
     * Goes through the browser part; returns the code, or the redirect's error when
     * {@code accept} is false (then the "error" parameter).
     */
    public static String authorize(WebSession browser, String clientId, String realm, String email, String password,
            List<String> scopes, String verifier, boolean accept) {
        return authorize(browser, clientId, realm, email, password, scopes, verifier, accept, Map.of());
    }

    /** As above, with more parameters on the authorization request (an OpenID {@code nonce}). */
    public static String authorize(WebSession browser, String clientId, String realm, String email, String password,
            List<String> scopes, String verifier, boolean accept, Map<String, String> extra) {
        return authorize(browser, clientId, realm, email, password, scopes, verifier, accept, extra, REDIRECT);
    }

    /** As above, to another registered redirect URI. */
    public static String authorize(WebSession browser, String clientId, String realm, String email, String password,
            List<String> scopes, String verifier, boolean accept, Map<String, String> extra, String redirect) {
        String state = "st-" + System.nanoTime();
        StringBuilder url = new StringBuilder("/am/oauth2/authorize?response_type=code&client_id=").append(clientId)
                .append("&scope=").append(URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8))
                .append("&redirect_uri=").append(URLEncoder.encode(redirect, StandardCharsets.UTF_8))
                .append("&state=").append(state).append("&realm=").append(realm).append("&locale=en-GB");
        extra.forEach((name, value) -> url.append('&').append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        if (verifier != null) {
            url.append("&code_challenge=").append(challenge(verifier)).append("&code_challenge_method=S256");
        }
        HttpResponse<String> start = browser.get(url.toString());
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        assertThat(WebSession.location(start)).contains("/am/login");
        HttpResponse<String> loginPage = browser.follow(start);
        assertThat(loginPage.statusCode()).isEqualTo(200);
        HttpResponse<String> login = browser.postForm("/am/login", Map.of("email", email, "password", password,
                "realm", realm, "_csrf", WebSession.csrf(loginPage.body())));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        assertThat(WebSession.location(login)).as("login failed").doesNotContain("/am/login");
        HttpResponse<String> resumed = browser.follow(login);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(302);
        String consentUrl = WebSession.location(resumed);
        if (accept && consentUrl.startsWith(redirect)) {
            // The user already consented to these scopes for this app: no consent page again.
            Map<String, String> params = WebSession.query(consentUrl);
            assertThat(params.get("state")).isEqualTo(state);
            return params.get("code");
        }
        assertThat(consentUrl).contains("/am/oauth2/consent");
        HttpResponse<String> consentPage = browser.get(consentUrl);
        assertThat(consentPage.statusCode()).as(consentPage.body()).isEqualTo(200);
        Map<String, String> consentParams = WebSession.query(consentUrl);
        StringBuilder decision = new StringBuilder();
        decision.append("client_id=").append(clientId).append("&state=")
                .append(URLEncoder.encode(consentParams.get("state"), StandardCharsets.UTF_8))
                .append("&_csrf=").append(URLEncoder.encode(WebSession.csrf(consentPage.body()), StandardCharsets.UTF_8));
        if (accept) {
            for (String scope : scopes) {
                decision.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
            }
        }
        HttpResponse<String> decided = browser.postRaw("/am/oauth2/authorize", decision.toString());
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(302);
        String callback = WebSession.location(decided);
        assertThat(callback).startsWith(redirect);
        Map<String, String> params = WebSession.query(callback);
        assertThat(params.get("state")).isEqualTo(state);
        return accept ? params.get("code") : params.get("error");
    }

    public static Tokens tokens(String body) {
        JsonNode json = JSON.readTree(body);
        return new Tokens(json.path("access_token").asString(null), json.path("refresh_token").asString(null),
                json.path("id_token").asString(null), json.path("expires_in").asLong(0),
                json.path("scope").asString(null));
    }

    static String randomVerifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
