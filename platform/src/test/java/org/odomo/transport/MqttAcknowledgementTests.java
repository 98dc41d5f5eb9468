package org.odomo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.odomo.ingest.TestVehicles.bytes;
import static org.odomo.ingest.TestVehicles.register;
import static org.odomo.ingest.TestVehicles.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.state.VehicleHistory;
import org.odomo.support.GatedDataSource;
import org.odomo.support.Services;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

/**
 * The rule that makes the MQTT uplink lossless: the platform acknowledges a message (PUBACK) only
 * once it is stored, so the broker still holds, and delivers again, whatever a node had not
 * stored when its database failed or when it stopped.
 */
@Tag("services")
class MqttAcknowledgementTests {

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
    private final String schema = Services.freshSchema();
    private final String prefix = Services.freshTopicPrefix();
    private final String clientIdPrefix = "odomo-it-" + Services.shortId();
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private MqttVehicleTransport vehicles;

    @BeforeEach
    void vehicles() {
        vehicles = new MqttVehicleTransport(Services.vehicleSide(prefix));
    }

    @AfterEach
    void stopEverything() {
        vehicles.close();
        nodes.forEach(ConfigurableApplicationContext::close);
    }

    /** A platform node with one uplink connection, so that every message goes through the session of {@code -0}. */
    private ConfigurableApplicationContext startNode() {
        return startNode(Map.of());
    }

    private ConfigurableApplicationContext startNode(Map<String, Object> overrides) {
        Map<String, Object> settings = Services.platform(schema, prefix, clientIdPrefix);
        settings.put("odomo.mqtt.connections", 1);
        settings.putAll(overrides);
        ConfigurableApplicationContext node = Services.startNode(settings, GatedDataSource.Setup.class);
        nodes.add(node);
        return node;
    }

    @Test
    void aMessageIsAcknowledgedOnlyOnceItIsStored() throws Exception {
        ConfigurableApplicationContext node = startNode();
        GatedDataSource database = (GatedDataSource) node.getBean(DataSource.class);
        MqttIngestAdapter adapter = node.getBean(MqttIngestAdapter.class);
        RegisteredVehicle v = register(node.getBean(VehicleRegistry.class), "P-E208", PrivacyMode.DATA_AND_LOCATION,
                ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        VehicleHistory history = node.getBean(VehicleHistory.class);
        VehicleLink link = vehicles.connect(vin, bytes -> { });

        send(link, bytes(telemetry(vin, v.credential(), "m0", t0, 2.35, 48.85, 80, 1000)));
        await().atMost(Duration.ofSeconds(20)).until(() -> counter(node, "odomo.mqtt.uplink", "result", "acknowledged") >= 1);

        // The write of m1 is in progress (held at the database) when the node drops its connection.
        database.block();
        send(link, bytes(telemetry(vin, v.credential(), "m1", t0.plusSeconds(60), 2.36, 48.86, 79, 1001)));
        await().atMost(Duration.ofSeconds(20)).until(() -> database.waiting() > 0);
        adapter.stop();

        // The broker still holds m1 as unacknowledged: whoever resumes the session receives it again.
        assertThat(messageIdsPendingIn(clientIdPrefix + "-0")).containsExactly("m1");

        // The node stores m1, comes back and gets it again: a duplicate, which it acknowledges.
        double duplicates = counter(node, "odomo.ingest.messages", "outcome", "duplicate");
        database.open();
        await().atMost(Duration.ofSeconds(20)).until(() -> history.messageCount(vin) == 2);
        adapter.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter(node, "odomo.ingest.messages", "outcome", "duplicate") >= duplicates + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> counter(node, "odomo.mqtt.uplink", "result", "acknowledged") >= 2);

        // Now that m1 is stored and acknowledged, the session holds nothing any more.
        adapter.stop();
        assertThat(messageIdsPendingIn(clientIdPrefix + "-0")).isEmpty();
        adapter.start();
        assertThat(history.messageCount(vin)).isEqualTo(2);
    }

