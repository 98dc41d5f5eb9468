package org.odomo.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The platform's end of the MQTT uplink: {@code connections} MQTT 5 sessions that all join the
 * shared subscription {@code $share/odomo-platform/{prefix}/vehicles/+/up/#} at QoS 1, and hand
 * every message with the VIN of its topic to the {@link IngestGateway}.
 *
 * <p>Acknowledgement is manual: a message's PUBACK is sent only once the gateway's future has
 * completed normally, that is once the message is stored or was rejected for good. A future that
 * completes exceptionally (database unavailable) leaves the message unacknowledged, and the
 * connection is then closed and opened again on the same session, which is what makes the broker
 * deliver again everything not acknowledged (MQTT 5 forbids redelivery within a connection).
 * Sessions are persistent (clean start off, {@code session-expiry}) under stable client ids, so a
 * node that restarts, or loses its connection, resumes its sessions and receives what it had not
 * acknowledged. A message delivered twice is a duplicate, which the ingestion makes a no-op.
 *
 * <p>The client sends PUBACKs in the order messages arrived on a connection: one message not yet
 * stored holds back the acknowledgements of those after it, never the other way round.
 */
public class MqttIngestAdapter implements SmartLifecycle {

    /** The shared subscription group all platform nodes join. */
    public static final String SHARE_GROUP = "odomo-platform";

    private static final Logger log = LoggerFactory.getLogger(MqttIngestAdapter.class);
    private static final long FIRST_RETRY_MILLIS = 500;
    private static final long LAST_RETRY_MILLIS = 30_000;
    private static final long START_WAIT_SECONDS = 10;

    private final MqttProperties settings;
    private final Topics topics;
    private final String filter;
    private final IngestGateway gateway;
    private final Counter acknowledged;
    private final Counter notAcknowledged;
    private final Counter foreignTopic;
    private final Counter reconnects;
    private final List<Slot> slots = new ArrayList<>();
    /** With per-vehicle accounts only the vehicle (or the platform) may publish on its topics. */
    private final boolean brokerProvesSender;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    /** One of the node's uplink sessions and its current connection. */
    private static final class Slot {
        final String clientId;
        Mqtt5AsyncClient client;
        volatile long generation;
        boolean retryScheduled;
        volatile int failures;

        Slot(String clientId) {
            this.clientId = clientId;
        }
    }

    public MqttIngestAdapter(MqttProperties settings, IngestGateway gateway, MeterRegistry meters) {
        this.settings = settings;
        this.topics = settings.topics();
        this.filter = topics.sharedUplinkFilter(SHARE_GROUP);
        this.gateway = gateway;
        this.brokerProvesSender = settings.vehicleAccounts() == MqttProperties.VehicleAccounts.DYNAMIC_SECURITY;
        this.acknowledged = uplinkCounter(meters, "acknowledged",
                "Uplink messages acknowledged to the broker after they were stored or rejected for good");
        this.notAcknowledged = uplinkCounter(meters, "not-acknowledged",
                "Uplink messages left unacknowledged because they could not be stored; the broker delivers them again");
        this.foreignTopic = uplinkCounter(meters, "foreign-topic",
                "Uplink messages on a topic without a VIN, acknowledged and dropped");
        this.reconnects = Counter.builder("odomo.mqtt.reconnects")
                .description("Uplink connections opened again, after a loss or to have unstored messages redelivered")
                .register(meters);
        for (int i = 0; i < settings.connections(); i++) {
            slots.add(new Slot(settings.platformClientId(i)));
        }
    }

    private static Counter uplinkCounter(MeterRegistry meters, String result, String description) {
        return Counter.builder("odomo.mqtt.uplink").description(description).tag("result", result).register(meters);
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-uplink-reconnect");
            t.setDaemon(true);
            return t;
        });
        running = true;
        List<CompletableFuture<Void>> ready = slots.stream().map(this::open).toList();
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(START_WAIT_SECONDS, TimeUnit.SECONDS);
            log.info("consuming {} on {} connection(s) to {}:{}", filter, slots.size(), settings.host(), settings.port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("MQTT uplink not (fully) connected yet to {}:{}; retrying in the background", settings.host(),
                    settings.port());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        for (Slot slot : slots) {
            Mqtt5AsyncClient client;
            synchronized (slot) {
                client = slot.client;
                slot.client = null;
                slot.generation++;
                slot.retryScheduled = false;
            }
            // The session outlives the connection: what is still being stored is delivered
            // again when the node comes back, and is then a duplicate.
            MqttClients.disconnectQuietly(client);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Starts after and stops before the ingestion pipeline.
        return DEFAULT_PHASE - 1;
    }

    private CompletableFuture<Void> open(Slot slot) {
        Mqtt5AsyncClient client;
        long generation;
        synchronized (slot) {
            if (!running) {
                return CompletableFuture.completedFuture(null);
            }
            generation = ++slot.generation;
            client = MqttClients.builder(settings, slot.clientId)
                    .addDisconnectedListener(context -> {
                        if (context.getSource() != MqttDisconnectSource.USER) {
                            retryLater(slot, generation, "connection lost: " + context.getCause());
                        }
                    })
                    .buildAsync();
            slot.client = client;
        }
        // Registered before connecting: a resumed session starts delivering at once, before any
        // subscribe, and nothing may reach an absent handler (the client would acknowledge it).
        client.publishes(MqttGlobalPublishFilter.ALL, publish -> onMessage(slot, generation, publish), Runnable::run,
                true);
        return client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(settings.sessionExpiry().getSeconds())
                .restrictions().receiveMaximum(settings.receiveMaximum()).applyRestrictions()
                .send()
                .thenCompose(connAck -> connAck.isSessionPresent() ? CompletableFuture.<Void>completedFuture(null)
                        : subscribe(client))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        retryLater(slot, generation, "could not connect: " + error.getMessage());
                    } else {
                        log.debug("uplink connection {} ready", slot.clientId);
                    }
                });
    }

    private CompletableFuture<Void> subscribe(Mqtt5AsyncClient client) {
        return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().thenAccept(subAck -> {
            if (subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
                throw new IllegalStateException("the broker refused the subscription to " + filter + ": "
                        + subAck.getReasonCodes());
            }
        });
    }

    private void onMessage(Slot slot, long generation, Mqtt5Publish publish) {
        String vin = topics.vinOf(publish.getTopic().toString());
        if (vin == null) {
            foreignTopic.increment();
            acknowledge(slot, generation, publish);
            return;
        }
        CompletableFuture<IngestOutcome> outcome;
        try {
            outcome = gateway.submit(publish.getPayloadAsBytes(), vin, brokerProvesSender);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((result, error) -> {
            if (error == null) {
                acknowledge(slot, generation, publish);
            } else {
                notAcknowledged.increment();
                retryLater(slot, generation, "a message of " + vin + " could not be stored (" + error.getMessage()
                        + "); it stays unacknowledged");
            }
        });
    }

    private void acknowledge(Slot slot, long generation, Mqtt5Publish publish) {
        if (slot.generation != generation) {
            // Its connection is gone; the broker delivers it again on the new one.
            return;
        }
        try {
            publish.acknowledge();
            acknowledged.increment();
            if (slot.failures != 0) {
                slot.failures = 0;
            }
        } catch (RuntimeException e) {
            log.debug("could not acknowledge on {}: {}", slot.clientId, e.getMessage());
        }
    }

    /**
     * Closes the slot's connection and opens a new one on the same session after a back-off.
     * The connection stays open meanwhile, so that the broker keeps its in-flight window for it
     * rather than queueing (and, past its queue limit, dropping) this session's share.
     */
    private void retryLater(Slot slot, long generation, String reason) {
        long delay;
        synchronized (slot) {
            if (!running || slot.generation != generation || slot.retryScheduled) {
                return;
            }
            slot.retryScheduled = true;
            int failures = slot.failures;
            slot.failures = failures + 1;
            delay = Math.min(LAST_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures, 16));
        }
        log.warn("MQTT uplink {}: {}; reconnecting in {} ms", slot.clientId, reason, delay);
        try {
            scheduler.schedule(() -> reopen(slot, generation), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }

    private void reopen(Slot slot, long generation) {
        Mqtt5AsyncClient old;
        synchronized (slot) {
            if (!running || slot.generation != generation) {
                return;
            }
            slot.retryScheduled = false;
            old = slot.client;
        }
        reconnects.increment();
        MqttClients.disconnectQuietly(old);
        open(slot);
    }
}
