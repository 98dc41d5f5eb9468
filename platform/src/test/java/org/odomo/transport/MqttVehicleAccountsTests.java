package org.odomo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.odomo.ingest.TestVehicles.bytes;
import static org.odomo.ingest.TestVehicles.register;
import static org.odomo.ingest.TestVehicles.telemetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.Topics;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleHistory.StoredMessage;
import org.odomo.support.SecuredBroker;
import org.odomo.support.Services;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vehicles with broker accounts of their own ({@code vehicle-accounts: dynamic-security}) on a
 * Mosquitto of this test's own, set up as the operator documentation says: the platform creates
 * each vehicle's account when it is registered, and the broker keeps every vehicle to its own
 * topics, which is what lets its messages leave the credential out.
 */
@Tag("services")
class MqttVehicleAccountsTests {

    private static final String PREFIX = Services.freshTopicPrefix();
    private static final Topics TOPICS = new Topics(PREFIX);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static SecuredBroker broker;
    private static ConfigurableApplicationContext node;
    private static VehicleRegistry registry;
    private static VehicleHistory history;

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeAll
    static void startBrokerAndPlatform() throws Exception {
        broker = new SecuredBroker();
        Map<String, Object> settings = Services.platform(Services.freshSchema(), PREFIX,
                "odomo-it-" + Services.shortId());
        settings.put("odomo.mqtt.port", broker.port);
        settings.put("odomo.mqtt.username", broker.platformUser);
        settings.put("odomo.mqtt.password", broker.platformPassword);
        settings.put("odomo.mqtt.vehicle-accounts", "dynamic-security");
        settings.put("odomo.mqtt.connections", 2);
        node = Services.startNode(settings);
        registry = node.getBean(VehicleRegistry.class);
        history = node.getBean(VehicleHistory.class);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void disconnect() {
        clients.forEach(c -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
    }

    @Test
    void anonymousClientsAndWrongPasswordsAreRefused() {
        RegisteredVehicle v = vehicle();
        assertRefused(MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(broker.port)
                .buildBlocking());
        assertRefused(client(v.vehicle().vin(), "not-" + v.credential()));
        // Its account is its VIN: another vehicle's name with this credential is not it.
        assertRefused(client(vehicle().vehicle().vin(), v.credential()));
        assertRefused(client("unknown-user", v.credential()));
        assertRefused(client(broker.platformUser, v.credential()));

        Mqtt5BlockingClient own = client(v.vehicle().vin(), v.credential());
        assertThat(own.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void aVehicleCanNeitherReadAnotherVehiclesDownlinkNorPublishAsAnotherVehicle() throws Exception {
        RegisteredVehicle a = vehicle();
        RegisteredVehicle b = vehicle();
        String vinA = a.vehicle().vin();
        String vinB = b.vehicle().vin();
        Mqtt5BlockingClient clientA = connected(vinA, a.credential());
        Mqtt5BlockingClient clientB = connected(vinB, b.credential());

        // Subscriptions: only its own downlink.
        assertThat(subscribe(clientA, TOPICS.downlinkFilter(vinB))).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(clientA, TOPICS.downlinkFilter("+"))).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(clientA, PREFIX + "/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(clientA, TOPICS.uplinkFilter())).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        List<String> receivedByA = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ownWakeUp = new CompletableFuture<>();
        clientA.toAsync().subscribeWith().topicFilter(TOPICS.downlinkFilter(vinA)).qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    String text = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
                    receivedByA.add(p.getTopic() + " " + text);
                    if (text.contains("\"id\":\"wake-a\"")) {
                        ownWakeUp.complete(null);
                    }
                }).send().get(10, TimeUnit.SECONDS);

        // The platform wakes B, then A, on the same connection: A gets its own and never B's.
        DownlinkSender downlink = node.getBean(DownlinkSender.class);
        downlink.send(vinB, MessageType.WAKE_UP, wakeUp(vinB, "wake-b"));
        downlink.send(vinA, MessageType.WAKE_UP, wakeUp(vinA, "wake-a"));
        ownWakeUp.get(10, TimeUnit.SECONDS);
        assertThat(receivedByA).allMatch(m -> m.startsWith(PREFIX + "/vehicles/" + vinA + "/down/"))
                .anyMatch(m -> m.contains("\"id\":\"wake-a\""));

        // Publishing as B: refused by the broker, with or without B's name in the body.
        assertThat(publish(clientA, TOPICS.uplink(vinB, MessageType.TELEMETRY), bare(vinB, "forged-1", 9999)))
                .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(publish(clientA, TOPICS.uplink(vinB, MessageType.TELEMETRY), bare(vinA, "forged-2", 9999)))
                .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        // On its own topic, a body naming B is rejected by the platform.
        assertThat(publish(clientA, TOPICS.uplink(vinA, MessageType.TELEMETRY), bare(vinB, "forged-3", 9999)))
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        // The legitimate messages, without credential, are stored; B's history has only its own.
        assertThat(publish(clientB, TOPICS.uplink(vinB, MessageType.TELEMETRY), bare(vinB, "b-1", 1500.5)))
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(publish(clientA, TOPICS.uplink(vinA, MessageType.TELEMETRY), bare(vinA, "a-1", 1200.5)))
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        await().atMost(Duration.ofSeconds(20)).until(() -> history.messageCount(vinA) == 1
                && history.messageCount(vinB) == 1);
        assertStoredOnly(vinA, "a-1", 1200.5);
        assertStoredOnly(vinB, "b-1", 1500.5);
    }

    @Test
    void aReplacedCredentialDisconnectsTheVehicleAndARevokedOneLocksItOut() throws Exception {
        RegisteredVehicle v = vehicle();
        String vin = v.vehicle().vin();
        Mqtt5BlockingClient before = connected(vin, v.credential());

        String replaced = registry.replaceCredential(vin);
        await().atMost(Duration.ofSeconds(10)).until(() -> !before.getState().isConnected());
        assertRefused(client(vin, v.credential()));
        Mqtt5BlockingClient after = connected(vin, replaced);
        assertThat(publish(after, TOPICS.uplink(vin, MessageType.TELEMETRY), bare(vin, "r-1", 1300.5)))
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        await().atMost(Duration.ofSeconds(20)).until(() -> history.messageCount(vin) == 1);

        registry.revokeCredential(vin);
        await().atMost(Duration.ofSeconds(10)).until(() -> !after.getState().isConnected());
        assertRefused(client(vin, replaced));
        assertStoredOnly(vin, "r-1", 1300.5);
    }

    /**
     * As many simulated vehicles as {@code odomo.it.vehicles} (1,000 by default), each on an MQTT
     * connection of its own under its own account, each sending one message without credential.
     */
    @Test
    void manyVehiclesEachOnItsOwnConnection() throws Exception {
        int count = Integer.getInteger("odomo.it.vehicles", 1000);
        long start = System.nanoTime();
        List<RegisteredVehicle> fleet = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fleet.add(vehicle());
        }
        long registered = System.nanoTime();
        MqttProperties settings = node.getBean(MqttProperties.class);
        // The platform's account is only what a vehicle without credential would fall back on.
        MqttProperties vehicleSide = new MqttProperties(settings.host(), settings.port(), PREFIX, 1,
                "odomo-it-" + Services.shortId(), settings.username(), settings.password(), null, 0, 1,
                MqttProperties.VehicleAccounts.DYNAMIC_SECURITY);
        try (MqttVehicleTransport transport = new MqttVehicleTransport(vehicleSide)) {
            assertThat(transport.linksProveTheVehicle()).isTrue();
            List<VehicleLink> links = new ArrayList<>();
            for (RegisteredVehicle v : fleet) {
                links.add(transport.connect(v.vehicle().vin(), v.credential(), bytes -> { }));
            }
            // Each vehicle sends once connected; a send before its connection is up fails and is
            // repeated at the next poll.
            Set<Integer> pending = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < count; i++) {
                pending.add(i);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Map<Integer, CompletableFuture<Void>> sends = new HashMap<>();
                for (int i : pending) {
                    String vin = fleet.get(i).vehicle().vin();
                    sends.put(i, links.get(i).send(MessageType.TELEMETRY, bare(vin, "fleet-1", 1000 + i))
                            .toCompletableFuture());
                }
                sends.forEach((i, send) -> {
                    try {
                        send.get(30, TimeUnit.SECONDS);
                        pending.remove(i);
                    } catch (Exception e) {
                        // Not connected yet: sent again at the next poll.
                    }
                });
                return pending.isEmpty();
            });
            assertThat(pending).as("vehicles whose message the broker never took").isEmpty();
            long sent = System.nanoTime();
            String schema = node.getEnvironment().getProperty("spring.flyway.schemas");
            await().atMost(Duration.ofSeconds(60)).until(() -> Services.count(schema, "vehicle_message") >= count);
            long stored = System.nanoTime();
            for (int i : List.of(0, count / 2, count - 1)) {
                assertStoredOnly(fleet.get(i).vehicle().vin(), "fleet-1", 1000 + i);
            }
            System.out.printf("RESULT per-vehicle-connections vehicles=%d register_and_provision_s=%.1f "
                    + "connect_and_send_s=%.1f stored_s=%.1f%n", count, (registered - start) / 1e9,
                    (sent - registered) / 1e9, (stored - sent) / 1e9);
            links.forEach(VehicleLink::close);
        }
    }

    /** Mosquitto 2.0 answers "not authorized" to a wrong password too; other brokers say which. */
    private void assertRefused(Mqtt5BlockingClient client) {
        clients.add(client);
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isIn(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED,
                        Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThat(client.getState().isConnected()).isFalse();
    }

    private void assertStoredOnly(String vin, String id, double mileage) {
        List<StoredMessage> stored = history.messages(vin, t0.minusSeconds(3600), t0.plusSeconds(3600), 10);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).id()).isEqualTo(id);
        assertThat(stored.get(0).measuredAt()).isEqualTo(t0);
        JsonNode body = JSON.readTree(stored.get(0).body());
        assertThat(body.has("credential")).isFalse();
        assertThat(history.current(vin).orElseThrow().part("odometer").orElseThrow().path("mileage").doubleValue())
                .isEqualTo(mileage);
    }

    private static RegisteredVehicle vehicle() {
        return register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
    }

    private Mqtt5BlockingClient client(String username, String password) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("it-" + Services.shortId())
                .serverHost("127.0.0.1").serverPort(broker.port)
                .simpleAuth().username(username).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        clients.add(c);
        return c;
    }

    private Mqtt5BlockingClient connected(String vin, String credential) {
        Mqtt5BlockingClient c = client(vin, credential);
        c.connect();
        return c;
    }

    private static Mqtt5SubAckReasonCode subscribe(Mqtt5BlockingClient client, String filter) throws Exception {
        try {
            return client.toAsync().subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
                    .get(10, TimeUnit.SECONDS).getReasonCodes().get(0);
        } catch (ExecutionException e) {
            // The client fails a subscription whose every reason code is an error.
            if (e.getCause() instanceof Mqtt5SubAckException refused) {
                return refused.getMqttMessage().getReasonCodes().get(0);
            }
            throw e;
        }
    }

    private static Mqtt5PubAckReasonCode publish(Mqtt5BlockingClient client, String topic, byte[] payload)
            throws Exception {
        try {
            var result = client.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload)
                    .send().get(10, TimeUnit.SECONDS);
            return ((Mqtt5Qos1Result) result).getPubAck().getReasonCode();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    /** A telemetry message without credential. */
    private byte[] bare(String vin, String id, double mileage) {
        var message = telemetry(vin, null, id, t0, 2.35, 48.85, 80, mileage);
        message.remove("credential");
        return bytes(message);
    }

    private byte[] wakeUp(String vin, String id) {
        return ("{\"v\":1,\"vin\":\"" + vin + "\",\"id\":\"" + id + "\",\"at\":\"" + t0 + "\",\"type\":\"wakeUp\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
