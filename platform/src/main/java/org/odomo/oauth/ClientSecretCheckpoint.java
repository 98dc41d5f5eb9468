package org.odomo.oauth;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.odomo.apps.AppRegistry;
import org.odomo.crypto.CredentialCheckpoint;
import org.odomo.crypto.CredentialRefusedException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Client authentication by secret at the authorization server's endpoints, as the credential gate
 * sees it: the client id and secret read as the authorization server reads them (HTTP Basic with
 * both parts URL-decoded, or {@code client_id} and {@code client_secret} in the form), the realm
 * and client id {@link GuardedClientSecretAuthentication} throttles, and its refusal.
 */
final class ClientSecretCheckpoint implements CredentialCheckpoint {

    /** The endpoints that authenticate the client (all by POST). */
    static final Set<String> PATHS = Set.of(AuthorizationServerConfiguration.TOKEN, AuthorizationServerConfiguration.REVOKE,
            AuthorizationServerConfiguration.INTROSPECT, AuthorizationServerConfiguration.PAR,
            AuthorizationServerConfiguration.DEVICE_AUTHORIZATION);

    private final AppRegistry apps;

    ClientSecretCheckpoint(AppRegistry apps) {
        this.apps = apps;
    }

    @Override
    public Attempt attempt(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || !PATHS.contains(CredentialCheckpoint.path(request))) {
            return null;
        }
        String clientId;
        String secret;
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            Basic basic = CredentialCheckpoint.basic(request);
            if (basic == null) {
                return null;
            }
            try {
                clientId = URLDecoder.decode(basic.user(), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(basic.secret(), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null; // refused as an invalid request, without any check
            }
        } else {
            clientId = request.getParameter("client_id");
            secret = request.getParameter("client_secret");
        }
        if (clientId == null || clientId.isBlank() || secret == null || secret.isBlank()) {
            return null;
        }
        String id = clientId;
        return new Attempt(AppRegistry.CREDENTIAL_REALM, id, secret, () -> apps.secretHash(id).orElse(null));
    }

    @Override
    public void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
        OAuthErrorResponses.refuse(response, refused);
    }
}
