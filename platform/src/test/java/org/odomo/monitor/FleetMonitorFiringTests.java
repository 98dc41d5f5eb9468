package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.odomo.monitor.FleetMonitorCalls.JSON;
import static org.odomo.monitor.FleetMonitorCalls.call;
import static org.odomo.monitor.FleetMonitorCalls.leavesZone;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.StolenStates;
import org.odomo.protocol.MessageType;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
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
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fleet monitors firing end to end: vehicles of a fleet send messages through the in-process
 * ingestion, the monitors consumer of the event log evaluates the fleet's monitors, the delivery
 * engine posts to a local receiver. Every body is held against the published B2B webhook template
 * ({@code MonitorEvents}) and compared whole. Expected behaviour: api-b2b.yaml (CallbackSubscribe:
 * retryPolicy, batchNotify), the webhook template, REFERENCE.md (B2B retry policy: None one attempt,
 * Bounded retryNumber retries every retryDelay, Always every retryDelay; batches sent when size
 * messages are ready or timeWindow seconds after the first).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.monitors.tick-interval=1h"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Import(FleetMonitorFiringTests.Declarations.class)
class FleetMonitorFiringTests {

    /** The VINs declared stolen now, as the stolen-vehicle declarations would answer. */
    static final Set<String> STOLEN = ConcurrentHashMap.newKeySet();

    @TestConfiguration
    static class Declarations {
        @Bean
        @Primary
        StolenStates stolenStates() {
            return new StolenStates() {
                @Override
                public boolean stolen(String vin) {
                    return STOLEN.contains(vin);
                }

                @Override
                public java.util.Optional<ObjectNode> openDeclaration(String fleetId, String vin) {
                    return STOLEN.contains(vin) ? java.util.Optional.of(declaration(vin)) : java.util.Optional.empty();
                }
            };
        }
    }

    /** The declaration the stand-in declarations show for a stolen car. */
    static ObjectNode declaration(String vin) {
        return JSON.createObjectNode().put("id", "declared-" + vin).put("state", true);
    }

    /** A 1 km circle around a point in Paris; 0.05 degrees of longitude east is about 3.7 km away. */
    static final double HOME_LON = 2.35;
    static final double HOME_LAT = 48.85;
    static final double AWAY_LON = 2.40;

    @LocalServerPort
    int port;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleets;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleEventLog events;
    @Autowired
    JdbcClient jdbc;

    final OpenApiSpec template = new OpenApiSpec("api-b2b-webhook-template-v3.yaml", "");

    /** One request the receiver got (answered or failed). */
    record Received(String path, String query, Map<String, List<String>> headers, JsonNode body, Instant at) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Per path, how many more requests the receiver fails (HTTP 500); absent: none. */
    final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    B2bClient client;
    Fleet fleet;
    Instant lastTime = Instant.EPOCH;

