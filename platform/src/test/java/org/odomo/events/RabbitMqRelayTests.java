package org.odomo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.support.EventConsumers;
import org.odomo.support.TcpProxy;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The log relayed to the machine's RabbitMQ (127.0.0.1:5672, guest/guest; {@code ODOMO_AMQP_HOST}
 * and {@code ODOMO_AMQP_PORT} override) through a pass-through the test can cut, on an exchange of
 * its own: two subscriber nodes, each with its own queue bound to everything, both receive every
 * event the log holds, in log order per vehicle; a third queue bound to one event type receives
 * only those. While the broker is out of reach the relay fails its batches and holds its cursor;
 * when it is back the relay catches up and nothing is lost.
 */
@Tag("services")
@SpringBootTest(properties = {"odomo.events.batch-size=7", "odomo.events.failure-backoff=PT0.05S",
        "odomo.events.relay.rabbitmq.enabled=true", "odomo.events.relay.rabbitmq.confirm-timeout=PT5S",
        "odomo.events.relay.rabbitmq.recovery-interval=PT0.1S"})
@ActiveProfiles("test")
class RabbitMqRelayTests {

    private static final String HOST = env("ODOMO_AMQP_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(env("ODOMO_AMQP_PORT", "5672"));
    private static final String EXCHANGE = "odomo.test.events." + UUID.randomUUID();
    private static final TcpProxy broker = openProxy();

    @DynamicPropertySource
    static void relay(DynamicPropertyRegistry properties) {
        properties.add("odomo.events.relay.rabbitmq.uri", () -> "amqp://guest:guest@127.0.0.1:" + broker.port());
        properties.add("odomo.events.relay.rabbitmq.exchange", () -> EXCHANGE);
    }

    @AfterAll
    static void removeExchange() throws Exception {
        broker.close();
        try (Connection c = subscriberFactory().newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDelete(EXCHANGE);
        }
    }

    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleEventLog log;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    /** A message as a subscriber received it. */
    record Received(String id, String routingKey, String type, String vin, int partition, long position,
            JsonNode body, boolean persistent) {
    }

    /** A subscriber: its own queue bound to the exchange, and what arrived on it, in arrival order. */
    final class Subscriber implements AutoCloseable {
        final Connection connection;
        final List<Received> arrived = Collections.synchronizedList(new ArrayList<>());

        Subscriber(String name, String binding) throws IOException, TimeoutException {
            connection = subscriberFactory().newConnection(name);
            Channel channel = connection.createChannel();
            // Declared as the relay declares it, so that a subscriber may start first.
            channel.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true);
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, EXCHANGE, binding);
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                    Map<String, Object> h = p.getHeaders();
                    arrived.add(new Received(p.getMessageId(), envelope.getRoutingKey(), p.getType(),
                            h.get("vin").toString(), ((Number) h.get("partition")).intValue(),
                            ((Number) h.get("position")).longValue(),
                            json.readTree(new String(body, StandardCharsets.UTF_8)),
                            Integer.valueOf(2).equals(p.getDeliveryMode())));
                }
            });
        }

        /** What arrived, a repeat (the relay delivers at least once) recognised by its message id. */
        List<Received> distinct() {
            Map<String, Received> first = new LinkedHashMap<>();
            synchronized (arrived) {
                arrived.forEach(r -> first.putIfAbsent(r.id(), r));
            }
            return List.copyOf(first.values());
        }

        List<Received> of(List<String> vins) {
            return distinct().stream().filter(r -> vins.contains(r.vin())).toList();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    @Test
    void everyNodeReceivesEveryEventInOrderPerVehicleAndNothingIsLostWhileTheBrokerIsAway() throws Exception {
        try (Subscriber nodeA = new Subscriber("node-a", "#"); Subscriber nodeB = new Subscriber("node-b", "#");
                Subscriber alerts = new Subscriber("alerts", "alert-raised.*")) {
            List<RegisteredVehicle> cars = List.of(car(), car(), car());
            List<String> vins = cars.stream().map(c -> c.vehicle().vin()).toList();
            for (int i = 0; i < 10; i++) {
                for (RegisteredVehicle car : cars) {
                    send(car, i);
                }
            }
            // The trip consumer appends events of its own: the log is complete once every consumer is through.
            EventConsumers.awaitCaughtUp(log);
            List<Received> expected = logged(vins);
            assertThat(expected).hasSizeGreaterThan(30);
            awaitReceived(nodeA, vins, expected);
            awaitReceived(nodeB, vins, expected);
            assertInOrderPerVehicle(nodeA.of(vins));
            assertInOrderPerVehicle(nodeB.of(vins));
            assertThat(nodeA.of(vins)).allMatch(Received::persistent);

            broker.cut();
            Map<Integer, Long> cursorsWhenCut = relayCursors();
            double failuresWhenCut = relayFailures();
            for (int i = 10; i < 20; i++) {
                for (RegisteredVehicle car : cars) {
                    send(car, i);
                }
            }
            await("the relay failing its batches while the broker is away").atMost(Duration.ofSeconds(30))
                    .until(() -> relayFailures() > failuresWhenCut + 2);
            assertThat(relayCursors()).isEqualTo(cursorsWhenCut);
            assertThat(log.caughtUp()).isFalse();
            assertThat(nodeA.of(vins)).hasSize(expected.size());

            broker.restore();
            EventConsumers.awaitCaughtUp(log);
            List<Received> all = logged(vins);
            assertThat(all).hasSizeGreaterThan(expected.size() + 30);
            awaitReceived(nodeA, vins, all);
            awaitReceived(nodeB, vins, all);
            assertInOrderPerVehicle(nodeA.of(vins));
            assertInOrderPerVehicle(nodeB.of(vins));

            List<Received> raised = all.stream().filter(r -> r.type().equals("alert-raised")).toList();
            // Raised at messages 4, 9, 14 and 19 of each car, each after the previous one was cleared.
            assertThat(raised).hasSize(4 * cars.size());
            await("the alert subscriber has the raised alerts").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(withoutDelivery(alerts.of(vins)))
                            .containsExactlyInAnyOrderElementsOf(raised));
        }
    }

    private void awaitReceived(Subscriber subscriber, List<String> vins, List<Received> expected) {
        await("every logged event at the subscriber").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(withoutDelivery(subscriber.of(vins)))
                        .containsExactlyInAnyOrderElementsOf(expected));
    }

    /** Log order per vehicle: the positions of one vehicle's events (one partition) only grow. */
    private static void assertInOrderPerVehicle(List<Received> received) {
        Map<String, List<Long>> positions = new LinkedHashMap<>();
        received.forEach(r -> positions.computeIfAbsent(r.vin(), v -> new ArrayList<>()).add(r.position()));
        positions.forEach((vin, list) -> assertThat(list).as(vin).isSorted().doesNotHaveDuplicates());
    }

    private static List<Received> withoutDelivery(List<Received> received) {
        return received.stream().map(r -> new Received(r.id(), r.routingKey(), r.type(), r.vin(), r.partition(),
                r.position(), r.body(), false)).toList();
    }

    /** The vehicles' events as the log holds them, as the relay is to publish them. */
    private List<Received> logged(List<String> vins) {
        String marks = String.join(",", Collections.nCopies(vins.size(), "?"));
        return jdbc.query("SELECT part, pos, vin, type, payload FROM vehicle_event WHERE vin IN (" + marks + ")"
                + " ORDER BY part, pos", (rs, n) -> new Received(rs.getInt(1) + ":" + rs.getLong(2),
                        rs.getString(4) + "." + rs.getString(3), rs.getString(4), rs.getString(3), rs.getInt(1),
                        rs.getLong(2), json.readTree(rs.getString(5)), false), vins.toArray());
    }

    private Map<Integer, Long> relayCursors() {
        Map<Integer, Long> cursors = new LinkedHashMap<>();
        jdbc.query("SELECT part, pos FROM event_cursor WHERE consumer = ? ORDER BY part", rs -> {
            cursors.put(rs.getInt(1), rs.getLong(2));
        }, RabbitMqRelay.NAME);
        return cursors;
    }

    private double relayFailures() {
        Counter c = meters.find("odomo.events.consumer.failures").tag("consumer", RabbitMqRelay.NAME).counter();
        return c == null ? 0 : c.count();
    }

    private RegisteredVehicle car() {
        return TestVehicles.register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
    }

    /** Telemetry, and every fifth message an alert: data received, and alerts raised and closed. */
    private void send(RegisteredVehicle v, int i) {
        String vin = v.vehicle().vin();
        Instant at = t0.plusSeconds(60L * i);
        ObjectNode message;
        if (i % 5 == 4) {
            message = TestVehicles.envelope(vin, v.credential(), "m" + i, at, MessageType.EVENT);
            message.putObject("event").put("name", "alertRaised").putObject("alert").put("type", "RiskOfIce")
                    .put("severity", "Warning");
        } else if (i % 5 == 0 && i > 0) {
            message = TestVehicles.envelope(vin, v.credential(), "m" + i, at, MessageType.EVENT);
            message.putObject("event").put("name", "alertCleared").putObject("alert").put("type", "RiskOfIce");
        } else {
            message = TestVehicles.telemetry(vin, v.credential(), "m" + i, at, 2.35, 48.85, 80, 1000 + i);
        }
        assertThat(gateway.submit(TestVehicles.bytes(message)).join()).isEqualTo(IngestOutcome.STORED);
    }

    private static ConnectionFactory subscriberFactory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setUsername("guest");
        f.setPassword("guest");
        return f;
    }

    private static TcpProxy openProxy() {
        try {
            return new TcpProxy(HOST, PORT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
