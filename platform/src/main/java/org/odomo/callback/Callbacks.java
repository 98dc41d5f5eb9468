package org.odomo.callback;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.callback.CallbackStore.Owner;
import org.odomo.callback.CallbackStore.Status;
import org.odomo.callback.CallbackStore.Stored;
import org.odomo.callback.Subscription.Type;
import org.odomo.delivery.NotificationOutbox;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** What the callbacks API does, each operation in one transaction. */
@Service
class Callbacks {

    private final CallbackStore store;
    private final CallbackProperties settings;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final NotificationOutbox outbox;

    Callbacks(CallbackStore store, CallbackProperties settings, Optional<Clock> clock,
            ApplicationEventPublisher events, NotificationOutbox outbox) {
        this.store = store;
        this.outbox = outbox;
        this.settings = settings;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Transactional
    Stored create(Owner owner, Subscription subscription) {
        if (store.lockAndCount(owner) >= settings.maxPerUserApp()) {
            throw new ApiException(ApiErrorCode.FORBIDDEN, "this user already has " + settings.maxPerUserApp()
                    + " callbacks for this app, the most allowed: delete one first");
        }
        String id = UUID.randomUUID().toString();
        store.insert(id, owner, subscription, clock.instant());
        return store.find(id, owner).orElseThrow();
    }

    @Transactional
    Stored replace(Owner owner, String id, Subscription subscription) {
        if (!store.replace(id, owner, subscription, clock.instant())) {
            throw notFound(id);
        }
        afterCommitDestinationChanged(id);
        return store.find(id, owner).orElseThrow();
    }

    /**
     * Once the change is committed (the delivery engine reads the destination at send time), what
     * waits for the callback goes now rather than at its next scheduled retry.
     */
    private void afterCommitDestinationChanged(String id) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                outbox.destinationChanged(id);
            }
        });
    }

    @Transactional(readOnly = true)
    Stored find(Owner owner, String id) {
        return store.find(id, owner).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    int count(Owner owner, Set<Type> types) {
        return store.count(owner, types);
    }

    @Transactional(readOnly = true)
    List<Stored> page(Owner owner, Set<Type> types, int offset, int limit) {
        return store.page(owner, types, offset, limit);
    }

    /**
     * Pauses or resumes. A failed callback stays failed: its user withdrew the consent that let the
     * app receive, and a new consent does not revive what was declared under the old one; the app
     * creates a new callback (and may delete the failed one).
     */
    @Transactional
    Status setStatus(Owner owner, String id, Status status) {
        Status now = store.setStatus(id, owner, status, clock.instant()).orElseThrow(() -> notFound(id));
        if (now == Status.Failed) {
            throw new ApiException(ApiErrorCode.BAD_REQUEST, "callback " + id + " has failed (the user withdrew the"
                    + " app's access) and cannot be resumed or paused: create a new callback");
        }
        if (now == Status.Running) {
            afterCommitDestinationChanged(id);
        }
        return now;
    }

    /**
     * Deletes the callback. Its messages waiting for delivery are dropped by the delivery engine, which
     * finds it gone at send time; its monitors go in the same transaction (the published behaviour:
     * deleting a callback deletes its monitors), by the listeners of {@link CallbackDeleted}.
     */
    @Transactional
    void delete(Owner owner, String id) {
        if (!store.delete(id, owner)) {
            throw notFound(id);
        }
        events.publishEvent(new CallbackDeleted(id));
    }

    /** The same answer whether the callback does not exist or is another pair's: its existence stays private. */
    static ApiException notFound(String id) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no callback " + SubscriptionReader.shown(id));
    }
}
