package org.odomo.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleChanged;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tells a vehicle what its active services let it upload, whenever the registry changes them, so
 * that the car itself leaves out the rest. The privacy mode is not part of it: the car owns that
 * setting. The platform filters again on arrival, whatever the car does.
 */
@Component
class VehicleConfigPusher {

    private final VehicleRegistry registry;
    private final DownlinkSender downlink;
    private final ProtocolCodec codec;
    private final Clock clock;

    VehicleConfigPusher(VehicleRegistry registry, DownlinkSender downlink, ProtocolCodec codec, Optional<Clock> clock) {
        this.registry = registry;
        this.downlink = downlink;
        this.codec = codec;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(VehicleChanged change) {
        registry.find(change.vin()).ifPresent(this::push);
    }

    void push(Vehicle vehicle) {
        downlink.send(vehicle.vin(), MessageType.CONFIG, codec.encode(configMessage(vehicle, clock.instant())));
    }

    private ObjectNode configMessage(Vehicle vehicle, Instant now) {
        ObjectNode message = codec.envelope(vehicle.vin(), "cfg-" + UUID.randomUUID(), now, MessageType.CONFIG);
        ArrayNode categories = message.putObject("upload").putArray("categories");
        for (DataCategory category : ConnectedService.dataCoveredBy(vehicle.services())) {
            categories.add(category.wireName());
        }
        return message;
    }
}
