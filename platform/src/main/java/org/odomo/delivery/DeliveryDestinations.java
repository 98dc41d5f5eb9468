package org.odomo.delivery;

import java.util.Collection;
import java.util.Optional;

/**
 * Where notifications go, as the features that own receivers see it. Implemented by each such
 * feature (B2C callbacks; later B2B fleet monitors and remote callbacks) and asked by the delivery
 * engine at send time, so that a receiver changed, paused or deleted meanwhile is honoured.
 */
public interface DeliveryDestinations {

    /**
     * @return the destination, or empty when no destination has that id here (deleted, or owned
     *         by another feature: every implementation is asked until one knows it)
     */
    Optional<Destination> find(String destinationId);

    /**
     * The push service said these device tokens are no longer registered: the owner removes them
     * (and, per the published behaviour, deletes the destination once no device is left).
     */
    default void devicesUnregistered(String destinationId, Collection<String> deviceTokens) {
    }
}
