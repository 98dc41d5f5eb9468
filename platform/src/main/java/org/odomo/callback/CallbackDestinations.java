package org.odomo.callback;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.callback.CallbackStore.Stored;
import org.odomo.callback.Subscription.Attribute;
import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The B2C callbacks as the delivery engine sees them, read at send time so that a callback
 * replaced, paused, failed or deleted meanwhile is honoured.
 *
 * <p>B2C callbacks belong to a (user, app) pair, not to a vehicle: unlinking a vehicle from the
 * user's account leaves them as they are. What is per vehicle are the monitors that use a callback,
 * and those are the ones a vehicle unlink will stop once they exist.
 */
@Component
class CallbackDestinations implements DeliveryDestinations {

    private final CallbackStore store;

    private final ApplicationEventPublisher events;

    CallbackDestinations(CallbackStore store, ApplicationEventPublisher events) {
        this.store = store;
        this.events = events;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Destination> find(String destinationId) {
        return store.find(destinationId).map(CallbackDestinations::destination);
    }

    /**
     * Removes the devices; a callback left without any is deleted, as the published behaviour says
     * (and its monitors with it, as a DELETE of the callback does).
     */
    @Override
    @Transactional
    public void devicesUnregistered(String destinationId, Collection<String> deviceTokens) {
        if (store.removeDevices(destinationId, Set.copyOf(deviceTokens)) == 0) {
            store.deleteAnyOwner(destinationId);
            events.publishEvent(new CallbackDeleted(destinationId));
        }
    }

    static Destination destination(Stored stored) {
        Subscription s = stored.subscription();
        Destination.Channel channel = switch (s.channel()) {
            case webhook -> new Destination.Webhook(s.target());
            case websocket -> new Destination.Websocket(s.target());
            case pushnotif -> new Destination.Push(s.devices());
        };
        Destination.State state = switch (stored.status()) {
            case Running -> Destination.State.RUNNING;
            case Paused -> Destination.State.PAUSED;
            case Failed -> Destination.State.FAILED;
        };
        List<Destination.Attribute> attributes = s.attributes().stream().map(CallbackDestinations::attribute).toList();
        return new Destination(stored.id(), DeliveryOwner.endUserApp(stored.owner().accountId(),
                stored.owner().clientId()), s.label(), state, channel, attributes, DeliveryPolicy.endUser());
    }

    private static Destination.Attribute attribute(Attribute a) {
        Destination.Attribute.Kind kind = switch (a.type()) {
            case Header -> Destination.Attribute.Kind.HEADER;
            case Body -> Destination.Attribute.Kind.BODY;
            case Query -> Destination.Attribute.Kind.QUERY;
        };
        return new Destination.Attribute(kind, a.key(), a.value());
    }
}
