package org.odomo.delivery.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The outbox in the shared database (see {@link OutboxStore}). */
@Service
class JdbcNotificationOutbox implements NotificationOutbox {

    private final OutboxStore store;
    private final List<DeliveryDestinations> destinations;
    private final DeliveryEngine engine;
    private final DeliveryMetrics metrics;
    private final Clock clock;

    JdbcNotificationOutbox(OutboxStore store, List<DeliveryDestinations> destinations, DeliveryEngine engine,
            DeliveryMetrics metrics, Optional<Clock> clock) {
        this.store = store;
        this.destinations = destinations;
        this.engine = engine;
        this.metrics = metrics;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    @Transactional(propagation = Propagation.REQUIRED)
    public UUID enqueue(Notification notification) {
        UUID id = UUID.randomUUID();
        // The batch settings decide when the stream is first due; the rest of the policy is read at
        // send time, so that a destination changed meanwhile is honoured.
        DeliveryPolicy policy = policyOf(notification.destinationId());
        Instant now = clock.instant();
        ObjectNode variables = JsonNodeFactory.instance.objectNode();
        notification.variables().forEach(variables::put);
        store.insert(id, notification, MessageRenderer.JSON.writeValueAsString(notification.event()),
                MessageRenderer.JSON.writeValueAsString(variables), MessageRenderer.attributes(notification.attributes()),
                now, now.plus(policy.batchWindow()), policy.batchSize());
        afterCommit(() -> {
            metrics.queued();
            engine.nudge();
        });
        return id;
    }

    @Override
    public void destinationChanged(String destinationId) {
        engine.wake(destinationId);
    }

    private DeliveryPolicy policyOf(String destinationId) {
        for (DeliveryDestinations d : destinations) {
            Optional<Destination> found = d.find(destinationId);
            if (found.isPresent()) {
                return found.get().policy();
            }
        }
        return DeliveryPolicy.endUser();
    }

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }
}
