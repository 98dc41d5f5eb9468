package org.odomo.access;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.odomo.oauth.AccessTokenChecks;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Decodes and verifies each distinct access token once: an app presents the same token on every
 * call for up to an hour, and parsing plus signature verification dominate the cost of a small
 * read. Expiry and revocation are still checked on every call.
 */
final class CachingJwtDecoder implements JwtDecoder {

    private static final int MAX_ENTRIES = 50_000;

    private final JwtDecoder delegate;
    private final AccessTokenChecks tokens;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    CachingJwtDecoder(JwtDecoder delegate, AccessTokenChecks tokens) {
        this.delegate = delegate;
        this.tokens = tokens;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = verified.get(token);
        if (jwt == null) {
            jwt = delegate.decode(token);
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
            verified.put(token, jwt);
            return jwt;
        }
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt != null && !Instant.now().isBefore(expiresAt)) {
            verified.remove(token);
            throw new BadJwtException("token expired");
        }
        if (!tokens.isActive(token)) {
            throw new BadJwtException("token revoked");
        }
        return jwt;
    }
}