    @Test
    void aMessageThatCouldNotBeStoredIsDeliveredAgainUntilItIs() throws Exception {
        ConfigurableApplicationContext node = startNode();
        GatedDataSource database = (GatedDataSource) node.getBean(DataSource.class);
        RegisteredVehicle v = register(node.getBean(VehicleRegistry.class), "P-E208", PrivacyMode.DATA_AND_LOCATION,
                ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        VehicleHistory history = node.getBean(VehicleHistory.class);
        VehicleLink link = vehicles.connect(vin, bytes -> { });

        database.fail();
        send(link, bytes(telemetry(vin, v.credential(), "m1", t0, 2.35, 48.85, 80, 1000)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter(node, "odomo.mqtt.uplink", "result", "not-acknowledged") >= 2);
        assertThat(counter(node, "odomo.mqtt.reconnects", null, null)).isPositive();

        database.open();
        await().atMost(Duration.ofSeconds(30)).until(() -> history.messageCount(vin) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> counter(node, "odomo.mqtt.uplink", "result", "acknowledged") >= 1);
        assertThat(counter(node, "odomo.ingest.messages", "outcome", "stored")).isEqualTo(1);
        assertThat(history.current(vin).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aNodeRestartedAfterItsDatabaseFailedReceivesWhatItHadNotStored() throws Exception {
        ConfigurableApplicationContext first = startNode();
        RegisteredVehicle v = register(first.getBean(VehicleRegistry.class), "P-E208", PrivacyMode.DATA_AND_LOCATION,
                ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        VehicleLink link = vehicles.connect(vin, bytes -> { });

        ((GatedDataSource) first.getBean(DataSource.class)).fail();
        send(link, bytes(telemetry(vin, v.credential(), "m1", t0, 2.35, 48.85, 80, 1000)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter(first, "odomo.mqtt.uplink", "result", "not-acknowledged") >= 1);
        first.close();
        assertThat(Services.count(schema, "vehicle_message")).isZero();

        ConfigurableApplicationContext second = startNode();
        VehicleHistory history = second.getBean(VehicleHistory.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> history.messageCount(vin) == 1);
        assertThat(counter(second, "odomo.ingest.messages", "outcome", "stored")).isEqualTo(1);
    }

    @Test
    void aRestartLosesNothingThatWasAcknowledged() throws Exception {
        // One message per transaction and a small in-flight window: when the node stops, most of the
        // fleet's messages are still with the broker, some are being written, some acknowledged.
        ConfigurableApplicationContext first = startNode(Map.of("odomo.ingest.workers", 1, "odomo.ingest.batch-size", 1,
                "odomo.mqtt.receive-maximum", 20));
        VehicleRegistry registry = first.getBean(VehicleRegistry.class);
        List<RegisteredVehicle> fleet = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            fleet.add(register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER));
        }
        int perVehicle = 20;
        List<CompletableFuture<Void>> published = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int n = 0; n < perVehicle; n++) {
            for (RegisteredVehicle v : fleet) {
                String vin = v.vehicle().vin();
                VehicleLink link = vehicles.connect(vin, bytes -> { });
                String id = "r" + n;
                expected.add(vin + "/" + id);
                published.add(link.send(MessageType.TELEMETRY, bytes(telemetry(vin, v.credential(), id,
                        t0.plusSeconds(n), 2.35, 48.85, 80 - n, 1000 + n))).toCompletableFuture());
            }
        }
        // Every message is taken by the broker; the node stops without waiting for its writes.
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        first.close();
        long storedBeforeRestart = Services.count(schema, "vehicle_message");
        int total = fleet.size() * perVehicle;
        assertThat(storedBeforeRestart).as("messages the node had not stored when it stopped").isLessThan(total);

        ConfigurableApplicationContext second = startNode();
        await().atMost(Duration.ofSeconds(60)).until(() -> Services.count(schema, "vehicle_message") == total);
        Set<String> stored = new HashSet<>();
        try (var c = Services.connect(); var s = c.createStatement();
                var rs = s.executeQuery("SELECT vin, msg_id FROM " + schema + ".vehicle_message")) {
            while (rs.next()) {
                stored.add(rs.getString(1).trim() + "/" + rs.getString(2));
            }
        }
        assertThat(stored).isEqualTo(expected);
        assertThat(Services.count(schema, "position_history")).isEqualTo(total);
        // The counter moves just after the commit that made the rows visible: wait for the last batch.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                counter(second, "odomo.ingest.messages", "outcome", "stored")).isEqualTo(total - storedBeforeRestart));
    }

    /**
     * Takes over an uplink session as the broker would let a restarted node do, and returns the
     * ids of the messages the broker delivers again because they were never acknowledged. The
     * session is left as it was found: nothing is acknowledged here.
     */
    private List<String> messageIdsPendingIn(String clientId) throws Exception {
        List<String> ids = new CopyOnWriteArrayList<>();
        ProtocolCodec codec = new ProtocolCodec();
        String marker = "marker-" + Services.shortId();
        CompletableFuture<Void> markerSeen = new CompletableFuture<>();
        Mqtt5AsyncClient inspector = MqttClients.builder(Services.vehicleSide("odomo-it"), clientId).buildAsync();
        inspector.publishes(MqttGlobalPublishFilter.ALL, publish -> {
            String id = codec.readTree(publish.getPayloadAsBytes()).path("id").stringValue();
            if (marker.equals(id)) {
                // Only the marker is acknowledged: the session keeps what it held.
                publish.acknowledge();
                markerSeen.complete(null);
            } else {
                ids.add(id);
            }
        }, Runnable::run, true);
        var connAck = inspector.connectWith().cleanStart(false).sessionExpiryInterval(180).send().get(10, TimeUnit.SECONDS);
        assertThat(connAck.isSessionPresent()).as("the node's session is still on the broker").isTrue();
        // The broker resends a resumed session's unacknowledged messages before any new one: once
        // a message sent now arrives, every pending one has.
        try (VehicleLink markerLink = vehicles.connect("VR3UHZKXZMT999999", bytes -> { })) {
            send(markerLink, ("{\"id\":\"" + marker + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        markerSeen.get(10, TimeUnit.SECONDS);
        inspector.disconnect().get(10, TimeUnit.SECONDS);
        return ids;
    }

    private static void send(VehicleLink link, byte[] message) throws Exception {
        link.send(MessageType.TELEMETRY, message).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static double counter(ConfigurableApplicationContext node, String name, String tag, String value) {
        MeterRegistry meters = node.getBean(MeterRegistry.class);
        return tag == null ? meters.counter(name).count() : meters.counter(name, tag, value).count();
    }
}
