package org.odomo.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.Topics;
import org.odomo.protocol.VehicleTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

/**
 * The vehicle side of the MQTT transport, for simulated vehicles: however many vehicles there
 * are, they share {@code vehicle-connections} connections. Each vehicle publishes on its own
 * topics at QoS 1, always on the same connection so that its messages leave in order, and the
 * send completes on the broker's PUBACK. The first connection subscribes to the downlink of all
 * vehicles and hands each message to the handler of its VIN.
 *
 * <p>Connections are opened on the first {@link #connect}, use clean sessions (a simulator
 * that goes away leaves nothing on the broker) and reconnect by themselves; a send while the
 * connection is down fails, and the vehicle sends again later, as the transport contract says.
 *
 * <p>With {@code vehicle-accounts} {@code dynamic-security}, a vehicle connected with its
 * credential has a connection of its own instead, as a real car: user name its VIN, password its
 * credential, client id its VIN, subscribed to its own downlink only. The broker then confines it
 * to its topics, and its messages need no credential in their body.
 */
public class MqttVehicleTransport implements VehicleTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttVehicleTransport.class);
    private static final long CONNECT_WAIT_SECONDS = 10;

    private final MqttProperties settings;
    private final Topics topics;
    private final Map<String, Consumer<byte[]>> downlinks = new ConcurrentHashMap<>();
    /** The connections of vehicles that have one of their own. */
    private final Set<Mqtt5AsyncClient> own = ConcurrentHashMap.newKeySet();
    private volatile List<Mqtt5AsyncClient> clients;
    private boolean closed;

    public MqttVehicleTransport(MqttProperties settings) {
        this.settings = settings;
        this.topics = settings.topics();
    }

    @Override
    public boolean linksProveTheVehicle() {
        return settings.vehicleAccounts() == MqttProperties.VehicleAccounts.DYNAMIC_SECURITY;
    }

    @Override
    public VehicleLink connect(String vin, String credential, Consumer<byte[]> downlink) {
        if (!linksProveTheVehicle() || credential == null) {
            return connect(vin, downlink);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the MQTT vehicle transport is closed");
            }
        }
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5()
                .identifier(vin)
                .serverHost(settings.host())
                .serverPort(settings.port())
                .simpleAuth().username(vin).password(credential.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .buildAsync();
        own.add(client);
        // Not waited for: like a car coming into coverage, it sends once connected, and a send
        // before that fails and is tried again later.
        client.connectWith().cleanStart(true).send()
                .thenCompose(ack -> client.subscribeWith().topicFilter(topics.downlinkFilter(vin))
                        .qos(MqttQos.AT_LEAST_ONCE).callback(publish -> deliver(vin, downlink, publish)).send())
                .whenComplete((subAck, error) -> {
                    if (error != null) {
                        log.debug("simulated vehicle {} not connected yet: {}", vin, error.getMessage());
                    } else if (subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
                        log.warn("the broker refused {} its downlink subscription: {}", vin, subAck.getReasonCodes());
                    }
                });
        return new VehicleLink() {
            @Override
            public CompletionStage<Void> send(MessageType type, byte[] json) {
                return publish(client, vin, type, json);
            }

            @Override
            public void close() {
                own.remove(client);
                MqttClients.disconnectQuietly(client);
            }
        };
    }

    @Override
    public VehicleLink connect(String vin, Consumer<byte[]> downlink) {
        List<Mqtt5AsyncClient> open = clients();
        Mqtt5AsyncClient client = open.get(Math.floorMod(vin.hashCode(), open.size()));
        downlinks.put(vin, downlink);
        return new VehicleLink() {
            @Override
            public CompletionStage<Void> send(MessageType type, byte[] json) {
                return publish(client, vin, type, json);
            }

            @Override
            public void close() {
                downlinks.remove(vin, downlink);
            }
        };
    }

    private CompletionStage<Void> publish(Mqtt5AsyncClient client, String vin, MessageType type, byte[] json) {
        if (!type.isUplink()) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException(type.wireName() + " is not an uplink message type"));
        }
        return client.publishWith().topic(topics.uplink(vin, type)).qos(MqttQos.AT_LEAST_ONCE).payload(json)
                .send().thenApply(result -> {
                    String refusal = MqttClients.refusal(result);
                    if (refusal != null) {
                        throw new IllegalStateException(refusal);
                    }
                    return null;
                });
    }

    private List<Mqtt5AsyncClient> clients() {
        List<Mqtt5AsyncClient> open = clients;
        if (open != null) {
            return open;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the MQTT vehicle transport is closed");
            }
            if (clients == null) {
                clients = openClients();
            }
            return clients;
        }
    }

    private List<Mqtt5AsyncClient> openClients() {
        // Clean sessions under ids of their own: several simulators may share a broker.
        String id = settings.clientIdPrefix() + "-vehicles-" + UUID.randomUUID().toString().substring(0, 8);
        List<Mqtt5AsyncClient> open = new ArrayList<>();
        List<CompletableFuture<?>> ready = new ArrayList<>();
        for (int i = 0; i < settings.vehicleConnections(); i++) {
            Mqtt5AsyncClient client = MqttClients.builder(settings, id + "-" + i)
                    .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                    .applyAutomaticReconnect()
                    .buildAsync();
            CompletableFuture<?> connected = client.connectWith().cleanStart(true).send();
            if (i == 0) {
                connected = connected.thenCompose(ack -> client.subscribeWith()
                        .topicFilter(topics.downlinkFilter("+")).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(this::onDownlink).send());
            }
            open.add(client);
            ready.add(connected);
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("simulated vehicles not (fully) connected to {}:{} yet: {}", settings.host(), settings.port(),
                    e.getMessage());
        }
        return List.copyOf(open);
    }

    private static void deliver(String vin, Consumer<byte[]> handler, Mqtt5Publish publish) {
        try {
            handler.accept(publish.getPayloadAsBytes());
        } catch (RuntimeException e) {
            log.warn("downlink handler of {} failed", vin, e);
        }
    }

    private void onDownlink(Mqtt5Publish publish) {
        String vin = topics.vinOf(publish.getTopic().toString());
        Consumer<byte[]> handler = vin == null ? null : downlinks.get(vin);
        if (handler == null) {
            log.debug("no simulated vehicle {} here; downlink on {} dropped", vin, publish.getTopic());
            return;
        }
        try {
            handler.accept(publish.getPayloadAsBytes());
        } catch (RuntimeException e) {
            log.warn("downlink handler of {} failed", vin, e);
        }
    }

    @Override
    public void close() {
        List<Mqtt5AsyncClient> open;
        synchronized (this) {
            closed = true;
            open = clients;
            clients = null;
        }
        if (open != null) {
            open.forEach(MqttClients::disconnectQuietly);
        }
        List<Mqtt5AsyncClient> vehicles = List.copyOf(own);
        own.clear();
        vehicles.forEach(MqttClients::disconnectQuietly);
        downlinks.clear();
    }
}
