package org.odomo.delivery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.OdomoApplication;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.support.Services;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Two platform nodes on one PostgreSQL schema, both writing notifications and both delivering
 * them, to a receiver that fails at first: every notification is acknowledged once, in order per
 * stream.
 */
@Tag("services")
class DeliveryPostgresTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static ConfigurableApplicationContext node(String schema, TestDestinations destinations) {
        Map<String, Object> p = new LinkedHashMap<>(Services.postgresSchema(schema));
        // Local receivers: this test's node is a developer's, not production.
        p.put("odomo.delivery.allow-private-targets", "true");
        p.put("odomo.delivery.allow-insecure-schemes", "true");
        p.put("odomo.delivery.concurrency", "8");
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(OdomoApplication.class).profiles("test", "postgres")
                .web(WebApplicationType.NONE)
                .initializers(c -> c.getBeanFactory().registerSingleton("testDestinations", destinations)).run(args);
    }

    @Test
    void twoNodesOnOneDatabaseDeliverEveryNotificationOnceInOrderThroughFailures() throws Exception {
        String schema = Services.freshSchema();
        try (HttpReceiver receiver = new HttpReceiver()) {
            AtomicInteger requests = new AtomicInteger();
            receiver.answer = body -> requests.incrementAndGet() <= 40 ? 500 : 200;
            Destination destination = new Destination("cb-pg", DeliveryOwner.endUserApp(1, "app"), "pg",
                    Destination.State.RUNNING, new Destination.Webhook(receiver.uri("/pg")), List.of(),
                    new DeliveryPolicy(DeliveryPolicy.Retry.ALWAYS, 0, Duration.ofMillis(300), Duration.ofDays(3), 100,
                            Duration.ZERO));
            TestDestinations a = new TestDestinations();
            TestDestinations b = new TestDestinations();
            a.put(destination);
            b.put(destination);
            try (ConfigurableApplicationContext nodeA = node(schema, a);
                    ConfigurableApplicationContext nodeB = node(schema, b)) {
                Map<String, List<String>> enqueued = new LinkedHashMap<>();
                for (int i = 0; i < 600; i++) {
                    String stream = "monitor-" + (i % 30);
                    NotificationOutbox outbox = (i % 2 == 0 ? nodeA : nodeB).getBean(NotificationOutbox.class);
                    UUID id = outbox.enqueue(new Notification("cb-pg", stream, Instant.now(),
                            Notification.Kind.MONITOR, JsonNodeFactory.instance.objectNode().put("monitorId", stream),
                            Map.of("Vin", "VR3PG000000000001")));
                    enqueued.computeIfAbsent(stream, k -> new ArrayList<>()).add(id.toString());
                }
                JdbcTemplate jdbc = nodeA.getBean(JdbcTemplate.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                        "SELECT COUNT(*) FROM delivery_notification WHERE outcome = 'DELIVERED'", Long.class) == 600);
                Map<String, List<String>> got = new LinkedHashMap<>();
                for (HttpReceiver.Received r : receiver.received) {
                    if (r.answered() != 200) {
                        continue;
                    }
                    JsonNode body = JSON.readTree(r.body());
                    (body.isArray() ? body : JSON.createArrayNode().add(body)).forEach(m -> got.computeIfAbsent(
                            m.path("monitorEvent").path("monitorId").stringValue(), k -> new ArrayList<>())
                            .add(m.path("notificationId").stringValue()));
                }
                assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(enqueued.keySet());
                enqueued.forEach((stream, ids) -> {
                    assertThat(got.get(stream)).as(stream).isEqualTo(ids);
                    assertThat(new LinkedHashSet<>(got.get(stream))).hasSameSizeAs(got.get(stream));
                });
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM delivery_stream WHERE pending <> 0", Long.class))
                        .isZero();
            }
        }
    }
}