    @BeforeAll
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                        Map.copyOf(exchange.getRequestHeaders()), body, Instant.now()));
            }
            AtomicInteger failing = failures.get(exchange.getRequestURI().getPath());
            boolean fail = failing != null && failing.getAndDecrement() > 0;
            exchange.sendResponseHeaders(fail ? 500 : 201, -1);
            exchange.close();
        });
        receiver.start();
        long n = System.nanoTime() % 1_000_000;
        client = new B2bClient(port, B2bPartners.register(partners, "fm-firing-" + n, Scopes.DATA));
    }

    /** A fleet of its own for each test: its monitors watch that test's vehicles only. */
    @BeforeEach
    void newFleet() {
        fleet = fleets.create(client.credentials().partner().id(), "Delivery vans", "");
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    // ---- helpers

    RegisteredVehicle car() {
        return vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", null,
                PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
    }

    RegisteredVehicle fleetCar() {
        RegisteredVehicle car = car();
        fleets.addVehicle(fleet.id(), car.vehicle().vin());
        return car;
    }

    String target(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    /** A monitor of the fleet that fires when a car leaves home, posting to the receiver at path. */
    String monitor(String path, String subscribeExtra) {
        return call(client, "POST", "/fleets/" + fleet.id() + "/monitors",
                leavesZone("Leaves " + path, target(path), subscribeExtra, HOME_LON, HOME_LAT), 202)
                .path("monitorId").stringValue();
    }

    /**
     * A time for the next message: now, and always after the previous one (the fleet sees a
     * vehicle's data from when it joined on, so messages are dated after the join).
     */
    Instant next() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastTime = now.isAfter(lastTime.plusSeconds(1)) ? now : lastTime.plusSeconds(1);
        return lastTime;
    }

    /** Sends a position sample and waits until every consumer (the monitors') has handled it. */
    Instant at(RegisteredVehicle car, double lon) {
        Instant when = next();
        ObjectNode m = TestVehicles.telemetry(car.vehicle().vin(), car.credential(), "m" + System.nanoTime(), when,
                lon, HOME_LAT, 60, 1000);
        assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
        return when;
    }

    /** The car's message leaving home after one at home: an edge for a monitor watching it. */
    Instant leaves(RegisteredVehicle car) {
        at(car, HOME_LON);
        return at(car, AWAY_LON);
    }

    /** A monitor of the fleet with one data trigger {@code d}. */
    String dataMonitor(String path, String data) {
        return call(client, "POST", "/fleets/" + fleet.id() + "/monitors", "{\"label\": \"Data " + path + "\","
                + " \"subscribeParam\": {\"callback\": {\"webhook\": {\"name\": \"data-hook\", \"target\": \""
                + target(path) + "\"}}}, \"triggerParam\": {\"triggers\": [{\"name\": \"d\", \"data\": {" + data
                + "}}], \"boolExp\": \"d\"}}", 202).path("monitorId").stringValue();
    }

    /** The body of one event that a data trigger made, without attributes (the monitor has none). */
    ObjectNode expectedData(String monitorId, RegisteredVehicle car, Instant date, String data, String value) {
        ObjectNode body = JSON.createObjectNode();
        body.put("monitorId", monitorId);
        body.putArray("attributes");
        ObjectNode e = body.putArray("events").addObject();
        e.put("fleetId", fleet.id());
        e.put("vin", car.vehicle().vin());
        e.put("eventDate", date.toString());
        ObjectNode item = e.putArray("values").addObject();
        item.put("data", data);
        ObjectNode v = item.putObject("value");
        v.put("type", "string");
        v.putObject("body").put("literalValue", value);
        e.put("refresh", false);
        return body;
    }

    int raised(String monitorId) {
        return jdbc.sql("SELECT COUNT(*) FROM delivery_notification WHERE stream_key = ?").param(monitorId)
                .query(Integer.class).single();
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    List<Received> receivedAt(String path, int count) {
        await("receiver got " + count + " at " + path).atMost(Duration.ofSeconds(60))
                .until(() -> at(path).size() >= count);
        List<Received> got = at(path);
        assertThat(got).hasSize(count);
        return got;
    }

    /** Nothing more than {@code count} arrives at the path for a while. */
    void stays(String path, int count, Duration during) {
        await("receiver stays at " + count + " at " + path).during(during).atMost(during.plusSeconds(30))
                .until(() -> at(path).size() == count);
    }

    /**
     * The published MonitorEvents, checked against the template (strictly but for the extensions'
     * free-form data), with the documented
     * notificationId extension of each event checked and removed.
     */
    ObjectNode published(Received r) {
        ObjectNode body = ((ObjectNode) r.body()).deepCopy();
        for (JsonNode event : body.path("events")) {
            assertThat(event.path("notificationId").isString()).as(body.toString()).isTrue();
            ((ObjectNode) event).remove("notificationId");
        }
        OpenApiSpec.Operation post = template.match("POST", "/monitors/webhook").orElseThrow();
        assertThat(template.validateRequest(post, body, false)).as(body.toString()).isEmpty();
        // The template leaves each extension's data a free-form object ("refer to the API Spec"):
        // strictly validated is everything else.
        ObjectNode withoutExtensionData = body.deepCopy();
        for (JsonNode event : withoutExtensionData.path("events")) {
            for (JsonNode extension : event.path("extensions")) {
                ((ObjectNode) extension).remove("body");
            }
        }
        assertThat(template.validateRequest(post, withoutExtensionData, true)).as(body.toString()).isEmpty();
        return body;
    }

    ObjectNode expected(String monitorId, List<RegisteredVehicle> cars, List<Instant> dates) {
        ObjectNode body = JSON.createObjectNode();
        body.put("monitorId", monitorId);
        body.putArray("attributes").addObject().put("key", "fleet").put("value", fleet.id());
        ArrayNode list = body.putArray("events");
        for (int i = 0; i < cars.size(); i++) {
            ObjectNode e = list.addObject();
            e.put("fleetId", fleet.id());
            e.put("vin", cars.get(i).vehicle().vin());
            e.put("eventDate", dates.get(i).toString());
            e.putArray("values");
            e.put("refresh", false);
        }
        return body;
    }

    /** The events of a body in any order (a batch holds several vehicles' streams interleaved by time). */
    static Set<JsonNode> eventSet(JsonNode body) {
        Set<JsonNode> set = new HashSet<>();
        body.path("events").forEach(set::add);
        return set;
    }

    // ---- the tests

    @Test
    void everyVehicleOfTheFleetFiresThroughTheMonitorsOwnWebhookAndNoOtherVehicleDoes() {
        String id = monitor("/each", "");
        RegisteredVehicle a = fleetCar();
        RegisteredVehicle b = fleetCar();
        RegisteredVehicle outsider = car();
        Instant aLeft = leaves(a);
        Received first = receivedAt("/each", 1).get(0);
        assertThat(published(first)).isEqualTo(expected(id, List.of(a), List.of(aLeft)));
        assertThat(first.header("X-Monitor")).isEqualTo(id);
        Instant bLeft = leaves(b);
        assertThat(published(receivedAt("/each", 2).get(1))).isEqualTo(expected(id, List.of(b), List.of(bLeft)));
        leaves(outsider);
        // Still outside: no new edge for a.
        at(a, AWAY_LON);
        assertThat(raised(id)).isEqualTo(2);
        stays("/each", 2, Duration.ofSeconds(2));
    }

    @Test
    void aBatchGoesOutWhenItsSizeIsReached() {
        String id = monitor("/batch-size", "\"batchNotify\": {\"size\": 3, \"timeWindow\": 3600}");
        List<RegisteredVehicle> cars = List.of(fleetCar(), fleetCar(), fleetCar());
        List<Instant> dates = new ArrayList<>();
        for (RegisteredVehicle car : cars) {
            dates.add(leaves(car));
        }
        ObjectNode body = published(receivedAt("/batch-size", 1).get(0));
        assertThat(body.path("events")).hasSize(3);
        assertThat(eventSet(body)).isEqualTo(eventSet(expected(id, cars, dates)));
        assertThat(body.path("monitorId").stringValue()).isEqualTo(id);
    }

    @Test
    void aBatchGoesOutWhenItsTimeWindowHasElapsed() {
        String id = monitor("/batch-window", "\"batchNotify\": {\"size\": 10, \"timeWindow\": 5}");
        List<RegisteredVehicle> cars = List.of(fleetCar(), fleetCar());
        List<Instant> dates = new ArrayList<>();
        Instant firstRaised = null;
        for (RegisteredVehicle car : cars) {
            dates.add(leaves(car));
            if (firstRaised == null) {
                firstRaised = Instant.now();
            }
        }
        Received got = receivedAt("/batch-window", 1).get(0);
        assertThat(eventSet(published(got))).isEqualTo(eventSet(expected(id, cars, dates)));
        // Sent once the window after the first event had passed, not before.
        assertThat(Duration.between(firstRaised, got.at())).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void retryPolicyNoneMakesExactlyOneAttempt() {
        failures.put("/none", new AtomicInteger(Integer.MAX_VALUE));
        monitor("/none", "\"retryPolicy\": {\"policy\": \"None\", \"retryDelay\": 1}");
        leaves(fleetCar());
        receivedAt("/none", 1);
        stays("/none", 1, Duration.ofSeconds(5));
    }

    @Test
    void retryPolicyBoundedMakesOnePlusRetryNumberAttemptsRetryDelayApart() {
        failures.put("/bounded", new AtomicInteger(Integer.MAX_VALUE));
        monitor("/bounded", "\"retryPolicy\": {\"policy\": \"Bounded\", \"retryNumber\": 2, \"retryDelay\": 2}");
        leaves(fleetCar());
        List<Received> attempts = receivedAt("/bounded", 3);
        stays("/bounded", 3, Duration.ofSeconds(6));
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1).at(), attempts.get(i).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            // The same notification each time.
            assertThat(attempts.get(i).body()).isEqualTo(attempts.get(0).body());
        }
    }

    @Test
    void retryPolicyAlwaysKeepsRetryingUntilTheReceiverTakesIt() {
        failures.put("/always", new AtomicInteger(4));
        String id = monitor("/always", "\"retryPolicy\": {\"policy\": \"Always\", \"retryDelay\": 1}");
        RegisteredVehicle car = fleetCar();
        Instant left = leaves(car);
        List<Received> attempts = receivedAt("/always", 5);
        stays("/always", 5, Duration.ofSeconds(3));
        assertThat(published(attempts.get(4))).isEqualTo(expected(id, List.of(car), List.of(left)));
    }

    @Test
    void aVehicleThatJoinsAfterTheMonitorIsWatchedAndOneThatLeavesIsNot() {
        String id = monitor("/members", "");
        RegisteredVehicle late = car();
        at(late, HOME_LON);
        // Not in the fleet yet: its leaving is none of the fleet's business.
        at(late, AWAY_LON);
        assertThat(raised(id)).isZero();
        fleets.addVehicle(fleet.id(), late.vehicle().vin());
        at(late, HOME_LON);
        Instant left = at(late, AWAY_LON);
        assertThat(published(receivedAt("/members", 1).get(0))).isEqualTo(expected(id, List.of(late),
                List.of(left)));

        assertThat(fleets.removeVehicle(fleet.id(), late.vehicle().vin())).isTrue();
        leaves(late);
        leaves(late);
        assertThat(raised(id)).isEqualTo(1);
        // The monitor goes on for the vehicles that stay; leaving never fails it.
        assertThat(call(client, "GET", "/fleets/" + fleet.id() + "/monitors/" + id, null, 200).path("status")
                .stringValue()).isEqualTo("Running");
        RegisteredVehicle stays = fleetCar();
        Instant stayedLeft = leaves(stays);
        assertThat(published(receivedAt("/members", 2).get(1))).isEqualTo(expected(id, List.of(stays),
                List.of(stayedLeft)));
    }

    @Test
    void aPausedMonitorKeepsItsNotificationsAndDeliversThemOnResume() {
        String id = monitor("/paused", "");
        String status = "/fleets/" + fleet.id() + "/monitors/" + id + "/status";
        call(client, "PUT", status, "{\"status\": \"Paused\"}", 202);
        RegisteredVehicle car = fleetCar();
        Instant left = leaves(car);
        assertThat(raised(id)).isEqualTo(1);
        stays("/paused", 0, Duration.ofSeconds(3));
        call(client, "PUT", status, "{\"status\": \"Running\"}", 202);
        assertThat(published(receivedAt("/paused", 1).get(0))).isEqualTo(expected(id, List.of(car), List.of(left)));
    }

    @Test
    void theStolenStateIsAskedOnEachMessageOfTheCar() {
        String id = dataMonitor("/stolen", "\"data\": \"stolen.state\", \"op\": \"equalsTo\", \"value\": [\"true\"]");
        RegisteredVehicle car = fleetCar();
        at(car, HOME_LON);
        assertThat(raised(id)).isZero();
        STOLEN.add(car.vehicle().vin());
        try {
            Instant declared = at(car, HOME_LON);
            assertThat(published(receivedAt("/stolen", 1).get(0)))
                    .isEqualTo(expectedData(id, car, declared, "stolen.state", "true"));
            // Still stolen: no new edge.
            at(car, AWAY_LON);
            assertThat(raised(id)).isEqualTo(1);
            STOLEN.remove(car.vehicle().vin());
            at(car, HOME_LON);
            STOLEN.add(car.vehicle().vin());
            Instant again = at(car, HOME_LON);
            assertThat(published(receivedAt("/stolen", 2).get(1)))
                    .isEqualTo(expectedData(id, car, again, "stolen.state", "true"));
        } finally {
            STOLEN.remove(car.vehicle().vin());
        }
    }

    @Test
    void maintenanceDataFires() {
        // The test vehicles report 120 days before their maintenance.
        String id = dataMonitor("/maintenance", "\"data\": \"vehicle.maintenance.daysBeforeMaintenance\","
                + " \"op\": \"lowerThan\", \"value\": [\"200\"]");
        RegisteredVehicle car = fleetCar();
        Instant first = at(car, HOME_LON);
        assertThat(published(receivedAt("/maintenance", 1).get(0)))
                .isEqualTo(expectedData(id, car, first, "vehicle.maintenance.daysBeforeMaintenance", "120"));
        at(car, HOME_LON);
        assertThat(raised(id)).isEqualTo(1);
    }

    @Test
    void eachCollisionIsAnEdge() {
        String id = dataMonitor("/collision", "\"data\": \"vehicle.collision.side\", \"op\": \"includedIn\","
                + " \"value\": [\"Front\", \"Rear\"]");
        RegisteredVehicle car = fleetCar();
        at(car, HOME_LON);
        Instant hit = collision(car, "Front");
        assertThat(published(receivedAt("/collision", 1).get(0)))
                .isEqualTo(expectedData(id, car, hit, "vehicle.collision.side", "Front"));
        at(car, HOME_LON);
        Instant hitAgain = collision(car, "Front");
        assertThat(published(receivedAt("/collision", 2).get(1)))
                .isEqualTo(expectedData(id, car, hitAgain, "vehicle.collision.side", "Front"));
        collision(car, "Lateral");
        assertThat(raised(id)).isEqualTo(2);
    }

    Instant collision(RegisteredVehicle car, String side) {
        Instant when = next();
        ObjectNode m = TestVehicles.envelope(car.vehicle().vin(), car.credential(), "c" + System.nanoTime(), when,
                MessageType.EVENT);
        m.putObject("event").put("name", "collision").putObject("collision").putArray("details").addObject()
                .put("side", side).put("severity", "Major");
        assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
        return when;
    }

    @Test
    void aReminderComesEveryRefreshEventForEachVehicleStillOutside(@Autowired MonitorEngine engine) {
        String id = monitor("/reminder", "\"refreshEvent\": 60");
        RegisteredVehicle out = fleetCar();
        RegisteredVehicle home = fleetCar();
        Instant left = leaves(out);
        at(home, HOME_LON);
        assertThat(published(receivedAt("/reminder", 1).get(0))).isEqualTo(expected(id, List.of(out), List.of(left)));
        // No new data: the tick finds the reminder due 60 s after the edge, for the car outside only.
        engine.tick(left.plusSeconds(30));
        assertThat(raised(id)).isEqualTo(1);
        Instant due = left.plusSeconds(61);
        engine.tick(due);
        ObjectNode reminder = published(receivedAt("/reminder", 2).get(1));
        ObjectNode expected = expected(id, List.of(out), List.of(due));
        ((ObjectNode) expected.path("events").get(0)).put("refresh", true);
        assertThat(reminder).isEqualTo(expected);
        assertThat(raised(id)).isEqualTo(2);
    }

    @Test
    void extensionsCarryTheVehiclesDataAsTheB2bTemplateShapesThem() {
        String definition = leavesZone("With position", target("/extensions"), "", HOME_LON, HOME_LAT)
                .replace("{\"label\": ", "{\"extendedEventParam\": [\"vehicle.position\"], \"label\": ");
        String id = call(client, "POST", "/fleets/" + fleet.id() + "/monitors", definition, 202).path("monitorId")
                .stringValue();
        RegisteredVehicle car = fleetCar();
        Instant left = leaves(car);
        ObjectNode body = published(receivedAt("/extensions", 1).get(0));
        ObjectNode event = (ObjectNode) body.path("events").get(0);
        JsonNode extensions = event.remove("extensions");
        assertThat(body).isEqualTo(expected(id, List.of(car), List.of(left)));
        assertThat(extensions).hasSize(1);
        assertThat(extensions.get(0).path("type").stringValue()).isEqualTo("vehicle.position");
        // The position the car sent last, as a GeoJSON point.
        JsonNode coordinates = extensions.get(0).path("body").path("position").path("geometry").path("coordinates");
        assertThat(coordinates.get(0).doubleValue()).isEqualTo(AWAY_LON);
        assertThat(coordinates.get(1).doubleValue()).isEqualTo(HOME_LAT);
    }

    @Test
    void theFleetOnlyExtensionsCarryTheLatestCollisionAndTheOpenStolenDeclaration() {
        String id = call(client, "POST", "/fleets/" + fleet.id() + "/monitors", "{\"label\": \"Hit\","
                + " \"extendedEventParam\": [\"vehicle.collisions\", \"vehicle.stolen\"],"
                + " \"subscribeParam\": {\"callback\": {\"webhook\": {\"name\": \"hit-hook\", \"target\": \""
                + target("/fleet-only") + "\"}}}, \"triggerParam\": {\"triggers\": [{\"name\": \"d\", \"data\":"
                + " {\"data\": \"vehicle.collision.side\", \"op\": \"includedIn\", \"value\": [\"Rear\"]}}],"
                + " \"boolExp\": \"d\"}}", 202).path("monitorId").stringValue();
        RegisteredVehicle car = fleetCar();
        at(car, HOME_LON);
        collision(car, "Rear");
        JsonNode first = published(receivedAt("/fleet-only", 1).get(0)).path("events").get(0).path("extensions");
        // not declared stolen: only the collision, the one just reported
        assertThat(first).hasSize(1);
        assertThat(first.get(0).path("type").stringValue()).isEqualTo("vehicle.collisions");
        assertThat(first.get(0).path("body").path("collisions").path("details").get(0).path("side").stringValue())
                .as(first.toString()).isEqualTo("Rear");
        STOLEN.add(car.vehicle().vin());
        try {
            collision(car, "Front");
            collision(car, "Rear");
            JsonNode second = published(receivedAt("/fleet-only", 2).get(1)).path("events").get(0).path("extensions");
            assertThat(second).hasSize(2);
            assertThat(second.get(1).path("type").stringValue()).isEqualTo("vehicle.stolen");
            assertThat(second.get(1).path("body").path("stolen")).isEqualTo(declaration(car.vehicle().vin()));
        } finally {
            STOLEN.remove(car.vehicle().vin());
        }
        assertThat(raised(id)).isEqualTo(2);
    }

    @Test
    void aDeletedMonitorNoLongerFires() {
        String id = monitor("/deleted", "");
        call(client, "DELETE", "/fleets/" + fleet.id() + "/monitors/" + id, null, 204);
        leaves(fleetCar());
        assertThat(raised(id)).isZero();
    }
}
