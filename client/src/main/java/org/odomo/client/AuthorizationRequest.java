package org.odomo.client;

import java.net.URI;
import java.util.Set;

/**
 * An authorization started for a user: the address to send them to, and what the app must keep
 * until they come back to the redirect URI (the {@code state} that the redirect must carry back,
 * and the PKCE verifier that proves to the token endpoint that this app started it). Keep it
 * on the app's side (a server-side session, memory): the verifier is a secret.
 *
 * @param uri          the authorization page to open in the user's browser
 * @param state        the value the redirect must carry back
 * @param codeVerifier the PKCE verifier (RFC 7636), sent with the code
 * @param redirectUri  where the user comes back, sent again with the code
 * @param scopes       the scopes asked for
 */
public record AuthorizationRequest(URI uri, String state, String codeVerifier, URI redirectUri, Set<String> scopes) {

    public AuthorizationRequest {
        scopes = Set.copyOf(scopes);
    }

    @Override
    public String toString() {
        return "AuthorizationRequest[" + uri + "]";
    }
}
