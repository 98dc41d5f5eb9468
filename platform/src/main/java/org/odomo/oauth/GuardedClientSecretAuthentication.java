package org.odomo.oauth;

import org.odomo.apps.AppRegistry;
import org.odomo.crypto.CredentialGuard;
import org.odomo.crypto.CredentialRefusedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Client authentication by secret at the token, revocation and introspection endpoints, behind
 * the {@link CredentialGuard}: a wrong secret spends one failure of the caller's address and of
 * the client id, and an empty budget refuses the request before the secret is hashed.
 */
final class GuardedClientSecretAuthentication {

    private GuardedClientSecretAuthentication() {
    }

    /** Wraps the authorization server's own secret check. */
    static final class Provider implements AuthenticationProvider {
        private final AuthenticationProvider secrets;
        private final CredentialGuard guard;
        private final AppRegistry apps;

        Provider(AuthenticationProvider secrets, CredentialGuard guard, AppRegistry apps) {
            this.secrets = secrets;
            this.guard = guard;
            this.apps = apps;
        }

        @Override
        public Authentication authenticate(Authentication authentication) throws AuthenticationException {
            OAuth2ClientAuthenticationToken client = (OAuth2ClientAuthenticationToken) authentication;
            ClientAuthenticationMethod method = client.getClientAuthenticationMethod();
            if (!ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)
                    && !ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method)) {
                return null;
            }
            String clientId = String.valueOf(client.getPrincipal());
            Object secret = client.getCredentials();
            if (secret != null && apps.secretHash(clientId)
                    .filter(hash -> guard.recentlyVerified(secret.toString(), hash)).isPresent()) {
                // Proven moments ago: the server's own check runs (without hashing), unthrottled.
                return secrets.authenticate(authentication);
            }
            String source = client.getDetails() instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null;
            CredentialGuard.Attempt attempt;
            try {
                attempt = guard.begin(AppRegistry.CREDENTIAL_REALM, clientId, source);
            } catch (CredentialRefusedException refused) {
                throw new Refused(refused);
            }
            try {
                Authentication result = secrets.authenticate(authentication);
                attempt.succeeded();
                return result;
            } catch (CredentialRefusedException busy) {
                attempt.notChecked();
                throw new Refused(busy);
            } catch (OAuth2AuthenticationException e) {
                // Only a wrong client or secret is a failed guess; a bad code verifier comes after
                // the secret matched.
                if (!OAuth2ErrorCodes.INVALID_CLIENT.equals(e.getError().getErrorCode())) {
                    attempt.succeeded();
                }
                throw e;
            }
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /** A client authentication the guard refused, answered 429 or 503 with Retry-After ({@link OAuthErrorResponses}). */
    static final class Refused extends OAuth2AuthenticationException {
        private final CredentialRefusedException refusal;

        Refused(CredentialRefusedException refusal) {
            // The error RFC 6749 defines for a server that is temporarily unable to handle a request.
            super(new OAuth2Error("temporarily_unavailable", refusal.getMessage(), null), refusal);
            this.refusal = refusal;
        }

        CredentialRefusedException refusal() {
            return refusal;
        }
    }
}
