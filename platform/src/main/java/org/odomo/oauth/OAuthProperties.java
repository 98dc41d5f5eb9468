package org.odomo.oauth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The authorization server's settings.
 *
 * @param issuer          the issuer URL written in tokens and discovery; derived from each
 *                        request when absent (fine for one host, set it behind a proxy)
 * @param accessTokenTtl  lifetime of access tokens
 * @param refreshTokenTtl lifetime of refresh tokens
 * @param codeTtl         lifetime of authorization codes (single use in any case)
 * @param revocationCacheTtl how long a node trusts its last check that a token is not revoked;
 *                        a revocation on another node takes at most this long to be seen
 */
@ConfigurationProperties("odomo.oauth")
public record OAuthProperties(String issuer, Duration accessTokenTtl, Duration refreshTokenTtl, Duration codeTtl,
        Duration revocationCacheTtl) {

    public OAuthProperties {
        accessTokenTtl = accessTokenTtl == null ? Duration.ofHours(1) : accessTokenTtl;
        refreshTokenTtl = refreshTokenTtl == null ? Duration.ofDays(30) : refreshTokenTtl;
        codeTtl = codeTtl == null ? Duration.ofMinutes(2) : codeTtl;
        revocationCacheTtl = revocationCacheTtl == null ? Duration.ofSeconds(5) : revocationCacheTtl;
        issuer = issuer == null || issuer.isBlank() ? null : issuer;
    }
}
