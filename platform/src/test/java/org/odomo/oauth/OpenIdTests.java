package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenID Connect: an app that asks for {@code openid} gets an ID token (docs/identity.md), in
 * every realm, and the ID token is what OpenID Connect Core §2 and §3.1.3.7 say an app checks:
 * signed by a key of the published JWKS, issued by the discovered issuer, for this client, about
 * this account, with the login time and the request's nonce.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class OpenIdTests {

    static final String SECRET = "openid-test-secret";
    static final String PASSWORD = "correct horse battery";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;

    private App app() {
        return apps.ensureRegistered(new AppRegistration("OpenID test app", "Signs users in", "Odomo tests",
                "dev@example.com", 10_000L, "openid-test", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT),
                "premium"), "openid-test-client", SECRET);
    }

    @ParameterizedTest
    @EnumSource(Brand.class)
    void theIdTokenIsIssuedSignedAndAboutTheUserInEveryRealm(Brand brand) throws Exception {
        App app = app();
        String realm = brand.realm();
        String email = "oidc." + UUID.randomUUID() + "@example.com";
        long accountId = accounts.create(brand, email, PASSWORD, "Id", "Token").id();
        String nonce = "n-" + UUID.randomUUID();

        Instant beforeLogin = Instant.now().minusSeconds(1);
        String code = Enrollment.authorize(new WebSession(port), app.clientId(), realm, email, PASSWORD,
                List.of("openid", "data:telemetry"), null, true, Map.of("nonce", nonce));
        HttpResponse<String> exchanged = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + realm,
                Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", Enrollment.REDIRECT),
                Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
        Instant afterExchange = Instant.now().plusSeconds(1);
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        Enrollment.Tokens tokens = Enrollment.tokens(exchanged.body());
        assertThat(tokens.idToken()).as(exchanged.body()).isNotBlank();

        JWTClaimsSet claims = verified(tokens.idToken());
        assertThat(claims.getIssuer()).isEqualTo(issuer());
        assertThat(claims.getAudience()).containsExactly(app.clientId());
        assertThat(claims.getSubject()).isEqualTo(Long.toString(accountId));
        assertThat(claims.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(claims.getStringClaim("azp")).isEqualTo(app.clientId());
        Date authTime = claims.getDateClaim("auth_time");
        assertThat(authTime).as("auth_time").isNotNull();
        assertThat(authTime.toInstant()).isBetween(beforeLogin, afterExchange);
        assertThat(claims.getIssueTime().toInstant()).isBetween(beforeLogin, afterExchange);
        assertThat(claims.getExpirationTime().toInstant()).isAfter(afterExchange);

        // The access token still works for the API, and a refresh gives a new ID token of the
        // same login (OpenID Connect Core §12.2): same subject, audience and auth_time.
        HttpResponse<String> me = new WebSession(port).get("/connectedcar/v4/user?client_id=" + app.clientId(),
                Map.of("Authorization", "Bearer " + tokens.accessToken(), "x-introspect-realm", realm));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        HttpResponse<String> refreshed = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + realm,
                Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()),
                Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JWTClaimsSet again = verified(Enrollment.tokens(refreshed.body()).idToken());
        assertThat(again.getSubject()).isEqualTo(Long.toString(accountId));
        assertThat(again.getAudience()).containsExactly(app.clientId());
        assertThat(again.getDateClaim("auth_time")).isEqualTo(authTime);
    }

    private String issuer() {
        JsonNode discovery = JSON.readTree(new WebSession(port).get("/.well-known/openid-configuration").body());
        return discovery.path("issuer").stringValue();
    }

    /** The token's claims once its RS256 signature checks against the published key of its key id. */
    private JWTClaimsSet verified(String idToken) throws Exception {
        JsonNode discovery = JSON.readTree(new WebSession(port).get("/.well-known/openid-configuration").body());
        HttpResponse<String> keys = new WebSession(port).get(discovery.path("jwks_uri").stringValue());
        assertThat(keys.statusCode()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(idToken);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey key = (RSAKey) JWKSet.parse(keys.body()).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("key " + jwt.getHeader().getKeyID() + " in the JWKS").isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).as("signature").isTrue();
        return jwt.getJWTClaimsSet();
    }
}
