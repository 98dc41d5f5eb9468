package org.odomo.oauth;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The JDBC authorization store, plus a short-lived cache of "this access token is still active"
 * answers for the resource server. Any change made through this node (revocation, refresh,
 * removal) drops the cached answers at once; other nodes see it when their entry expires.
 */
class RevocationAwareAuthorizationService implements OAuth2AuthorizationService, AccessTokenChecks {

    private final OAuth2AuthorizationService delegate;
    private final JdbcTemplate jdbc;
    private final long ttlMillis;
    private final Map<String, Entry> activeTokens = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CompletableFuture<Boolean>> lookups = new ConcurrentHashMap<>();
    private final org.springframework.transaction.support.TransactionTemplate readOnly;

    private record Entry(boolean active, String authorizationId, long at) {
    }

    RevocationAwareAuthorizationService(OAuth2AuthorizationService delegate, JdbcTemplate jdbc, long ttlMillis,
            org.springframework.transaction.PlatformTransactionManager transactions) {
        this.delegate = delegate;
        this.jdbc = jdbc;
        this.ttlMillis = ttlMillis;
        this.readOnly = new org.springframework.transaction.support.TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        delegate.save(authorization);
        forget(authorization.getId());
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        delegate.remove(authorization);
        forget(authorization.getId());
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return delegate.findByToken(token, tokenType);
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
