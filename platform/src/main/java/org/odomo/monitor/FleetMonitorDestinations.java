package org.odomo.monitor;

import java.util.Optional;

import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.Destination;
import org.odomo.monitor.FleetMonitorReader.FleetMonitorDefinition;
import org.odomo.monitor.FleetMonitorReader.Subscription;
import org.odomo.monitor.FleetMonitorStore.Stored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The fleet monitors as the delivery engine sees them: each monitor is its own destination (its
 * id the destination id), with its webhook, its retry policy and batch settings, read at send time
 * so that a monitor replaced, paused or deleted meanwhile is honoured.
 */
@Component
class FleetMonitorDestinations implements DeliveryDestinations {

    private static final Logger log = LoggerFactory.getLogger(FleetMonitorDestinations.class);

    private final FleetMonitorStore store;

    FleetMonitorDestinations(FleetMonitorStore store) {
        this.store = store;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Destination> find(String destinationId) {
        if (destinationId.length() > 36) {
            return Optional.empty();
        }
        return store.find(destinationId).flatMap(FleetMonitorDestinations::destination);
    }

    static Optional<Destination> destination(Stored stored) {
        FleetMonitorDefinition read;
        try {
            read = FleetMonitors.parse(stored.definition());
        } catch (RuntimeException e) {
            log.warn("fleet monitor {} has no destination: its stored definition does not read ({})", stored.id(),
                    e.getMessage());
            return Optional.empty();
        }
        Subscription s = read.subscription();
        Destination.State state = switch (stored.status()) {
            case Running -> Destination.State.RUNNING;
            case Paused -> Destination.State.PAUSED;
            case Failed -> Destination.State.FAILED;
        };
        return Optional.of(new Destination(stored.id(), DeliveryOwner.fleet(stored.fleetId()), s.name(), state,
                new Destination.Webhook(s.target()), s.attributes(), s.policy(), Destination.Format.FLEET_EVENTS));
    }
}
