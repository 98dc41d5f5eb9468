package org.odomo.remote;

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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.EventConsumers;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remote actions end to end: the API, the downlink a vehicle receives, its answers through the
 * in-process ingestion and the event log, the notifications a local webhook receiver gets (each
 * validated against the published webhook template and compared whole, in order), and the GETs
 * (validated against api-b2c.yaml). A scripted vehicle answers as the vehicle protocol says; one
 * test runs the fleet simulator instead. Statuses, causes and their order are those of REFERENCE.md
 * section 11 and the published enums. The sweep is driven by calling it with chosen times (the
 * scheduled one is an hour away).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1h",
                "odomo.remotes.max-requests-in-window=3", "odomo.remotes.wake-ups-per-month=2",
                "odomo.remotes.min-battery-level=10", "odomo.remotes.answer-timeout=2m",
                "odomo.remotes.resend-after=20s"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteLifecycleTests {

    static final String SECRET = "remote-life-secret";
    static final String PASSWORD = "remote-life-password";
    static final String BASE = "/connectedcar/v4";

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
    VehicleTransport transport;
    @Autowired
    ProtocolCodec codec;
    @Autowired
    Remotes remotes;
    @Autowired
    RemoteEngine engine;
    @Autowired
    JdbcClient jdbc;

    final OpenApiSpec template = new OpenApiSpec("api-b2c-webhook-template.yaml", "");
    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", BASE);
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    record Received(String path, JsonNode body) {
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Map<String, List<JsonNode>> downlinks = new ConcurrentHashMap<>();
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
                for (JsonNode message : body.isArray() ? body : List.of(body)) {
                    received.add(new Received(exchange.getRequestURI().getPath(), message));
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        app = apps.ensureRegistered(new AppRegistration("Remote life", "Sends remotes", "Odomo tests",
                "dev@example.com", 1000L, "remote-life", Scopes.ALL, List.of(Enrollment.REDIRECT), "unlimited"),
                "remote-life-client", SECRET);
        user = accounts.create(Brand.PEUGEOT, "remote." + System.nanoTime() + "@example.com", PASSWORD, "Rey", "Test");
        token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(), PASSWORD,
                List.copyOf(Scopes.ALL), false).accessToken();
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    // ---- helpers

    /** A vehicle of the user with a scripted car on the in-process link that records what it receives. */
    record Car(RegisteredVehicle registered, String callbackId, String path) {
        String vin() {
            return registered.vehicle().vin();
        }

        String remotes() {
            return "/user/vehicles/" + registered.vehicle().apiId() + "/callbacks/" + callbackId + "/remotes";
        }
    }

    Car car(String model, PrivacyMode mode, Set<ConnectedService> services, String path) {
        RegisteredVehicle v = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model, user.id(),
                mode, services));
        List<JsonNode> got = new CopyOnWriteArrayList<>();
        downlinks.put(v.vehicle().vin(), got);
        transport.connect(v.vehicle().vin(), bytes -> {
            JsonNode m = json.readTree(bytes);
            if (!"config".equals(m.path("type").asString())) {
                got.add(m);
            }
        });
        return new Car(v, callback(path), path);
    }

    Car awakeCar(String model, String path, double level) {
        Car c = car(model, PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), path);
        send(c, TestVehicles.telemetry(c.vin(), c.registered().credential(), "t-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), 2.35, 48.85, level, 1000));
        return c;
    }

    String callback(String path) {
        String body = "{\"label\": \"remotes\", \"type\": [\"Remote\"], \"callback\": {\"webhook\": {\"name\": \"hook\","
                + " \"target\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + path + "\"}}}";
        return call("POST", "/user/callbacks", body, 200).path("callbackId").stringValue();
    }

    JsonNode call(String method, String path, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE + path
                + "?client_id=" + app.clientId())).header("x-introspect-realm", Brand.PEUGEOT.realm())
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(expected);
            JsonNode answer = r.body().isEmpty() ? null : json.readTree(r.body());
            if (path.contains("/remotes") && !path.contains("/x-odomo-")) {
                OpenApiSpec.Operation op = spec.match(method, path).orElseThrow();
                assertThat(Exchanges.problems(spec, op, body == null ? null : json.readTree(body), r.statusCode(),
                        r.headers().firstValue("Content-Type").orElse(null), answer))
                        .as(method + " " + path + " " + r.body()).isEmpty();
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String post(Car c, String body) {
        return call("POST", c.remotes(), body, 202).path("remoteActionId").stringValue();
    }

    void send(Car c, ObjectNode message) {
        assertThat(gateway.submit(TestVehicles.bytes(message)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
    }

    /** The car answers a command. */
    void progress(Car c, String commandId, String status, String result, String cause, ObjectNode data) {
        ObjectNode m = TestVehicles.envelope(c.vin(), c.registered().credential(), "p-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), MessageType.COMMAND_PROGRESS);
        ObjectNode command = m.putObject("command").put("id", commandId).put("status", status);
        if (result != null) {
            command.put("result", result);
        }
        if (cause != null) {
            command.put("failureCause", cause);
        }
        if (data != null) {
            m.set("data", data);
        }
        send(c, m);
    }

    void lifecycle(Car c, String state) {
        ObjectNode m = TestVehicles.envelope(c.vin(), c.registered().credential(), "l-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), MessageType.LIFECYCLE);
        m.putObject("lifecycle").put("state", state);
        send(c, m);
    }

    /** The published Message, without the documented notificationId extension, once checked. */
    ObjectNode published(Received r) {
        ObjectNode body = ((ObjectNode) r.body()).deepCopy();
        assertThat(body.path("notificationId").isString()).isTrue();
        body.remove("notificationId");
        OpenApiSpec.Operation post = template.match("POST", "/messages/webhook").orElseThrow();
        assertThat(template.validateRequest(post, body, true)).as(body.toString()).isEmpty();
        return body;
    }

    /** The notifications the car's callback received, as "type/status[/cause]", in order. */
    List<String> notified(Car c, String remoteId, int count) {
        await("receiver got " + count + " at " + c.path()).atMost(Duration.ofSeconds(30))
                .until(() -> received.stream().filter(r -> r.path().equals(c.path())).count() >= count);
        List<String> statuses = new ArrayList<>();
        for (Received r : received.stream().filter(r -> r.path().equals(c.path())).toList()) {
            ObjectNode m = published(r);
            assertThat(m.path("callbackId").asString()).isEqualTo(c.callbackId());
            assertThat(m.path("type").asString()).isEqualTo("Remote");
            assertThat(m.path("remoteEvent").path("remoteActionId").asString()).isEqualTo(remoteId);
            JsonNode s = m.path("remoteEvent").path("eventStatus");
            statuses.add(s.path("type").asString() + "/" + s.path("status").asString()
                    + (s.has("failureCause") ? "/" + s.path("failureCause").asString() : ""));
        }
        assertThat(statuses).hasSize(count);
        return statuses;
    }

    /** Notifications of one action at a path shared by several. */
    List<String> notifiedFor(Car c, String remoteId, int count) {
        await("receiver got " + count + " for " + remoteId).atMost(Duration.ofSeconds(30))
                .until(() -> received.stream().filter(r -> r.path().equals(c.path())
                        && r.body().path("remoteEvent").path("remoteActionId").asString().equals(remoteId)).count() >= count);
        List<String> statuses = new ArrayList<>();
        for (Received r : received.stream().filter(r -> r.path().equals(c.path())
                && r.body().path("remoteEvent").path("remoteActionId").asString().equals(remoteId)).toList()) {
            JsonNode s = published(r).path("remoteEvent").path("eventStatus");
            statuses.add(s.path("type").asString() + "/" + s.path("status").asString()
                    + (s.has("failureCause") ? "/" + s.path("failureCause").asString() : ""));
        }
        assertThat(statuses).hasSize(count);
        return statuses;
    }

    int raised(String remoteId) {
        return jdbc.sql("SELECT COUNT(*) FROM delivery_notification WHERE stream_key = ?").param(remoteId)
                .query(Integer.class).single();
    }

    List<JsonNode> downlinks(Car c, int count) {
        await("car received " + count).atMost(Duration.ofSeconds(10)).until(() -> downlinks.get(c.vin()).size() >= count);
        assertThat(downlinks.get(c.vin())).hasSize(count);
        return downlinks.get(c.vin());
    }

    static final String LABELLED_LOCK = "{\"label\": \"lock\", \"attributes\": [{\"type\": \"Body\","
            + " \"key\": \"what\", \"value\": \"$RemoteType\"}, {\"type\": \"Body\", \"key\": \"status\","
            + " \"value\": \"$RemoteStatus\"}, {\"type\": \"Body\", \"key\": \"label\", \"value\": \"$RemoteLabel\"}],"
            + " \"door\": {\"state\": \"Locked\"}}";
    static final String LOCK = "{\"label\": \"lock\", \"door\": {\"state\": \"Locked\"}}";

    // ---- the tests

    @Test
    void anAwakeCarIsSentTheCommandAndItsAnswersFinishTheAction() {
        Car c = awakeCar("P-308", "/awake", 60);
        String id = post(c, LABELLED_LOCK);
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/SentToVehicle");
        JsonNode command = downlinks(c, 1).get(0);
        assertThat(command.path("type").asString()).isEqualTo("command");
        assertThat(command.path("command").path("id").asString()).isEqualTo(id);
        assertThat(command.path("command").path("action").asString()).isEqualTo("door");
        assertThat(command.path("command").path("params")).isEqualTo(json.readTree("{\"state\": \"Locked\"}"));
        assertThat(Instant.parse(command.path("command").path("expiresAt").asString())).isAfter(Instant.now());

        progress(c, id, "Received", null, null, null);
        progress(c, id, "InProgress", null, null, null);
        JsonNode view = call("GET", c.remotes() + "/" + id, null, 200);
        assertThat(view.path("status").asString()).isEqualTo("SentToVehicle");
        progress(c, id, "Done", "Success", null, (ObjectNode) json.readTree(
                "{\"doorsState\": {\"lockedStates\": [\"Locked\"], \"opening\": []}}"));
        List<String> all = notified(c, id, 4);
        assertThat(all.get(3)).isEqualTo("Done/Success");
        Received last = received.stream().filter(r -> r.path().equals(c.path())).toList().get(3);
        ObjectNode expected = json.createObjectNode();
        expected.put("callbackId", c.callbackId());
        ArrayNode attributes = expected.putArray("attributes");
        attributes.addObject().put("key", "what").put("value", "Doors");
        attributes.addObject().put("key", "status").put("value", "Success");
        attributes.addObject().put("key", "label").put("value", "lock");
        expected.put("type", "Remote");
        expected.put("date", last.body().path("date").asString());
        expected.putObject("remoteEvent").put("remoteActionId", id).put("remoteType", "Doors")
                .putObject("eventStatus").put("type", "Done").put("status", "Success");
        assertThat(published(last)).isEqualTo(expected);

        ObjectNode expectedView = json.createObjectNode();
        String self = "http://localhost:" + port + BASE + c.remotes() + "/" + id + "?client_id=" + app.clientId();
        ObjectNode links = expectedView.putObject("_links");
        links.putObject("callback").put("href", "http://localhost:" + port + BASE + "/user/callbacks/" + c.callbackId()
                + "?client_id=" + app.clientId());
        links.putObject("self").put("href", self);
        expectedView.put("remoteActionId", id);
        expectedView.put("type", "Doors");
        expectedView.set("remote", json.readTree(LABELLED_LOCK));
        expectedView.put("status", "Success");
        assertThat(call("GET", c.remotes() + "/" + id, null, 200)).isEqualTo(expectedView);
        JsonNode history = call("GET", c.remotes() + "/" + id + "/x-odomo-transitions", null, 200);
        assertThat(history.path("transitions").valueStream().map(t -> t.path("status").asString()).toList())
                .containsExactly("Accepted", "CheckingVehicle", "SentToVehicle", "Success");

        // The car repeats its answer, and the consumer handles the log again from further back:
        // nothing is notified twice.
        progress(c, id, "Done", "Success", null, null);
        jdbc.sql("UPDATE event_cursor SET pos = CASE WHEN pos > 50 THEN pos - 50 ELSE 0 END WHERE consumer = ?")
                .param(engine.name()).update();
        EventConsumers.awaitCaughtUp(events);
        assertThat(raised(id)).isEqualTo(4);
    }

    @Test
    void theVehiclesFeedbackDetailIsNotifiedAndShown() {
        Car c = awakeCar("P-308", "/feedback", 60);
        String id = post(c, "{\"door\": {\"state\": \"Locked\", \"forced\": true}}");
        downlinks(c, 1);
        ObjectNode m = TestVehicles.envelope(c.vin(), c.registered().credential(), "f-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), MessageType.COMMAND_PROGRESS);
        m.putObject("command").put("id", id).put("status", "Done").put("result", "Success")
                .put("feedbackDetail", "CIDBlacklisted");
        send(c, m);
        assertThat(notified(c, id, 4).get(3)).isEqualTo("Done/Success");
        Received last = received.stream().filter(r -> r.path().equals(c.path())).toList().get(3);
        assertThat(published(last).path("remoteEvent").path("eventStatus"))
                .isEqualTo(json.readTree("{\"type\": \"Done\", \"status\": \"Success\", \"feedbackDetail\": \"CIDBlacklisted\"}"));
        JsonNode view = call("GET", c.remotes() + "/" + id, null, 200);
        assertThat(view.path("status").asString()).isEqualTo("Success");
        assertThat(view.path("feedbackDetail").asString()).isEqualTo("CIDBlacklisted");
        assertThat(view.has("failureCause")).isFalse();
    }

    @Test
    void aSleepingCarIsWokenUpThenSentTheCommandAndItsFailureIsNotified() {
        Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), "/asleep");
        String id = post(c, LOCK);
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/WakingUpVehicle");
        assertThat(downlinks(c, 1).get(0).path("type").asString()).isEqualTo("wakeUp");
        lifecycle(c, "Awake");
        assertThat(notified(c, id, 4).get(3)).isEqualTo("Pending/SentToVehicle");
        assertThat(downlinks(c, 2).get(1).path("command").path("id").asString()).isEqualTo(id);
        progress(c, id, "Received", null, null, null);
        progress(c, id, "Done", "Failed", "DoorsOpen", null);
        assertThat(notified(c, id, 5).get(4)).isEqualTo("Done/Failed/DoorsOpen");
        JsonNode view = call("GET", c.remotes() + "/" + id, null, 200);
        assertThat(view.path("status").asString()).isEqualTo("Failed");
        assertThat(view.path("failureCause").asString()).isEqualTo("DoorsOpen");
    }

    @Test
    void withoutAServiceCoveringRemotesTheActionFailsMissingRights() {
        Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.TMTS), "/rights");
        String id = post(c, LOCK);
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Done/Failed/MissingRights");
        assertThat(downlinks.get(c.vin())).isEmpty();
    }

    @Test
    void anActionTheModelDoesNotTakeFailsAsTheCapabilityApiSays() {
        // A petrol car: the capability API answers charging supported: false.
        Car c = awakeCar("P-308", "/capability", 60);
        String id = post(c, "{\"charging\": {\"immediate\": true}}");
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Done/Failed/VehicleError");
        assertThat(downlinks.get(c.vin())).isEmpty();
    }

    @Test
    void theSameActionWhileOneIsInProgressFailsSameActionInProgress() {
        Car c = awakeCar("P-308", "/same", 60);
        String first = post(c, LOCK);
        String second = post(c, "{\"door\": {\"state\": \"Unlocked\"}}");
        assertThat(notifiedFor(c, second, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Done/Failed/SameActionInProgress");
        assertThat(notifiedFor(c, first, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/SentToVehicle");
        // Another kind of action is not the same one.
        String horn = post(c, "{\"horn\": {\"state\": \"Activated\"}}");
        assertThat(notifiedFor(c, horn, 3).get(2)).isEqualTo("Pending/SentToVehicle");
    }

    @Test
    void tooManyRequestsInAShortTimeFail() {
        Car c = awakeCar("P-E208", "/many", 80);
        post(c, LOCK);
        post(c, "{\"horn\": {\"state\": \"Activated\"}}");
        post(c, "{\"lights\": {\"on\": true}}");
        String fourth = post(c, "{\"wakeUp\": {}}");
        assertThat(notifiedFor(c, fourth, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Done/Failed/TooManyRequestInShortTime");
    }

    @Test
    void inPlaneModeTheActionFailsOnPrivacy() {
        Car c = car("P-308", PrivacyMode.PLANE, Set.of(ConnectedService.PARTNER), "/plane");
        String id = post(c, LOCK);
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Done/Failed/NotPossibleDueToVehiclePrivacyLevel");
    }

    @Test
    void anElectricCarUnderTheChargeLevelTakesNoRemoteButCharging() {
        Car c = awakeCar("P-E208", "/battery", 4);
        String id = post(c, LOCK);
        assertThat(notified(c, id, 4)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/VehicleBatteryChargeTooLow", "Done/Failed/NotPossibleDueToVehicleBatteryLevel");
        String charge = post(c, "{\"charging\": {\"immediate\": true}}");
        assertThat(notifiedFor(c, charge, 3).get(2)).isEqualTo("Pending/SentToVehicle");
    }

    @Test
    void wakeUpsPastTheMonthlyBudgetFailAndTheSweepTimesOutWhatNeverAnswers() {
        Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), "/budget");
        String first = post(c, LOCK);
        assertThat(notifiedFor(c, first, 3).get(2)).isEqualTo("Pending/WakingUpVehicle");
        // The car never wakes up: past the answer time-out, the sweep fails the action.
        remotes.sweep(Instant.now().plus(Duration.ofMinutes(1)));
        assertThat(call("GET", c.remotes() + "/" + first, null, 200).path("status").asString())
                .isEqualTo("WakingUpVehicle");
        remotes.sweep(Instant.now().plus(Duration.ofMinutes(3)));
        assertThat(notifiedFor(c, first, 4).get(3)).isEqualTo("Done/Failed/VehicleConnectionTimeout");
        assertThat(call("GET", c.remotes() + "/" + first, null, 200).path("failureCause").asString())
                .isEqualTo("VehicleConnectionTimeout");
        // A second sweep finds nothing more to do.
        remotes.sweep(Instant.now().plus(Duration.ofMinutes(3)));
        assertThat(raised(first)).isEqualTo(4);

        String second = post(c, "{\"horn\": {\"state\": \"Activated\"}}");
        assertThat(notifiedFor(c, second, 3).get(2)).isEqualTo("Pending/WakingUpVehicle");
        remotes.sweep(Instant.now().plus(Duration.ofMinutes(3)));
        assertThat(notifiedFor(c, second, 4).get(3)).isEqualTo("Done/Failed/VehicleConnectionTimeout");
        // Two wake-ups this month: the budget (2) is spent.
        String third = post(c, "{\"lights\": {\"on\": true}}");
        assertThat(notifiedFor(c, third, 4)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/TooManyWakeUpsOverMonth", "Done/Failed/TooManyWakeUpsOverMonth");
        assertThat(downlinks.get(c.vin())).extracting(m -> m.path("type").asString()).containsExactly("wakeUp",
                "wakeUp");
    }

    @Test
    void sweepsRunningAtOnceOnSeveralNodesTimeEachActionOutOnce() throws Exception {
        List<Car> cars = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), "/sweeps");
            cars.add(c);
            ids.add(post(c, LOCK));
        }
        for (String id : ids) {
            notifiedFor(cars.get(0), id, 3);
        }
        // Two nodes' sweeps at the same moment: the rows one locks, the other passes over.
        Instant later = Instant.now().plus(Duration.ofMinutes(3));
        var pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> remotes.sweep(later));
            var b = pool.submit(() -> remotes.sweep(later));
            assertThat(a.get() + b.get()).isGreaterThanOrEqualTo(ids.size());
        } finally {
            pool.shutdown();
        }
        for (String id : ids) {
            assertThat(notifiedFor(cars.get(0), id, 4).get(3)).isEqualTo("Done/Failed/VehicleConnectionTimeout");
            assertThat(raised(id)).isEqualTo(4);
        }
    }

    @Test
    void anUnacknowledgedCommandIsSentAgainWithTheSameId() {
        Car c = awakeCar("P-308", "/resend", 60);
        String id = post(c, LOCK);
        assertThat(downlinks(c, 1).get(0).path("command").path("id").asString()).isEqualTo(id);
        remotes.sweep(Instant.now().plusSeconds(5));
        assertThat(downlinks.get(c.vin())).hasSize(1);
        remotes.sweep(Instant.now().plusSeconds(30));
        List<JsonNode> both = downlinks(c, 2);
        assertThat(both.get(1).path("command").path("id").asString()).isEqualTo(id);
        assertThat(both.get(1).path("id").asString()).isNotEqualTo(both.get(0).path("id").asString());
        // Acknowledged: no more resending.
        progress(c, id, "Received", null, null, null);
        remotes.sweep(Instant.now().plusSeconds(60));
        assertThat(downlinks.get(c.vin())).hasSize(2);
        assertThat(notified(c, id, 3)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/SentToVehicle");
    }

    @Test
    void aNavigationSkipsAcceptedAndWakingUp() {
        Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), "/navigation");
        String id = post(c, "{\"navigation\": {\"positions\": [{\"type\": \"Point\", \"coordinates\": [2.29, 48.86]}]}}");
        assertThat(notified(c, id, 2)).containsExactly("Pending/CheckingVehicle", "Pending/SentToVehicle");
        JsonNode command = downlinks(c, 1).get(0);
        assertThat(command.path("command").path("action").asString()).isEqualTo("navigation");
        // The sleeping car did not get it; when it wakes up, it is sent again with the same id.
        lifecycle(c, "Awake");
        assertThat(downlinks(c, 2).get(1).path("command").path("id").asString()).isEqualTo(id);
    }

    @Test
    void theSimulatedCarUnlocksAndLocksAndTheStatusShowsItLocked() {
        Car c = car("P-308", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER), "/simulated");
        // The simulated car takes over the vehicle's link.
        FleetSimulator fleet = new FleetSimulator(transport, codec, SimulatorSettings.defaults().withSeed(7)
                .withIntroSpreadSeconds(1).withStart(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        try {
            fleet.add(new SimulatedVehicle(c.vin(), "P-308", c.registered().credential(), PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.allOf(DataCategory.class), 2.35, 48.85));
            fleet.start();
            String status = "/user/vehicles/" + c.registered().vehicle().apiId() + "/status";
            await("the car introduced itself").atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("SELECT COUNT(*) FROM vehicle_state WHERE vin = ?").param(c.vin())
                            .query(Integer.class).single() > 0);
            String unlock = post(c, "{\"door\": {\"state\": \"Unlocked\"}}");
            await("unlocked").atMost(Duration.ofSeconds(60)).until(() -> received.stream()
                    .filter(r -> r.path().equals(c.path()) && r.body().path("remoteEvent").path("eventStatus")
                            .path("type").asString().equals("Done")).count() >= 1);
            List<String> first = notifiedFor(c, unlock, (int) received.stream().filter(r -> r.path().equals(c.path())
                    && r.body().path("remoteEvent").path("remoteActionId").asString().equals(unlock)).count());
            assertThat(first.get(first.size() - 1)).isEqualTo("Done/Success");
            assertThat(first.subList(0, 2)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle");
            assertThat(first).contains("Pending/SentToVehicle");

            String lock = post(c, LOCK);
            await("locked").atMost(Duration.ofSeconds(60)).until(() -> received.stream()
                    .filter(r -> r.path().equals(c.path())
                            && r.body().path("remoteEvent").path("remoteActionId").asString().equals(lock)
                            && r.body().path("remoteEvent").path("eventStatus").path("type").asString().equals("Done"))
                    .count() >= 1);
            assertThat(notifiedFor(c, lock, 4)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                    "Pending/SentToVehicle", "Done/Success");
            EventConsumers.awaitCaughtUp(events);
            JsonNode doors = call("GET", status, null, 200).path("doorsState");
            assertThat(doors.path("lockedStates").valueStream().map(JsonNode::asString).toList()).contains("Locked");
        } finally {
            fleet.close();
        }
    }
}
