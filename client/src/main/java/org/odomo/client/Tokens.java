package org.odomo.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What the token endpoint gave for one user: the access token the API calls carry, the refresh
 * token that replaces it (refresh tokens rotate: each refresh answers a new one and the old one
 * must never be used again), and the ID token when {@code openid} was granted.
 *
 * @param accessToken  the bearer token of the API calls
 * @param refreshToken the token that gets the next pair; null when none was issued
 * @param idToken      the OpenID Connect ID token (a JWT); null without the {@code openid} scope
 * @param expiresAt    when the access token stops working, by the client's clock
 * @param scopes       the scopes the user granted
 */
public record Tokens(String accessToken, String refreshToken, String idToken, Instant expiresAt, Set<String> scopes) {

    public Tokens {
        if (accessToken == null || accessToken.isBlank()) {
            throw new IllegalArgumentException("an access token is required");
        }
        if (expiresAt == null) {
            throw new IllegalArgumentException("an expiry time is required");
        }
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    /** Whether the access token expires within {@code margin} of {@code now}. */
    public boolean expiresWithin(Duration margin, Instant now) {
        return !expiresAt.isAfter(now.plus(margin));
    }

    /** Never prints the tokens themselves. */
    @Override
    public String toString() {
        return "Tokens[expiresAt=" + expiresAt + ", scopes=" + scopes + ", refreshToken="
                + (refreshToken == null ? "none" : "present") + ", idToken=" + (idToken == null ? "none" : "present")
                + "]";
    }
}
