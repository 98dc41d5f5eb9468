package org.odomo.client;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a user's tokens are kept between calls: in memory by default, or wherever the app keeps
 * them (a database row, an encrypted file) so that they survive a restart.
 *
 * <p>A {@link UserSession} saves every refreshed pair here before using it. Refresh tokens rotate
 * and a refresh token used twice revokes the user's whole grant, so the store must hand out the
 * latest pair: a store shared by several processes needs the app to make sure that only one of
 * them refreshes at a time (within one process the session already does).
 */
public interface TokenStore {

    /** The current tokens, if the user has enrolled. */
    Optional<Tokens> load();

    /** Keeps the tokens, replacing the previous ones. */
    void save(Tokens tokens);

    /** Forgets the tokens (after a revocation, or when the grant is gone). */
    void clear();

    /** A store in this process's memory, empty at first. */
    static TokenStore inMemory() {
        return new TokenStore() {
            private final AtomicReference<Tokens> tokens = new AtomicReference<>();

            @Override
            public Optional<Tokens> load() {
                return Optional.ofNullable(tokens.get());
            }

            @Override
            public void save(Tokens replacement) {
                tokens.set(replacement);
            }

            @Override
            public void clear() {
                tokens.set(null);
            }
        };
    }

    /** A store in memory holding {@code tokens}. */
    static TokenStore inMemory(Tokens tokens) {
        TokenStore store = inMemory();
        store.save(tokens);
        return store;
    }
}
