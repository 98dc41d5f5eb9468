package org.odomo.ingest;

import java.util.concurrent.CompletableFuture;

import org.odomo.protocol.MalformedMessageException;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleMessage;
import org.springframework.stereotype.Service;

/**
 * The one way into the platform for vehicle messages, whatever the transport. Decoding and
 * validation happen on the caller's thread; the write happens on the pipeline's workers.
 *
 * <p>The returned future completes with the message's final outcome once that outcome is durable
 * (the transport may then acknowledge), and completes exceptionally only when the message could
 * not be stored for a transient reason (database unavailable): the transport must then not
 * acknowledge, so that the vehicle or broker delivers it again.
 */
@Service
public class IngestGateway {

    private final ProtocolCodec codec;
    private final IngestPipeline pipeline;
    private final IngestMetrics metrics;

    IngestGateway(ProtocolCodec codec, IngestPipeline pipeline, IngestMetrics metrics) {
        this.codec = codec;
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    public CompletableFuture<IngestOutcome> submit(byte[] payload) {
        return submit(payload, null);
    }

    /**
     * @param transportVin the VIN the transport saw (the MQTT topic's), or null when it has none;
     *                     a message naming another VIN is rejected
     */
    public CompletableFuture<IngestOutcome> submit(byte[] payload, String transportVin) {
        return submit(payload, transportVin, false);
    }

    /**
     * @param transportVin           the VIN the transport saw (the MQTT topic's), or null when it
     *                               has none; a message naming another VIN is rejected
     * @param transportAuthenticated whether the transport itself proved that the message comes
     *                               from {@code transportVin} (a broker that lets only that
     *                               vehicle's own account publish on its topics). The message may
     *                               then leave out its credential; one it carries is still checked.
     */
    public CompletableFuture<IngestOutcome> submit(byte[] payload, String transportVin,
            boolean transportAuthenticated) {
        VehicleMessage message;
        try {
            message = codec.decode(payload);
        } catch (MalformedMessageException e) {
            metrics.rejected(IngestOutcome.MALFORMED, e.vin() != null ? e.vin() : transportVin, e.getMessage());
            return CompletableFuture.completedFuture(IngestOutcome.MALFORMED);
        }
        if (transportVin != null && !transportVin.equals(message.vin())) {
            metrics.rejected(IngestOutcome.UNAUTHENTICATED, transportVin,
                    "message for " + message.vin() + " published on the topic of " + transportVin);
            return CompletableFuture.completedFuture(IngestOutcome.UNAUTHENTICATED);
        }
        if (message.credential() == null && (transportVin == null || !transportAuthenticated)) {
            // The pipeline lets a message without credential through: it may only come from here.
            metrics.rejected(IngestOutcome.UNAUTHENTICATED, message.vin(), "credential missing");
            return CompletableFuture.completedFuture(IngestOutcome.UNAUTHENTICATED);
        }
        return pipeline.enqueue(message);
    }
}
