package org.odomo.callback;

import java.time.Clock;
import java.util.Optional;

import org.odomo.callback.CallbackStore.Owner;
import org.odomo.oauth.AppAccessWithdrawn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When a user withdraws an app's access, the app's callbacks for that user fail: the delivery
 * engine drops their messages, and they cannot be resumed.
 *
 * <p>Synchronous on purpose: the withdrawal is published inside the transaction that removes the
 * consent, so both commit together or not at all, whichever node dies when.
 */
@Component
class ConsentWithdrawals {

    private static final Logger log = LoggerFactory.getLogger(ConsentWithdrawals.class);

    private final CallbackStore store;
    private final Clock clock;

    ConsentWithdrawals(CallbackStore store, Optional<Clock> clock) {
        this.store = store;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @EventListener
    void on(AppAccessWithdrawn withdrawn) {
        int failed = store.failAll(new Owner(withdrawn.accountId(), withdrawn.clientId()), clock.instant());
        if (failed > 0) {
            log.info("{} callback(s) of app {} failed: the user withdrew its access", failed, withdrawn.clientId());
        }
    }
}
