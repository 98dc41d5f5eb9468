package org.odomo.oauth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The JDBC authorization store, plus a short-lived cache of "this access token is still active"
 * answers for the resource server. Any change made through this node (revocation, refresh,
 * removal) drops the cached answers at once; other nodes see it when their entry expires.
 * Refresh tokens replaced by a rotation are remembered, so that presenting one again revokes
 * the grant (refresh-token reuse detection).
 */
class RevocationAwareAuthorizationService implements OAuth2AuthorizationService, AccessTokenChecks {

    private final OAuth2AuthorizationService delegate;
    private final JdbcTemplate jdbc;
    private final long ttlMillis;
    private final Map<String, Entry> activeTokens = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CompletableFuture<Boolean>> lookups = new ConcurrentHashMap<>();
    private final org.springframework.transaction.support.TransactionTemplate readOnly;
    private final org.springframework.transaction.support.TransactionTemplate readWrite;
    private static final Logger LOG = LoggerFactory.getLogger(RevocationAwareAuthorizationService.class);

    private record Entry(boolean active, String authorizationId, long at) {
    }

    RevocationAwareAuthorizationService(OAuth2AuthorizationService delegate, JdbcTemplate jdbc, long ttlMillis,
            org.springframework.transaction.PlatformTransactionManager transactions) {
        this.delegate = delegate;
        this.jdbc = jdbc;
        this.ttlMillis = ttlMillis;
        this.readOnly = new org.springframework.transaction.support.TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.readWrite = new org.springframework.transaction.support.TransactionTemplate(transactions);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        readWrite.executeWithoutResult(status -> {
            rememberRotatedRefreshToken(authorization);
            delegate.save(authorization);
        });
        forget(authorization.getId());
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        readWrite.executeWithoutResult(status -> {
            delegate.remove(authorization);
            jdbc.update("DELETE FROM oauth2_rotated_refresh_token WHERE authorization_id = ?", authorization.getId());
        });
        forget(authorization.getId());
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            // Removed inside a caller's transaction (a user withdrawing an app's access): until it
            // commits, a check on this node still reads the token as active and would cache that.
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            forget(authorization.getId());
                        }
                    });
        }
    }

    /**
     * When a save replaces the grant's refresh token (a refresh: tokens rotate), the replaced one
     * is remembered until it would have expired, so that its reuse can be told from a token that
     * was never issued (RFC 9700 §4.14.2).
     */
    private void rememberRotatedRefreshToken(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2RefreshToken> next = authorization.getRefreshToken();
        if (next == null) {
            return;
        }
        OAuth2Authorization stored = delegate.findById(authorization.getId());
        OAuth2Authorization.Token<OAuth2RefreshToken> previous = stored == null ? null : stored.getRefreshToken();
        if (previous == null || previous.getToken().getTokenValue().equals(next.getToken().getTokenValue())) {
            return;
        }
        Instant now = Instant.now();
        Instant expiresAt = previous.getToken().getExpiresAt() != null ? previous.getToken().getExpiresAt()
                : now.plus(java.time.Duration.ofDays(30));
        jdbc.update("DELETE FROM oauth2_rotated_refresh_token WHERE expires_at < ?", Timestamp.from(now));
        jdbc.update("INSERT INTO oauth2_rotated_refresh_token (token_hash, authorization_id, expires_at) VALUES (?, ?, ?)",
                digest(previous.getToken().getTokenValue()), authorization.getId(), Timestamp.from(expiresAt));
    }

    /**
     * A refresh token that was replaced by a rotation and is presented again has leaked (the app
     * or an attacker holds a copy): the whole grant is revoked, so the tokens issued from its
     * newer refresh token stop working too, and the caller gets nothing (invalid_grant).
     */
    private void revokeGrantOfReusedRefreshToken(String token) {
        List<String> grants = jdbc.queryForList(
                "SELECT authorization_id FROM oauth2_rotated_refresh_token WHERE token_hash = ? AND expires_at > ?",
                String.class, digest(token), Timestamp.from(Instant.now()));
        for (String id : grants) {
            OAuth2Authorization authorization = delegate.findById(id);
            if (authorization != null) {
                LOG.warn("A rotated refresh token of authorization {} (app {}) was presented again: the grant is revoked",
                        id, authorization.getRegisteredClientId());
                remove(authorization);
            }
        }
    }

    static String digest(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        OAuth2Authorization found = delegate.findByToken(token, tokenType);
        if (found == null && OAuth2TokenType.REFRESH_TOKEN.equals(tokenType) && token != null) {
            revokeGrantOfReusedRefreshToken(token);
        }
        return found;
    }

    @Override
    public boolean isActive(String tokenValue) {
        long now = System.currentTimeMillis();
        Entry cached = activeTokens.get(tokenValue);
        if (cached != null && now - cached.at() < ttlMillis) {
            return cached.active();
        }
        // One lookup per token at a time: when a busy token's entry expires, the other calls keep
        // the last answer (or wait for this one) instead of all querying at once.
        var mine = new java.util.concurrent.CompletableFuture<Boolean>();
        var running = lookups.putIfAbsent(tokenValue, mine);
        if (running != null) {
            return cached != null ? cached.active() : running.join();
        }
        try {
            boolean active = lookup(tokenValue, now);
            mine.complete(active);
            return active;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            lookups.remove(tokenValue, mine);
        }
    }

    private boolean lookup(String tokenValue, long now) {
        // In one transaction, so that the store's nested lookup of the client reuses the same
        // connection instead of taking a second one from the pool while holding the first.
        OAuth2Authorization authorization = readOnly.execute(
                status -> delegate.findByToken(tokenValue, OAuth2TokenType.ACCESS_TOKEN));
        boolean active = authorization != null && authorization.getAccessToken() != null
                && authorization.getAccessToken().isActive();
        if (activeTokens.size() > 100_000) {
            activeTokens.clear();
        }
        activeTokens.put(tokenValue, new Entry(active, authorization == null ? null : authorization.getId(), now));
        return active;
    }

    /** Removes every authorization an end user gave an app (the account page's "revoke access"). */
    int revokeAll(String principalName, String registeredClientId) {
        List<String> ids = jdbc.queryForList(
                "SELECT id FROM oauth2_authorization WHERE principal_name = ? AND registered_client_id = ?",
                String.class, principalName, registeredClientId);
        for (String id : ids) {
            OAuth2Authorization authorization = delegate.findById(id);
            if (authorization != null) {
                remove(authorization);
            }
        }
        return ids.size();
    }

    private void forget(String authorizationId) {
        activeTokens.values().removeIf(e -> authorizationId.equals(e.authorizationId()));
        // Tokens never looked up yet have no entry; entries of other authorizations stay.
    }
}
