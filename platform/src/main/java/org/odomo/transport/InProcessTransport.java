package org.odomo.transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.odomo.ingest.IngestGateway;
import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vehicles in the same JVM as the platform: the embedded default. Uplink bytes go straight to
 * the ingest gateway; the completion is the in-process PUBACK. Downlink messages are handed to
 * the connected vehicle's handler, and lost (as over a real network) when it is not connected.
 */
public class InProcessTransport implements VehicleTransport, DownlinkSender {

    private static final Logger log = LoggerFactory.getLogger(InProcessTransport.class);

    private final IngestGateway gateway;
    private final Map<String, Consumer<byte[]>> downlinks = new ConcurrentHashMap<>();

    public InProcessTransport(IngestGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public VehicleLink connect(String vin, Consumer<byte[]> downlink) {
        downlinks.put(vin, downlink);
        return new VehicleLink() {
            @Override
            public CompletionStage<Void> send(MessageType type, byte[] json) {
                return gateway.submit(json, vin).thenApply(outcome -> null);
            }

            @Override
            public void close() {
                downlinks.remove(vin, downlink);
            }
        };
    }

    @Override
    public void send(String vin, MessageType type, byte[] json) {
        Consumer<byte[]> handler = downlinks.get(vin);
        if (handler == null) {
            log.debug("no in-process link for {}; {} dropped", vin, type.wireName());
            return;
        }
        CompletableFuture.runAsync(() -> handler.accept(json));
    }
}
