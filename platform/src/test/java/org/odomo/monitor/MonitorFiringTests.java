package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.events.SecondNode;
import org.odomo.events.VehicleEventLog;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.EventConsumers;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;

import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Monitors firing end to end: vehicle messages through the in-process ingestion, the event log's
 * monitor consumer, the delivery engine, a local webhook receiver. Bodies are validated against the
 * published webhook template and compared whole; expected behaviour is REFERENCE.md section 10 (an
 * edge, then a reminder every {@code refreshEvent} seconds while it holds). Time windows and
 * reminders without new data are driven by calling the tick job with chosen times; the scheduled
 * tick is pushed out of the way (an hour).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.monitors.tick-interval=1h"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorFiringTests {

    static final String SECRET = "firing-secret";
    static final String PASSWORD = "firing-password";
    static final String BASE = "/connectedcar/v4";
    /** A 1 km circle around a point in Paris; 0.05 degrees of longitude east is about 3.7 km away. */
    static final double HOME_LON = 2.35;
    static final double HOME_LAT = 48.85;
    static final double AWAY_LON = 2.40;

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleEventLog events;
    @Autowired
    MonitorEngine engine;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationContext context;

    final OpenApiSpec template = new OpenApiSpec("api-b2c-webhook-template.yaml", "");
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();
    final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));

    record Received(String path, String query, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    App app;
    Account user;
    String token;

    @BeforeAll
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                // A stream that is behind gets arrays of messages: each counts.
                for (JsonNode message : body.isArray() ? body : List.of(body)) {
                    received.add(new Received(exchange.getRequestURI().getPath(),
                            exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), message));
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        app = apps.ensureRegistered(new AppRegistration("Monitor firing", "Watches cars", "Odomo tests",
                "dev@example.com", 1000L, "monitor-firing", Scopes.ALL, List.of(Enrollment.REDIRECT), "unlimited"),
                "monitor-firing-client", SECRET);
        user = accounts.create(Brand.PEUGEOT, "firing." + System.nanoTime() + "@example.com", PASSWORD, "Fay", "Test");
        token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(), PASSWORD,
                List.copyOf(Scopes.DATA), false).accessToken();
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    // ---- helpers

    RegisteredVehicle car(PrivacyMode mode) {
        return vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", user.id(), mode,
                Set.of(ConnectedService.PARTNER)));
    }

    JsonNode call(String method, String path, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE + path
                + (path.contains("?") ? "&" : "?") + "client_id=" + app.clientId())).header("x-introspect-realm", Brand.PEUGEOT.realm())
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(expected);
            return r.body().isEmpty() ? null : json.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A webhook callback to the local receiver, at its own path. */
    String callback(String path) {
        String body = "{\"label\": \"hook\", \"type\": [\"Monitor\"], \"callback\": {\"webhook\": {\"name\": \"hook\","
                + " \"target\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + path + "\"}}}";
        return call("POST", "/user/callbacks", body, 200).path("callbackId").stringValue();
    }

    record Watch(RegisteredVehicle car, String callbackId, String monitorId, String path) {
        String vin() {
            return car.vehicle().vin();
        }
    }

    Watch monitor(RegisteredVehicle car, String path, String definition) {
        String callbackId = callback(path);
        String monitorId = call("POST", "/user/vehicles/" + car.vehicle().apiId() + "/callbacks/" + callbackId
                + "/monitors", definition, 202).path("monitorId").stringValue();
        return new Watch(car, callbackId, monitorId, path);
    }

    static String leavesHome(Integer refreshEvent, String extensions) {
        return "{\"label\": \"Leaves home\","
                + (refreshEvent == null ? "" : " \"subscribeParam\": {\"refreshEvent\": " + refreshEvent + ","
                        + " \"callbackAttributes\": {\"webhook\": [{\"type\": \"Query\", \"key\": \"monitor\","
                        + " \"value\": \"$MonitorID\"}]}},")
                + " \"attributes\": [{\"type\": \"Body\", \"key\": \"vin\", \"value\": \"$Vin\"},"
                + " {\"type\": \"Header\", \"key\": \"X-Label\", \"value\": \"$MonitorLabel\"}],"
                + (extensions == null ? "" : " \"extendedEventParam\": " + extensions + ",")
                + " \"triggerParam\": {\"triggers\": [{\"name\": \"home\", \"zone\": {\"transition\": \"Out\","
                + " \"place\": {\"radius\": 1, \"center\": {\"longitude\": " + HOME_LON + ", \"latitude\": " + HOME_LAT
                + "}}}}], \"boolExp\": \"home\"}}";
    }

    /** Sends a position sample and waits until every consumer (the monitors') has handled it. */
    void at(Watch w, String messageId, Instant when, double lon) {
        at(w.car(), messageId, when, lon);
    }

    void at(RegisteredVehicle car, String messageId, Instant when, double lon) {
        send(car, messageId, when, lon, 60);
    }

    void send(RegisteredVehicle car, String messageId, Instant when, double lon, double level) {
        ObjectNode m = TestVehicles.telemetry(car.vehicle().vin(), car.credential(), messageId, when, lon, HOME_LAT,
                level, 1000);
        assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
    }

    /** Notifications the monitor raised (committed with the consumer's cursor). */
    int raised(Watch w) {
        return jdbc.sql("SELECT COUNT(*) FROM delivery_notification WHERE stream_key = ?").param(w.monitorId())
                .query(Integer.class).single();
    }

    List<Received> receivedBy(Watch w, int count) {
        await("receiver got " + count + " at " + w.path()).atMost(Duration.ofSeconds(30))
                .until(() -> received.stream().filter(r -> r.path().equals(w.path())).count() >= count);
        List<Received> got = received.stream().filter(r -> r.path().equals(w.path())).toList();
        assertThat(got).hasSize(count);
        return got;
    }

    /** The published Message, with the documented notificationId extension removed once checked. */
    ObjectNode published(Received r) {
        ObjectNode body = ((ObjectNode) r.body()).deepCopy();
        assertThat(body.path("notificationId").isString()).isTrue();
        body.remove("notificationId");
        OpenApiSpec.Operation post = template.match("POST", "/messages/webhook").orElseThrow();
        assertThat(template.validateRequest(post, body, false)).as(body.toString()).isEmpty();
        // The template leaves each extension's data a free-form object ("refer to the API Spec"):
        // strictly validated is everything else; the tests compare the extensions with the API's answers.
        ObjectNode withoutExtensions = body.deepCopy();
        ((ObjectNode) withoutExtensions.path("monitorEvent")).remove("extensions");
        assertThat(template.validateRequest(post, withoutExtensions, true)).as(body.toString()).isEmpty();
        return body;
    }

    ObjectNode expected(Watch w, Instant date, boolean refresh) {
        ObjectNode m = json.createObjectNode();
        m.put("callbackId", w.callbackId());
        m.putArray("attributes").addObject().put("key", "vin").put("value", w.vin());
        m.put("type", "Monitor");
        m.put("date", date.toString());
        ObjectNode event = m.putObject("monitorEvent");
        event.put("monitorId", w.monitorId());
        event.putArray("values");
        event.put("refresh", refresh);
        return m;
    }

    // ---- the tests

    @Test
    void aZoneOutFiresOnceWhenTheCarLeavesThenAReminderEveryRefreshEventWhileOutside() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/zone", leavesHome(60, null));
        at(w, "z1", t0, HOME_LON);
        at(w, "z2", t0.plusSeconds(30), HOME_LON);
        assertThat(raised(w)).isZero();
        at(w, "z3", t0.plusSeconds(60), AWAY_LON);
        Received first = receivedBy(w, 1).get(0);
        assertThat(published(first)).isEqualTo(expected(w, t0.plusSeconds(60), false));
        assertThat(first.header("X-Label")).isEqualTo("Leaves home");
        assertThat(first.query()).isEqualTo("monitor=" + w.monitorId());

        // Still outside, before refreshEvent has passed: nothing more.
        at(w, "z4", t0.plusSeconds(90), AWAY_LON);
        assertThat(raised(w)).isEqualTo(1);
        // No new data; the tick finds the reminder due 60 s after the edge.
        engine.tick(t0.plusSeconds(100));
        assertThat(raised(w)).isEqualTo(1);
        engine.tick(t0.plusSeconds(121));
        Received reminder = receivedBy(w, 2).get(1);
        assertThat(published(reminder)).isEqualTo(expected(w, t0.plusSeconds(121), true));

        // Back home, and out again: a new edge.
        at(w, "z5", t0.plusSeconds(150), HOME_LON);
        at(w, "z6", t0.plusSeconds(160), AWAY_LON);
        assertThat(published(receivedBy(w, 3).get(2))).isEqualTo(expected(w, t0.plusSeconds(160), false));

        // The consumer handles every vehicle's events again from further back (a replay after a
        // crash, or a restart from an older cursor): nothing fires twice.
        jdbc.sql("UPDATE event_cursor SET pos = CASE WHEN pos > 200 THEN pos - 200 ELSE 0 END WHERE consumer = ?")
                .param(engine.name()).update();
        EventConsumers.awaitCaughtUp(events);
        assertThat(raised(w)).isEqualTo(3);
    }

    @Test
    void aLateSampleNeverFires() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/late", leavesHome(null, null));
        at(w, "l1", t0.plusSeconds(100), HOME_LON);
        // Measured before what is known: outside then, but it says nothing about the car now.
        at(w, "l0", t0.plusSeconds(50), AWAY_LON);
        assertThat(raised(w)).isZero();
        at(w, "l2", t0.plusSeconds(200), AWAY_LON);
        assertThat(published(receivedBy(w, 1).get(0))).isEqualTo(expected(w, t0.plusSeconds(200), false));
    }

    @Test
    void aPausedMonitorDoesNotFireAndFiresAgainOnceResumed() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/paused", leavesHome(null, null));
        String path = "/user/vehicles/" + w.car().vehicle().apiId() + "/callbacks/" + w.callbackId() + "/monitors/"
                + w.monitorId() + "/status";
        at(w, "p1", t0, HOME_LON);
        call("PUT", path, "{\"status\": \"Paused\"}", 202);
        at(w, "p2", t0.plusSeconds(60), AWAY_LON);
        engine.tick(t0.plusSeconds(600));
        assertThat(raised(w)).isZero();
        call("PUT", path, "{\"status\": \"Running\"}", 202);
        at(w, "p3", t0.plusSeconds(700), HOME_LON);
        at(w, "p4", t0.plusSeconds(760), AWAY_LON);
        assertThat(published(receivedBy(w, 1).get(0))).isEqualTo(expected(w, t0.plusSeconds(760), false));
    }

    @Test
    void aTimeWindowOpeningFiresFromTheTickWithoutNewData() {
        // A daily window opening five minutes after the car's last message, in New York's local time.
        ZoneId newYork = ZoneId.of("America/New_York");
        LocalTime opens = t0.plusSeconds(300).atZone(newYork).toLocalTime();
        String definition = "{\"label\": \"Evening\", \"attributes\": [{\"type\": \"Body\", \"key\": \"vin\","
                + " \"value\": \"$Vin\"}], \"triggerParam\": {\"triggers\": [{\"name\": \"evening\", \"time\":"
                + " {\"timeZone\": \"America/New_York\", \"times\": [{\"recurrence\": \"Daily\", \"start\": \"PT"
                + opens.getHour() + "H" + opens.getMinute() + "M\", \"duration\": \"PT1H\"}]}}], \"boolExp\":"
                + " \"evening\"}}";
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/time", definition);
        at(w, "t1", t0, HOME_LON);
        engine.tick(t0.plusSeconds(299));
        assertThat(raised(w)).isZero();
        engine.tick(t0.plusSeconds(301));
        assertThat(published(receivedBy(w, 1).get(0))).isEqualTo(expected(w, t0.plusSeconds(301), false));
        // Still within the window: no reminder was asked for, so nothing more, by tick or by data.
        engine.tick(t0.plusSeconds(900));
        at(w, "t2", t0.plusSeconds(1000), AWAY_LON);
        assertThat(raised(w)).isEqualTo(1);
        // The window closes an hour after it opened: the tick ends the edge, so the next opening fires again.
        engine.tick(t0.plusSeconds(300 + 3600 + 1));
        assertThat(jdbc.sql("SELECT satisfied FROM b2c_monitor_edge WHERE monitor_id = ?").param(w.monitorId())
                .query(Boolean.class).single()).isFalse();
        assertThat(raised(w)).isEqualTo(1);
    }

    @Test
    void twoNodesRaiseOneNotificationPerEdge(@Autowired EvaluationStore store, @Autowired NotificationOutbox outbox,
            @Autowired MonitorExtensions extensions, @Autowired org.odomo.trip.TripQueries trips, @Autowired MonitorProperties settings, @Autowired PlatformTransactionManager transactions,
            @Autowired DataSource dataSource, @Autowired TaskScheduler scheduler) throws Exception {
        MonitorEngine otherNodesEngine = new MonitorEngine(store, outbox, extensions, trips, settings, transactions, dataSource, scheduler,
                new SimpleMeterRegistry(), Optional.empty(), context.getBean(FleetMonitors.class),
                context.getBean(FleetMonitorStore.class), context.getBeanProvider(org.odomo.fleet.StolenStates.class),
                vehicles, context.getBean(org.odomo.fleet.FleetDirectory.class));
        try (AutoCloseable otherNode = SecondNode.dispatcher(context, List.of(otherNodesEngine))) {
            List<Watch> watches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                watches.add(monitor(car(PrivacyMode.DATA_AND_LOCATION), "/nodes" + i, leavesHome(null, null)));
            }
            List<java.util.concurrent.CompletableFuture<IngestOutcome>> sent = new ArrayList<>();
            for (int step = 0; step < 10; step++) {
                for (Watch w : watches) {
                    ObjectNode m = TestVehicles.telemetry(w.vin(), w.car().credential(), "n" + step,
                            t0.plusSeconds(30L * step), step % 2 == 0 ? HOME_LON : AWAY_LON, HOME_LAT, 60, 1000);
                    sent.add(gateway.submit(TestVehicles.bytes(m)));
                }
            }
            sent.forEach(f -> assertThat(f.join()).isEqualTo(IngestOutcome.STORED));
            EventConsumers.awaitCaughtUp(events);
            for (Watch w : watches) {
                assertThat(raised(w)).as(w.vin()).isEqualTo(5);
                List<String> dates = receivedBy(w, 5).stream().map(r -> r.body().path("date").stringValue()).toList();
                assertThat(dates).containsExactly(t0.plusSeconds(30).toString(), t0.plusSeconds(90).toString(),
                        t0.plusSeconds(150).toString(), t0.plusSeconds(210).toString(),
                        t0.plusSeconds(270).toString());
            }
        }
    }

    @Test
    void extendedEventParamCarriesWhatTheApiWouldShowTheAppAndNoPositionOfACarInPrivacyModeData() {
        String definition = "{\"label\": \"Low\", \"extendedEventParam\": [\"vehicle.position\","
                + " \"vehicle.maintenance\"], \"triggerParam\": {\"triggers\": [{\"name\": \"low\", \"data\":"
                + " {\"data\": \"vehicle.energy.electric.level\", \"op\": \"lowerThan\", \"value\": [\"50\"]}}],"
                + " \"boolExp\": \"low\"}}";
        Watch open = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/extended-open", definition);
        Watch hidden = monitor(car(PrivacyMode.DATA), "/extended-hidden", definition);
        for (Watch w : List.of(open, hidden)) {
            send(w.car(), "e1", t0, HOME_LON, 60);
            send(w.car(), "e2", t0.plusSeconds(60), HOME_LON, 40);
        }
        String vehicles = "/user/vehicles/";
        for (Watch w : List.of(open, hidden)) {
            ObjectNode body = published(receivedBy(w, 1).get(0));
            JsonNode event = body.path("monitorEvent");
            assertThat(event.path("values")).hasSize(1);
            assertThat(event.at("/values/0/data").stringValue()).isEqualTo("vehicle.energy.electric.level");
            assertThat(new java.math.BigDecimal(event.at("/values/0/value/body/literalValue").stringValue()))
                    .isEqualByComparingTo("40");
            // Each extension is what the API answers this app for the vehicle (without links).
            ObjectNode maintenance = (ObjectNode) call("GET", vehicles + w.car().vehicle().apiId() + "/maintenance",
                    null, 200);
            maintenance.remove("_links");
            ObjectNode expected = json.createObjectNode();
            if (w == open) {
                JsonNode position = call("GET", vehicles + w.car().vehicle().apiId() + "/lastPosition", null, 200);
                expected.put("type", "vehicle.position").putArray("body").addObject().set("position", position);
            } else {
                call("GET", vehicles + w.car().vehicle().apiId() + "/lastPosition", null, 404);
            }
            ObjectNode m = json.createObjectNode();
            m.put("type", "vehicle.maintenance").putArray("body").addObject().set("maintenance", maintenance);
            List<JsonNode> extensions = new ArrayList<>();
            if (w == open) {
                extensions.add(expected);
            }
            extensions.add(m);
            assertThat(event.path("extensions")).as(w.path()).containsExactlyElementsOf(extensions);
        }
    }

    @Test
    void aStoredDefinitionThatNoLongerReadsIsSkippedWithoutHoldingUpTheVehiclesOtherMonitors() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/beside-unreadable", leavesHome(null, null));
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        jdbc.sql("""
                INSERT INTO b2c_monitor (id, account_id, client_id, vehicle_id, vin, callback_id, definition, status,
                    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'Running', ?, ?)""")
                .params(java.util.UUID.randomUUID().toString(), user.id(), app.clientId(), w.car().vehicle().apiId(),
                        w.vin(), w.callbackId(), "{\"label\": \"from an older release\"}", now, now)
                .update();
        at(w, "u1", t0, HOME_LON);
        at(w, "u2", t0.plusSeconds(60), AWAY_LON);
        assertThat(published(receivedBy(w, 1).get(0))).isEqualTo(expected(w, t0.plusSeconds(60), false));
    }

    /** A sample with a speed; {@code ignition} non-null makes it an ignition event. */
    void drive(RegisteredVehicle car, String messageId, Instant when, String ignition, double speed) {
        ObjectNode m = TestVehicles.envelope(car.vehicle().vin(), car.credential(), messageId, when,
                ignition == null ? org.odomo.protocol.MessageType.TELEMETRY : org.odomo.protocol.MessageType.EVENT);
        if (ignition != null) {
            m.putObject("event").put("name", "ignition");
        }
        ObjectNode data = m.putObject("data");
        if (ignition != null) {
            data.putObject("ignition").put("type", ignition);
        }
        data.putObject("position").putArray("coordinates").add(HOME_LON + speed / 10_000).add(HOME_LAT).add(35.0);
        data.putObject("kinetic").put("speed", speed).put("moving", speed > 0);
        assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
    }

    @Test
    void extendedEventParamCarriesTheTripTheEventBelongsToAndTheActiveAlerts() {
        String definition = "{\"label\": \"Fast\", \"extendedEventParam\": [\"vehicle.trip\", \"vehicle.alerts\"],"
                + " \"triggerParam\": {\"triggers\": [{\"name\": \"fast\", \"data\": {\"data\":"
                + " \"vehicle.kinetic.speed\", \"op\": \"greaterThan\", \"value\": [\"100\"]}}], \"boolExp\":"
                + " \"fast\"}}";
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/trip", definition);
        drive(w.car(), "d0", t0, "Start", 0);
        drive(w.car(), "d1", t0.plusSeconds(30), null, 50);
        ObjectNode alert = TestVehicles.envelope(w.vin(), w.car().credential(), "a1", t0.plusSeconds(40),
                org.odomo.protocol.MessageType.EVENT);
        alert.putObject("event").put("name", "alertRaised").putObject("alert").put("type", "RiskOfIce")
                .put("severity", "Warning");
        assertThat(gateway.submit(TestVehicles.bytes(alert)).join()).isEqualTo(IngestOutcome.STORED);
        drive(w.car(), "d2", t0.plusSeconds(60), null, 120);
        JsonNode event = published(receivedBy(w, 1).get(0)).path("monitorEvent");

        // What the API shows this app, without the links (they point into a request's API).
        String vehicle = "/user/vehicles/" + w.car().vehicle().apiId();
        JsonNode trips = call("GET", vehicle + "/trips", null, 200);
        assertThat(trips.at("/_embedded/trips")).hasSize(1);
        ObjectNode trip = (ObjectNode) call("GET", vehicle + "/trips/" + trips.at("/_embedded/trips/0/id")
                .stringValue(), null, 200);
        trip.remove("_links");
        JsonNode alerts = call("GET", vehicle + "/alerts", null, 200);
        assertThat(alerts.at("/_embedded/alerts")).hasSize(1);
        ObjectNode active = (ObjectNode) alerts.at("/_embedded/alerts/0").deepCopy();
        assertThat(active.path("active").booleanValue()).isTrue();
        active.remove("_links");
        ObjectNode alertsExtension = json.createObjectNode();
        alertsExtension.put("type", "vehicle.alerts").putArray("body").addObject().putArray("alerts").add(active);
        assertThat(event.path("extensions")).hasSize(2);
        assertThat(event.at("/extensions/1")).isEqualTo(alertsExtension);
        // The trip consumer and the monitors' are independent readers of the log: the trip is the
        // one the event belongs to, as far as trips had taken in the messages (the firing one's
        // distance and duration may follow). What identifies it is the API's.
        assertThat(event.at("/extensions/0/type").stringValue()).isEqualTo("vehicle.trip");
        assertThat(event.at("/extensions/0/body")).hasSize(1);
        JsonNode attached = event.at("/extensions/0/body/0/trip");
        for (String member : List.of("id", "createdAt", "startedAt", "startPosition", "done")) {
            assertThat(attached.get(member)).as(member).isEqualTo(trip.get(member));
        }
        assertThat(attached.propertyNames()).isSubsetOf(trip.propertyNames());
    }

    ObjectNode tripEvent(Watch w, Instant date, String data, String value) {
        ObjectNode m = expected(w, date, false);
        ObjectNode item = ((tools.jackson.databind.node.ArrayNode) m.path("monitorEvent").path("values")).addObject();
        item.put("data", data);
        item.putObject("value").put("type", "string").putObject("body").put("literalValue", value);
        return m;
    }

    static String tripMonitor(String label, String triggers, String boolExp) {
        return "{\"label\": \"" + label + "\", \"attributes\": [{\"type\": \"Body\", \"key\": \"vin\","
                + " \"value\": \"$Vin\"}], \"triggerParam\": {\"triggers\": [" + triggers + "], \"boolExp\": \""
                + boolExp + "\"}}";
    }

    static String dataTrigger(String name, String data, String op, String... values) {
        return "{\"name\": \"" + name + "\", \"data\": {\"data\": \"" + data + "\", \"op\": \"" + op + "\""
                + (values.length == 0 ? "" : ", \"value\": [\"" + String.join("\", \"", values) + "\"]") + "}}";
    }

    /** The vehicle's trips as the API lists them, oldest first. */
    List<JsonNode> tripsOf(Watch w) {
        JsonNode page = call("GET", "/user/vehicles/" + w.car().vehicle().apiId() + "/trips", null, 200);
        List<JsonNode> list = new ArrayList<>();
        page.at("/_embedded/trips").forEach(list::add);
        java.util.Collections.reverse(list);
        return list;
    }

    @Test
    void aTripStartingAndStoppingFiresWithTheTripsIdentifierOncePerTrip() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/trip-start-stop", tripMonitor("Trips",
                dataTrigger("start", "vehicle.trip.start", "onChange") + ", "
                        + dataTrigger("stop", "vehicle.trip.stop", "onChange"), "start | stop"));
        drive(w.car(), "s0", t0, "Start", 0);
        drive(w.car(), "s1", t0.plusSeconds(30), null, 50);
        drive(w.car(), "s2", t0.plusSeconds(60), null, 40);
        drive(w.car(), "s3", t0.plusSeconds(120), "Stop", 0);
        drive(w.car(), "s4", t0.plusSeconds(600), "Start", 0);
        drive(w.car(), "s5", t0.plusSeconds(660), "Stop", 0);
        List<JsonNode> trips = tripsOf(w);
        assertThat(trips).hasSize(2);
        String first = trips.get(0).path("id").stringValue();
        String second = trips.get(1).path("id").stringValue();
        // Each trip's start and stop, dated by the trip's first and last messages.
        List<Received> got = receivedBy(w, 4);
        assertThat(got.stream().map(this::published).toList()).containsExactly(
                tripEvent(w, t0, "vehicle.trip.start", first),
                tripEvent(w, t0.plusSeconds(120), "vehicle.trip.stop", first),
                tripEvent(w, t0.plusSeconds(600), "vehicle.trip.start", second),
                tripEvent(w, t0.plusSeconds(660), "vehicle.trip.stop", second));

        // Handed again from further back, the trip events are no news: nothing fires twice.
        jdbc.sql("UPDATE event_cursor SET pos = CASE WHEN pos > 200 THEN pos - 200 ELSE 0 END WHERE consumer = ?")
                .param(engine.name()).update();
        EventConsumers.awaitCaughtUp(events);
        assertThat(raised(w)).isEqualTo(4);
    }

    @Test
    void anEndedTripsDurationDistanceAndStateAreThoseTheTripsApiShows() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/trip-figures", tripMonitor("Long trips",
                dataTrigger("long", "vehicle.trip.duration", "greaterThan", "100") + ", "
                        + dataTrigger("far", "vehicle.trip.distance", "greaterThan", "0") + ", "
                        + dataTrigger("ok", "vehicle.trip.state", "includedIn", "Nominal"), "long & far & ok"));
        // A short trip: 60 s.
        drive(w.car(), "f0", t0, "Start", 0);
        drive(w.car(), "f1", t0.plusSeconds(30), null, 50);
        drive(w.car(), "f2", t0.plusSeconds(60), "Stop", 0);
        assertThat(raised(w)).isZero();
        // A longer one: 300 s, and some way away.
        drive(w.car(), "f3", t0.plusSeconds(600), "Start", 0);
        drive(w.car(), "f4", t0.plusSeconds(700), null, 90);
        drive(w.car(), "f5", t0.plusSeconds(800), null, 120);
        drive(w.car(), "f6", t0.plusSeconds(900), "Stop", 0);
        JsonNode trip = tripsOf(w).get(1);
        assertThat(trip.path("duration").asLong()).isEqualTo(300);
        ObjectNode expected = expected(w, t0.plusSeconds(900), false);
        tools.jackson.databind.node.ArrayNode values = (tools.jackson.databind.node.ArrayNode) expected
                .path("monitorEvent").path("values");
        for (String[] v : List.of(new String[] {"vehicle.trip.duration", "300"},
                new String[] {"vehicle.trip.distance", null}, new String[] {"vehicle.trip.state", "Nominal"})) {
            ObjectNode item = values.addObject();
            item.put("data", v[0]);
            item.putObject("value").put("type", "string").putObject("body").put("literalValue", v[1]);
        }
        ObjectNode got = published(receivedBy(w, 1).get(0));
        // The distance as a number: the API's is a float, the notification's a literal.
        JsonNode distance = got.at("/monitorEvent/values/1/value/body/literalValue");
        assertThat(new java.math.BigDecimal(distance.stringValue()).doubleValue())
                .isCloseTo(trip.path("distance").doubleValue(), org.assertj.core.data.Offset.offset(1e-6));
        ((ObjectNode) expected.at("/monitorEvent/values/1/value/body")).put("literalValue", distance.stringValue());
        assertThat(got).isEqualTo(expected);
        // Parked after the trip: the figures stay those of that trip, no new edge.
        drive(w.car(), "f7", t0.plusSeconds(1000), null, 0);
        assertThat(raised(w)).isEqualTo(1);
    }

    /** A telemetry message with door state, alarm, privacy and speed. */
    void sendDoorsAndAlarm(RegisteredVehicle car, String messageId, Instant when, double speed) {
        ObjectNode m = TestVehicles.envelope(car.vehicle().vin(), car.credential(), messageId, when,
                org.odomo.protocol.MessageType.TELEMETRY);
        ObjectNode data = m.putObject("data");
        data.putObject("position").putArray("coordinates").add(HOME_LON).add(HOME_LAT).add(35.0);
        data.putObject("kinetic").put("speed", speed).put("moving", speed > 0);
        ObjectNode doors = data.putObject("doorsState");
        doors.putArray("lockedStates").add("Unlocked");
        doors.putArray("opening").addObject().put("identifier", "Driver").put("state", "Open");
        data.putObject("alarm").putObject("status").put("activation", "Active");
        data.putObject("privacy").put("state", "None");
        assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
    }

    /** Speeding, with the door state, the alarm and two telemetry types attached. */
    static final String SPEEDING_WITH_DOORS = "{\"label\": \"Fast\", \"extendedEventParam\": [\"vehicle.doorsState\","
            + " \"vehicle.alarm\", \"vehicle.telemetry.vehicle.doorsState\", \"vehicle.telemetry.privacy\"],"
            + " \"triggerParam\": {\"triggers\": [{\"name\": \"fast\", \"data\": {\"data\": \"vehicle.kinetic.speed\","
            + " \"op\": \"greaterThan\", \"value\": [\"100\"]}}], \"boolExp\": \"fast\"}}";

    @Test
    void extendedEventParamCarriesTheDoorStateTheAlarmAndTheNewestTelemetryOfTheTypesAskedForAsTheApiShowsThem() {
        Watch w = monitor(car(PrivacyMode.DATA_AND_LOCATION), "/doors", SPEEDING_WITH_DOORS);
        sendDoorsAndAlarm(w.car(), "k1", t0, 50);
        // Newer, but with none of the telemetry types asked for: the telemetry attached is k1's.
        ObjectNode fast = TestVehicles.envelope(w.vin(), w.car().credential(), "k2", t0.plusSeconds(60),
                org.odomo.protocol.MessageType.TELEMETRY);
        fast.putObject("data").putObject("kinetic").put("speed", 130).put("moving", true);
        assertThat(gateway.submit(TestVehicles.bytes(fast)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
        JsonNode event = published(receivedBy(w, 1).get(0)).path("monitorEvent");

        String vehicle = "/user/vehicles/" + w.car().vehicle().apiId();
        JsonNode status = call("GET", vehicle + "/status", null, 200);
        JsonNode telemetry = call("GET", vehicle + "/telemetry?type=vehicle.doorsState,privacy", null, 200);
        ObjectNode newest = (ObjectNode) telemetry.at("/_embedded/telemetries/0").deepCopy();
        assertThat(newest.path("createdAt").stringValue()).isEqualTo(t0.toString());
        newest.remove("_links");
        ObjectNode doors = json.createObjectNode();
        doors.put("type", "vehicle.doorsState").putArray("body").addObject().set("doorState", status.get("doorsState"));
        ObjectNode alarm = json.createObjectNode();
        alarm.put("type", "vehicle.alarm").putArray("body").addObject().set("alarm", status.get("alarm"));
        ObjectNode items = json.createObjectNode();
        items.put("type", "vehicle.telemetry").putArray("body").addObject().set("telemetry", newest);
        assertThat(status.get("doorsState")).isNotNull();
        assertThat(status.get("alarm")).isNotNull();
        assertThat(event.path("extensions")).containsExactly(doors, alarm, items);
    }

    @Test
    void aCarWhoseServicesDoNotCoverTelemetryGetsNoDoorStateAlarmNorTelemetryAttachedAsTheApiShowsNone() {
        RegisteredVehicle car = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208",
                user.id(), PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.ASSISTANCE)));
        String definition = SPEEDING_WITH_DOORS.replace("\"triggerParam\": {\"triggers\": [{\"name\": \"fast\","
                + " \"data\": {\"data\": \"vehicle.kinetic.speed\", \"op\": \"greaterThan\", \"value\": [\"100\"]}}],"
                + " \"boolExp\": \"fast\"}}", leavesHome(null, null).substring(leavesHome(null, null)
                        .indexOf("\"triggerParam\"")));
        Watch w = monitor(car, "/doors-hidden", definition);
        sendDoorsAndAlarm(car, "h1", t0, 0);
        at(w, "h2", t0.plusSeconds(60), AWAY_LON);
        ObjectNode body = published(receivedBy(w, 1).get(0));
        String vehicle = "/user/vehicles/" + car.vehicle().apiId();
        JsonNode status = call("GET", vehicle + "/status", null, 200);
        assertThat(status.has("doorsState")).isFalse();
        assertThat(status.has("alarm")).isFalse();
        ObjectNode expected = expected(w, t0.plusSeconds(60), false);
        ((ObjectNode) expected).remove("attributes");
        assertThat(body.path("monitorEvent")).isEqualTo(expected.path("monitorEvent"));
    }
}
