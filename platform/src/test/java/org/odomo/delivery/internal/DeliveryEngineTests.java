package org.odomo.delivery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.odomo.delivery.Destination.Attribute;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.Scopes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The delivery engine against real local receivers, in a platform on the embedded database, with
 * a clock the tests move instead of waiting. Expected bodies come from the published webhook
 * template (api-b2c-webhook-template.yaml) and the published retry behaviour (REFERENCE.md §12).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryEngineTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpReceiver RECEIVER;
    static {
        try {
            RECEIVER = new HttpReceiver();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void pushEndpoint(DynamicPropertyRegistry registry) {
        registry.add("odomo.delivery.push.endpoint", () -> RECEIVER.uri("/fcm/v1/projects/p/messages:send").toString());
        registry.add("odomo.delivery.push.credential", () -> "push-credential");
    }

    @TestConfiguration
    static class Setup {
        @Bean
        TestDestinations testDestinations() {
            return new TestDestinations();
        }

        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    NotificationOutbox outbox;
    @Autowired
    TestDestinations destinations;
    @Autowired
    MovableClock clock;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    MeterRegistry meters;
    @Autowired
    OutboxStore store;
    @Autowired
    DeliveryProperties settings;
    @Autowired
    DeliveryMetrics metrics;
    @Autowired
    TaskScheduler scheduler;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    org.springframework.context.ApplicationContext app;

    final OpenApiSpec template = new OpenApiSpec("api-b2c-webhook-template.yaml", "");
    final OpenApiSpec.Operation webhook = template.operations().stream()
            .filter(o -> o.path().equals("/messages/webhook")).findFirst().orElseThrow();

    @AfterAll
    void stopReceiver() {
        RECEIVER.close();
    }

    // ---- helpers

    static final DeliveryOwner OWNER = DeliveryOwner.endUserApp(1, "test-app");

    Destination webhookTo(String id, String path, DeliveryPolicy policy, List<Attribute> attributes) {
        Destination d = new Destination(id, OWNER, "label of " + id, Destination.State.RUNNING,
                new Destination.Webhook(RECEIVER.uri(path)), attributes, policy);
        destinations.put(d);
        return d;
    }

    static ObjectNode monitorEvent(String monitorId, int n) {
        ObjectNode e = JSON.createObjectNode();
        e.put("monitorId", monitorId);
        ObjectNode value = e.putArray("values").addObject();
        value.put("data", "vehicle.odometer");
        ObjectNode v = value.putObject("value");
        v.put("type", "string");
        v.putObject("body").put("literalValue", Integer.toString(n));
        e.put("refresh", false);
        return e;
    }

    UUID enqueue(String destination, String stream, Instant eventTime, int n) {
        return outbox.enqueue(new Notification(destination, stream, eventTime, Notification.Kind.MONITOR,
                monitorEvent(stream, n), Map.of("Vin", "VR3TESTVIN0000001", "MonitorID", stream, "MonitorLabel",
                        "label " + stream)));
    }

    /** The messages a path got in bodies it acknowledged, in order, each with whether it came in an array. */
    List<JsonNode> acknowledgedMessages(String path) {
        List<JsonNode> out = new ArrayList<>();
        for (HttpReceiver.Received r : RECEIVER.receivedAt(path)) {
            if (r.answered() / 100 != 2) {
                continue;
            }
            JsonNode body = JSON.readTree(r.body());
            if (body.isArray()) {
                body.forEach(out::add);
            } else {
                out.add(body);
            }
        }
        return out;
    }

    void assertValidB2cMessage(JsonNode message) {
        assertThat(message.path("notificationId").isString()).as("the documented extension member").isTrue();
        ObjectNode published = ((ObjectNode) message).deepCopy();
        published.remove("notificationId");
        assertThat(template.validateRequestBody(webhook, "application/json", published, true)).as(message.toString())
                .isEmpty();
    }

    String outcomeOf(UUID id) {
        return jdbc.queryForObject("SELECT COALESCE(outcome, 'OPEN') || ':' || COALESCE(drop_reason, '') "
                + "FROM delivery_notification WHERE id = ?", String.class, id);
    }

    double dropped(String reason) {
        var c = meters.find("odomo.delivery.dropped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    // ---- the tests

    @Test
    void aSingleMessageCarriesTheRenderedAttributesAndValidatesAgainstThePublishedTemplate() {
        webhookTo("cb-single", "/single", DeliveryPolicy.endUser(), List.of(
                new Attribute(Attribute.Kind.BODY, "vin", "$Vin"),
                new Attribute(Attribute.Kind.BODY, "who", "$CallbackLabel for $MonitorLabel"),
                new Attribute(Attribute.Kind.HEADER, "Authorization", "Bearer receiver-secret"),
                new Attribute(Attribute.Kind.HEADER, "X-Callback", "$CallbackID"),
                new Attribute(Attribute.Kind.QUERY, "monitor", "$MonitorID")));
        Instant event = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        UUID id = enqueue("cb-single", "mon-single", event, 7);

        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/single").size() == 1);
        HttpReceiver.Received r = RECEIVER.receivedAt("/single").get(0);
        assertThat(r.query()).isEqualTo("monitor=mon-single");
        assertThat(r.header("Authorization")).isEqualTo("Bearer receiver-secret");
        assertThat(r.header("X-Callback")).isEqualTo("cb-single");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(r.body());
        ObjectNode expected = JSON.createObjectNode();
        expected.put("callbackId", "cb-single");
        expected.putArray("attributes")
                .add(JSON.createObjectNode().put("key", "vin").put("value", "VR3TESTVIN0000001"))
                .add(JSON.createObjectNode().put("key", "who").put("value", "label of cb-single for label mon-single"));
        expected.put("type", "Monitor");
        expected.put("date", event.toString());
        expected.set("monitorEvent", monitorEvent("mon-single", 7));
        expected.put("notificationId", id.toString());
        assertThat(body).isEqualTo(expected);
        assertValidB2cMessage(body);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomeOf(id).equals("DELIVERED:"));
        assertThat(meters.get("odomo.delivery.queued").counter().count()).isPositive();
        assertThat(meters.get("odomo.delivery.delivered").counter().count()).isPositive();
        assertThat(meters.get("odomo.delivery.attempt").tag("channel", "webhook").tag("received", "true").timer()
                .count()).isPositive();
        assertThat(meters.get("odomo.delivery.oldest.undelivered.age").gauge().value()).isNotNegative();
    }

    @Test
    void theCleanUpRemovesLogEntriesOlderThanTheRetentionOnOneNodeAtATime() {
        DeliveryCleanup.DeliveryCleanupJob job = app.getBean(DeliveryCleanup.DeliveryCleanupJob.class);
        store.log(new OutboxStore.Attempt("cb-cleanup", clock.instant().minus(Duration.ofDays(8)), "webhook",
                "https://old.example/", true, 200, 3, null, List.of(UUID.randomUUID())));
        store.log(new OutboxStore.Attempt("cb-cleanup", clock.instant().minus(Duration.ofDays(6)), "webhook",
                "https://recent.example/", true, 200, 3, null, List.of(UUID.randomUUID())));
        assertThat(job.run()).isTrue();
        assertThat(store.attempts("cb-cleanup", 0, 10)).extracting(OutboxStore.Attempt::target)
                .containsExactly("https://recent.example/");
    }

    @Test
    void aReceiverThatFailsForAWhileGetsEveryMessageOnceInOrderInArraysOfAtMostAHundred() {
        AtomicBoolean failing = new AtomicBoolean(true);
        RECEIVER.answer = body -> failing.get() && body.contains("cb-retry") ? 500 : 200;
        webhookTo("cb-retry", "/retry", DeliveryPolicy.endUser(), List.of(
                new Attribute(Attribute.Kind.BODY, "vin", "$Vin"),
                new Attribute(Attribute.Kind.HEADER, "X-Only-Single", "yes"),
                new Attribute(Attribute.Kind.QUERY, "only", "single")));
        Map<String, List<UUID>> enqueued = new LinkedHashMap<>();
        Instant event = clock.instant();
        enqueued.computeIfAbsent("m1", k -> new ArrayList<>()).add(enqueue("cb-retry", "m1", event, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> !RECEIVER.receivedAt("/retry").isEmpty());
        for (int i = 1; i < 250; i++) {
            enqueued.get("m1").add(enqueue("cb-retry", "m1", event, i));
        }
        for (int i = 0; i < 30; i++) {
            enqueued.computeIfAbsent("m2", k -> new ArrayList<>()).add(enqueue("cb-retry", "m2", event, i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/retry").stream()
                .anyMatch(r -> r.body().contains("\"m2\"")));
        int failedAttempts = RECEIVER.receivedAt("/retry").size();
        failing.set(false);
        // Nothing is resent before the retry delay; the clock moves past it.
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(20)).until(() -> enqueued.values().stream().flatMap(List::stream)
                .allMatch(id -> outcomeOf(id).equals("DELIVERED:")));

        Map<String, List<String>> got = new LinkedHashMap<>();
        for (JsonNode m : acknowledgedMessages("/retry")) {
            assertValidB2cMessage(m);
            assertThat(m.path("attributes").get(0).path("value").stringValue()).isEqualTo("VR3TESTVIN0000001");
            got.computeIfAbsent(m.path("monitorEvent").path("monitorId").stringValue(), k -> new ArrayList<>())
                    .add(m.path("notificationId").stringValue());
        }
        for (Map.Entry<String, List<UUID>> e : enqueued.entrySet()) {
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(got.get(e.getKey())));
            assertThat(distinct).as("every message of " + e.getKey() + " once, in order")
                    .isEqualTo(e.getValue().stream().map(UUID::toString).toList());
            assertThat(got.get(e.getKey())).as("nothing acknowledged twice").hasSize(distinct.size());
        }
        List<HttpReceiver.Received> after = RECEIVER.receivedAt("/retry").subList(failedAttempts,
                RECEIVER.receivedAt("/retry").size());
        assertThat(after).isNotEmpty().allSatisfy(r -> {
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.isArray()).as("a stream that is behind gets arrays").isTrue();
            assertThat(body.size()).isBetween(1, 100);
            assertThat(r.query()).as("batches carry body attributes only").isNull();
            assertThat(r.header("X-Only-Single")).isNull();
        });
        // m1: 250 messages go out as 100 + 100 + 50.
        assertThat(after.stream().map(r -> JSON.readTree(r.body()).size()).filter(n -> n == 100).count())
                .isGreaterThanOrEqualTo(2);
        RECEIVER.answer = body -> 200;
    }

    @Test
    void aMessageOlderThanTheLifetimeIsDroppedAndCounted() {
        webhookTo("cb-old", "/old", DeliveryPolicy.endUser(), List.of());
        double before = dropped("expired");
        UUID old = enqueue("cb-old", "m-old", clock.instant().minus(Duration.ofHours(72)).minusSeconds(1), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(old).equals("DROPPED:expired"));
        assertThat(dropped("expired") - before).isEqualTo(1.0);
        assertThat(RECEIVER.receivedAt("/old")).isEmpty();
    }

    @Test
    void aFailingStreamIsRetriedUntilTheLifetimeThenDropped() {
        RECEIVER.answer = body -> body.contains("cb-forever") ? 503 : 200;
        webhookTo("cb-forever", "/forever", DeliveryPolicy.endUser(), List.of());
        UUID id = enqueue("cb-forever", "m-forever", clock.instant(), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/forever").size() == 1);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/forever").size() == 2);
        clock.advance(Duration.ofHours(72));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(id).equals("DROPPED:expired"));
        assertThat(RECEIVER.receivedAt("/forever")).hasSize(2);
        RECEIVER.answer = body -> 200;
    }

    @Test
    void aPausedDestinationKeepsItsMessagesAndGetsThemOnResume() {
        Destination running = webhookTo("cb-paused", "/paused", DeliveryPolicy.endUser(), List.of());
        destinations.put(new Destination(running.id(), running.owner(), running.label(), Destination.State.PAUSED,
                running.channel(), running.attributes(), running.policy()));
        UUID a = enqueue("cb-paused", "m-p", clock.instant(), 1);
        UUID b = enqueue("cb-paused", "m-p", clock.instant(), 2);
        // The engine looked at the stream and put it off until the next check of paused destinations.
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT next_attempt_at > ? FROM delivery_stream WHERE destination_id = 'cb-paused'", Boolean.class,
                OutboxStore.at(clock.instant().plusSeconds(5)))));
        assertThat(outcomeOf(a)).isEqualTo("OPEN:");
        assertThat(RECEIVER.receivedAt("/paused")).isEmpty();
        destinations.put(running);
        outbox.destinationChanged("cb-paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(b).equals("DELIVERED:"));
        List<JsonNode> got = acknowledgedMessages("/paused");
        assertThat(got.stream().map(m -> m.path("notificationId").stringValue()).toList())
                .containsExactly(a.toString(), b.toString());
    }

    @Test
    void aFailedOrDeletedDestinationDropsItsMessages() {
        Destination d = webhookTo("cb-failed", "/failed", DeliveryPolicy.endUser(), List.of());
        destinations.put(new Destination(d.id(), d.owner(), d.label(), Destination.State.FAILED, d.channel(),
                d.attributes(), d.policy()));
        UUID failed = enqueue("cb-failed", "m-f", clock.instant(), 1);
        UUID unknown = enqueue("cb-deleted", "m-d", clock.instant(), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(failed).equals("DROPPED:destination-failed")
                && outcomeOf(unknown).equals("DROPPED:destination-unknown"));
        assertThat(RECEIVER.receivedAt("/failed")).isEmpty();
    }

    @Test
    void retryPolicyNoneMakesOneAttemptAndBoundedMakesRetryNumberMore() {
        RECEIVER.answer = body -> 500;
        webhookTo("cb-none", "/none", new DeliveryPolicy(DeliveryPolicy.Retry.NONE, 0, Duration.ofSeconds(30),
                Duration.ofDays(3), 1, Duration.ZERO), List.of());
        webhookTo("cb-bounded", "/bounded", new DeliveryPolicy(DeliveryPolicy.Retry.BOUNDED, 2, Duration.ofSeconds(30),
                Duration.ofDays(3), 1, Duration.ZERO), List.of());
        UUID none = enqueue("cb-none", "m-n", clock.instant(), 1);
        UUID bounded = enqueue("cb-bounded", "m-b", clock.instant(), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(none).equals("DROPPED:not-received"));
        for (int attempt = 1; attempt <= 3; attempt++) {
            int n = attempt;
            await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/bounded").size() == n);
            clock.advance(Duration.ofSeconds(31));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(bounded).equals("DROPPED:retries-exhausted"));
        assertThat(RECEIVER.receivedAt("/none")).hasSize(1);
        assertThat(RECEIVER.receivedAt("/bounded")).hasSize(3);
        RECEIVER.answer = body -> 200;
    }

    @Test
    void aBatchGoesWhenItsSizeIsReachedOrItsWindowAfterTheFirstMessage() {
        webhookTo("cb-batch", "/batch", new DeliveryPolicy(DeliveryPolicy.Retry.ALWAYS, 0, Duration.ofSeconds(10),
                Duration.ofDays(3), 3, Duration.ofMinutes(1)), List.of());
        UUID a = enqueue("cb-batch", "m-w", clock.instant(), 1);
        UUID b = enqueue("cb-batch", "m-w", clock.instant(), 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT next_attempt_at > ? FROM delivery_stream WHERE destination_id = 'cb-batch'", Boolean.class,
                OutboxStore.at(clock.instant().plusSeconds(50)))));
        assertThat(RECEIVER.receivedAt("/batch")).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/batch").size() == 1);
        assertThat(ids(RECEIVER.receivedAt("/batch").get(0))).containsExactly(a.toString(), b.toString());
        List<String> full = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            full.add(enqueue("cb-batch", "m-s", clock.instant(), i).toString());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/batch").size() == 2);
        assertThat(ids(RECEIVER.receivedAt("/batch").get(1))).isEqualTo(full);
    }

    @Test
    void aFleetDestinationGetsTheB2bEventListWithItsAttributesOnEveryDeliveryBatchedOrNot() {
        OpenApiSpec b2bTemplate = new OpenApiSpec("api-b2b-webhook-template-v3.yaml", "");
        OpenApiSpec.Operation monitorWebhook = b2bTemplate.operations().stream()
                .filter(o -> o.path().equals("/monitors/webhook")).findFirst().orElseThrow();
        Destination d = new Destination("fleet-monitor-1", DeliveryOwner.fleet("fleet-1"), "", Destination.State.RUNNING,
                new Destination.Webhook(RECEIVER.uri("/fleet")), List.of(
                        new Attribute(Attribute.Kind.BODY, "team", "night shift"),
                        new Attribute(Attribute.Kind.HEADER, "Authorization", "Bearer fleet-secret"),
                        new Attribute(Attribute.Kind.QUERY, "monitor", "$MonitorID")),
                new DeliveryPolicy(DeliveryPolicy.Retry.BOUNDED, 1, Duration.ofSeconds(30), Duration.ofDays(3), 2,
                        Duration.ofMinutes(1)), Destination.Format.FLEET_EVENTS);
        destinations.put(d);
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<ObjectNode> events = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (String vin : List.of("VR3FLEETVIN000001", "VR3FLEETVIN000002")) {
            // a B2B MonitorEvent as api-b2b-webhook-template-v3.yaml describes it
            ObjectNode event = JSON.createObjectNode();
            event.put("fleetId", "fleet-1");
            event.put("vin", vin);
            event.put("eventDate", at.toString());
            ObjectNode value = event.putArray("values").addObject();
            value.put("data", "vehicle.odometer");
            events.add(event);
            ids.add(outbox.enqueue(new Notification("fleet-monitor-1", "fleet-monitor-1", at,
                    Notification.Kind.MONITOR, event, Map.of("Vin", vin, "MonitorID", "fleet-monitor-1"))));
        }
        // a batch of two: sent when its size is reached, before its window ends
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/fleet").size() == 1);
        HttpReceiver.Received r = RECEIVER.receivedAt("/fleet").get(0);
        assertThat(r.header("Authorization")).isEqualTo("Bearer fleet-secret");
        assertThat(r.query()).isEqualTo("monitor=fleet-monitor-1");
        ObjectNode expected = JSON.createObjectNode();
        expected.put("monitorId", "fleet-monitor-1");
        expected.putArray("attributes").addObject().put("key", "team").put("value", "night shift");
        var list = expected.putArray("events");
        for (int i = 0; i < 2; i++) {
            list.add(events.get(i).deepCopy().put("notificationId", ids.get(i).toString()));
        }
        JsonNode body = JSON.readTree(r.body());
        assertThat(body).isEqualTo(expected);
        ObjectNode published = ((ObjectNode) body).deepCopy();
        published.get("events").forEach(e -> ((ObjectNode) e).remove("notificationId"));
        assertThat(b2bTemplate.validateRequestBody(monitorWebhook, "application/json", published, true)).isEmpty();
    }

    static List<String> ids(HttpReceiver.Received r) {
        List<String> ids = new ArrayList<>();
        JSON.readTree(r.body()).forEach(m -> ids.add(m.path("notificationId").stringValue()));
        return ids;
    }

    @Test
    void pushGoesToEveryDeviceInTheFcmShapeAndUnregisteredDevicesAreHandedBack() {
        RECEIVER.answer = body -> body.contains("\"token\":\"gone-device\"") ? 404 : 200;
        RECEIVER.answerBody = "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}";
        destinations.put(new Destination("cb-push", OWNER, "phone", Destination.State.RUNNING,
                new Destination.Push(List.of("live-device", "gone-device")),
                List.of(new Attribute(Attribute.Kind.BODY, "vin", "$Vin")), DeliveryPolicy.endUser()));
        UUID id = enqueue("cb-push", "m-push", clock.instant(), 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(id).equals("DELIVERED:"));
        List<HttpReceiver.Received> sent = RECEIVER.receivedAt("/fcm/v1/projects/p/messages:send");
        assertThat(sent).hasSize(2);
        for (HttpReceiver.Received r : sent) {
            assertThat(r.header("Authorization")).isEqualTo("Bearer push-credential");
            JsonNode body = JSON.readTree(r.body());
            JsonNode message = body.path("message");
            assertThat(body.propertyNames()).containsExactly("message");
            assertThat(message.path("notification").path("title").stringValue()).isEqualTo("label m-push");
            JsonNode carried = JSON.readTree(new String(Base64.getDecoder().decode(message.path("data")
                    .path("mph_message").stringValue()), StandardCharsets.UTF_8));
            assertValidB2cMessage(carried);
            assertThat(carried.path("notificationId").stringValue()).isEqualTo(id.toString());
        }
        assertThat(sent.stream().map(r -> JSON.readTree(r.body()).path("message").path("token").stringValue()))
                .containsExactly("live-device", "gone-device");
        assertThat(destinations.unregistered).contains(Map.entry("cb-push", List.of("gone-device")));
        RECEIVER.answerBody = "";
        RECEIVER.answer = body -> 200;
    }

    @Test
    void aWebsocketReceiverGetsOneFramePerMessageAndTheEngineReconnects() throws Exception {
        try (WebsocketReceiver ws = new WebsocketReceiver()) {
            destinations.put(new Destination("cb-ws", OWNER, "socket", Destination.State.RUNNING,
                    new Destination.Websocket(ws.uri("/events")), List.of(), DeliveryPolicy.endUser()));
            UUID first = enqueue("cb-ws", "m-ws", clock.instant(), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> ws.frames.size() == 1);
            JsonNode frame = JSON.readTree(ws.frames.get(0));
            assertValidB2cMessage(frame);
            assertThat(frame.path("notificationId").stringValue()).isEqualTo(first.toString());
            UUID second = enqueue("cb-ws", "m-ws", clock.instant(), 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> ws.frames.size() == 2);
            assertThat(ws.connections.get()).as("the connection is kept").isEqualTo(1);
            assertThat(JSON.readTree(ws.frames.get(1)).path("notificationId").stringValue())
                    .isEqualTo(second.toString());
            ws.dropConnections();
            // A frame written just as the receiver went away counts as received (a websocket has no
            // acknowledgement); once the engine sees the connection closed it opens a new one.
            // The receiver closed its sockets before these are enqueued, so a frame carrying one of
            // them can only have come through a new connection. The clock moves past the back-off and
            // the retry interval at each poll.
            List<UUID> later = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                later.add(enqueue("cb-ws", "m-ws", clock.instant(), 3 + later.size()));
                clock.advance(Duration.ofSeconds(11));
                return ws.connections.get() >= 2 && later.stream()
                        .anyMatch(id -> ws.frames.stream().anyMatch(f -> f.contains(id.toString())));
            });
            assertThat(JSON.readTree(ws.frames.get(ws.frames.size() - 1)).isArray()
                    || JSON.readTree(ws.frames.get(ws.frames.size() - 1)).isObject()).isTrue();
        }
    }

    @Test
    void anHttp2ReceiverGetsItsMessagesOverHttp2() throws Exception {
        try (Http2Receiver h2 = new Http2Receiver()) {
            destinations.put(new Destination("cb-h2", OWNER, "h2", Destination.State.RUNNING,
                    new Destination.Webhook(h2.uri("/h2")), List.of(), DeliveryPolicy.endUser()));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                UUID id = enqueue("cb-h2", "m-h2", clock.instant(), i);
                ids.add(id.toString());
                await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(id).equals("DELIVERED:"));
            }
            List<String> got = new ArrayList<>();
            for (Http2Receiver.Received r : h2.received) {
                JsonNode body = JSON.readTree(r.body());
                (body.isArray() ? body : JSON.createArrayNode().add(body)).forEach(m -> {
                    assertValidB2cMessage(m);
                    got.add(m.path("notificationId").stringValue());
                });
            }
            assertThat(got).isEqualTo(ids);
            assertThat(h2.received).extracting(Http2Receiver.Received::protocol).contains("HTTP/2.0");
        }
    }

    @Test
    void anEngineStoppedAndStartedAgainDeliversAsBefore() {
        // What a context paused and resumed does to its lifecycle beans (the test framework pauses
        // the contexts it keeps while another runs).
        DeliveryEngine engine = app.getBean(DeliveryEngine.class);
        engine.stop();
        engine.start();
        webhookTo("cb-restarted", "/restarted", DeliveryPolicy.endUser(), List.of());
        UUID id = enqueue("cb-restarted", "stream-restarted", clock.instant(), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(id).equals("DELIVERED:"));
        assertThat(acknowledgedMessages("/restarted")).extracting(m -> m.path("notificationId").stringValue())
                .containsExactly(id.toString());
    }

    @Test
    void twoEnginesOnOneDatabaseDeliverEachNotificationOnce() throws Exception {
        DeliveryEngine second = new DeliveryEngine(store, List.of(destinations), settings, metrics, scheduler,
                java.util.Optional.of((Clock) clock));
        second.start();
        try {
            webhookTo("cb-two", "/two", DeliveryPolicy.endUser(), List.of());
            Set<UUID> ids = new LinkedHashSet<>();
            transactions.executeWithoutResult(s -> {
                for (int i = 0; i < 400; i++) {
                    ids.add(enqueue("cb-two", "stream-" + (i % 40), clock.instant(), i));
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> outcomeOf(id)
                    .equals("DELIVERED:")));
            List<String> got = acknowledgedMessages("/two").stream().map(m -> m.path("notificationId").stringValue())
                    .toList();
            assertThat(got).hasSize(400).doesNotHaveDuplicates();
            assertThat(new LinkedHashSet<>(got)).isEqualTo(ids.stream().map(UUID::toString)
                    .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        } finally {
            second.stop();
        }
    }

    @Test
    void aStreamLeasedByADeadWorkerIsTakenOverWhenTheLeaseRunsOut() {
        webhookTo("cb-lease", "/lease", DeliveryPolicy.endUser(), List.of());
        UUID id = transactions.execute(s -> {
            UUID written = enqueue("cb-lease", "m-l", clock.instant(), 1);
            jdbc.update("UPDATE delivery_stream SET lease_owner = 'dead-node:1', lease_until = ? "
                    + "WHERE destination_id = 'cb-lease'", OutboxStore.at(clock.instant().plus(Duration.ofMinutes(2))));
            return written;
        });
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> outcomeOf(id).equals("OPEN:"));
        clock.advance(Duration.ofMinutes(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(id).equals("DELIVERED:"));
        assertThat(acknowledgedMessages("/lease")).hasSize(1);
    }

    @Test
    void theOwningAppReadsItsCallbacksDeliveryLogAndNoOtherAppCan() {
        App app = apps.ensureRegistered(new AppRegistration("Deliveries", "Reads its delivery log", "Odomo tests",
                "dev@example.com", 1000L, "deliveries", Scopes.DATA, List.of(Enrollment.REDIRECT), "unlimited"),
                "deliveries-client", "deliveries-secret");
        Account user = accounts.create(Brand.PEUGEOT, "deliveries." + System.nanoTime() + "@example.com",
                "deliveries-password", "Del", "Ivery");
        String token = Enrollment.enroll(port, app.clientId(), "deliveries-secret", Brand.PEUGEOT.realm(),
                user.email(), "deliveries-password", List.copyOf(Scopes.DATA), false).accessToken();
        DeliveryOwner owner = DeliveryOwner.endUserApp(user.id(), app.clientId());
        RECEIVER.answer = body -> body.contains("cb-log") && body.contains("\"literalValue\":\"0\"") ? 500 : 200;
        destinations.put(new Destination("cb-log", owner, "log", Destination.State.RUNNING,
                new Destination.Webhook(RECEIVER.uri("/log?secret=x")), List.of(), DeliveryPolicy.endUser()));
        destinations.put(new Destination("cb-other", OWNER, "other", Destination.State.RUNNING,
                new Destination.Webhook(RECEIVER.uri("/other")), List.of(), DeliveryPolicy.endUser()));
        UUID first = enqueue("cb-log", "m-log", clock.instant(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVER.receivedAt("/log").size() == 1);
        RECEIVER.answer = body -> 200;
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomeOf(first).equals("DELIVERED:"));

        Map<String, String> headers = Map.of("Authorization", "Bearer " + token, "x-introspect-realm",
                Brand.PEUGEOT.realm());
        HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4/user/callbacks/cb-log/x-odomo-deliveries"
                + "?client_id=" + app.clientId() + "&pageSize=1", headers);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/hal+json");
        JsonNode page = JSON.readTree(r.body());
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("totalPage").asInt()).isEqualTo(2);
        assertThat(page.path("currentPage").asInt()).isEqualTo(1);
        assertThat(page.path("_links").path("next").path("href").stringValue()).contains("pageToken=");
        JsonNode newest = page.path("_embedded").path("deliveries").get(0);
        assertThat(newest.path("received").asBoolean()).isTrue();
        assertThat(newest.path("statusCode").asInt()).isEqualTo(200);
        assertThat(newest.path("channel").stringValue()).isEqualTo("webhook");
        assertThat(newest.path("target").stringValue()).isEqualTo(RECEIVER.uri("/log").toString());
        assertThat(newest.path("batchSize").asInt()).isEqualTo(1);
        assertThat(newest.path("notificationIds").get(0).stringValue()).isEqualTo(first.toString());
        String next = page.path("_links").path("next").path("href").stringValue();
        JsonNode older = JSON.readTree(new WebSession(port).get(next.substring(next.indexOf("/connectedcar")), headers)
                .body()).path("_embedded").path("deliveries").get(0);
        assertThat(older.path("received").asBoolean()).isFalse();
        assertThat(older.path("statusCode").asInt()).isEqualTo(500);
        assertThat(older.path("error").stringValue()).isEqualTo("receiver answered 500");

        HttpResponse<String> notMine = new WebSession(port).get(
                "/connectedcar/v4/user/callbacks/cb-other/x-odomo-deliveries?client_id=" + app.clientId(), headers);
        assertThat(notMine.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(notMine.body()).path("code").asInt()).isEqualTo(40400);
        HttpResponse<String> noToken = new WebSession(port).get(
                "/connectedcar/v4/user/callbacks/cb-log/x-odomo-deliveries?client_id=" + app.clientId());
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> badSize = new WebSession(port).get(
                "/connectedcar/v4/user/callbacks/cb-log/x-odomo-deliveries?client_id=" + app.clientId()
                        + "&pageSize=0", headers);
        assertThat(badSize.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badSize.body()).path("code").asInt()).isEqualTo(40001);
    }
}
