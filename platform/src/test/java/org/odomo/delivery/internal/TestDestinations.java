package org.odomo.delivery.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.Destination;

/** Destinations that a test declares, changes and removes at will. */
final class TestDestinations implements DeliveryDestinations {

    final Map<String, Destination> byId = new ConcurrentHashMap<>();
    final List<Map.Entry<String, List<String>>> unregistered = new CopyOnWriteArrayList<>();

    void put(Destination d) {
        byId.put(d.id(), d);
    }

    @Override
    public Optional<Destination> find(String destinationId) {
        return Optional.ofNullable(byId.get(destinationId));
    }

    @Override
    public void devicesUnregistered(String destinationId, Collection<String> deviceTokens) {
        unregistered.add(Map.entry(destinationId, List.copyOf(deviceTokens)));
    }
}
