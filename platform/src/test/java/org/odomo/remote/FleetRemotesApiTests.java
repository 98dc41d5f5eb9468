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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.apps.PartnerRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.StolenStates;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport;
import org.odomo.spec.Exchanges;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet remote operations over HTTP as a partner (client certificate, Basic, client_id): remote
 * callbacks, remotes to a fleet's vehicles, stolen-vehicle declarations and their waypoints. Every
 * exchange is validated against the published api-b2b.yaml, every notification against
 * api-b2b-webhook-template-v3.yaml ({@code RemoteEvents}); the vehicle is scripted on the in-process
 * link and answers as the vehicle protocol says. Statuses and causes come from REFERENCE.md
 * section 11 and the published enums; the retry policies from the YAML and the project's reading of
 * {@code None} (one attempt, no retry).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1h",
                "odomo.remotes.max-requests-in-window=50", "odomo.remotes.answer-timeout=2m"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetRemotesApiTests {

    static final Set<String> FULL_CONTRACT = Set.of("data:telemetry", "data:position", "remote:door:write",
            "remote:horn:write", "remote:immobilization:write", "remote:stolen:write", "remote:lights:write");

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
    VehicleTransport transport;
    @Autowired
    StolenStates stolenStates;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Remotes engine;

    final OpenApiSpec spec = new OpenApiSpec("api-b2b.yaml", B2bClient.BASE);
    final OpenApiSpec template = new OpenApiSpec("api-b2b-webhook-template-v3.yaml", "");
    final OpenApiSpec b2c = new OpenApiSpec("api-b2c.yaml", "/connectedcar/v4");
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    record Received(String path, int answered, JsonNode body) {
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Map<String, List<JsonNode>> downlinks = new ConcurrentHashMap<>();

    B2bClient owner;
    B2bClient other;
    B2bClient doorsOnly;
    Fleet fleet;
    Fleet otherFleet;
    Fleet doorsFleet;

    @BeforeAll
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/", exchange -> {
            int answer = exchange.getRequestURI().getPath().startsWith("/failing") ? 500 : 200;
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new Received(exchange.getRequestURI().getPath(), answer,
                        json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        receiver.start();
        String tag = Long.toString(System.nanoTime() % 1_000_000_000L);
        owner = new B2bClient(port, B2bPartners.register(partners, "fr-owner-" + tag, FULL_CONTRACT));
        other = new B2bClient(port, B2bPartners.register(partners, "fr-other-" + tag, FULL_CONTRACT));
        doorsOnly = new B2bClient(port, B2bPartners.register(partners, "fr-doors-" + tag,
                Set.of("data:telemetry", "remote:door:write")));
        fleet = fleets.create(owner.credentials().partner().id(), "Vans", "delivery vans");
        otherFleet = fleets.create(other.credentials().partner().id(), "Cars", "other partner's cars");
        doorsFleet = fleets.create(doorsOnly.credentials().partner().id(), "Doors", "a contract for doors only");
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    // ---- helpers

    /** Calls the API and checks the exchange against the published operation. */
    JsonNode call(B2bClient who, String method, String path, String body, int expected) {
        HttpResponse<String> r = who.send(method, path, body);
        String where = method + " " + path + " " + r.statusCode() + " " + r.body();
        assertThat(r.statusCode()).as(where).isEqualTo(expected);
        JsonNode answer = r.body().isEmpty() ? null : json.readTree(r.body());
        OpenApiSpec.Operation op = spec.match(method, path.replaceAll("\\?.*", ""))
                .orElseThrow(() -> new AssertionError("not a published operation: " + method + " " + path));
        assertThat(Exchanges.problems(spec, op, expected < 300 && body != null ? json.readTree(body) : null,
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), answer)).as(where).isEmpty();
        return answer;
    }

    /**
     * A DELETE of another partner's callback: 403 as every operation on another partner's fleet,
     * which deleteFleetRemote does not list (it documents 204, 400 and 404 only, without schemas);
     * the body is held to the API's error format.
     */
    void forbiddenDelete(B2bClient who, String path) {
        HttpResponse<String> r = who.delete(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(org.odomo.spec.ApiErrorFormat.validate(403, r.headers().firstValue("Content-Type").orElse(null),
                json.readTree(r.body()))).as(r.body()).isEmpty();
    }

    String href(B2bClient who, String path) {
        return "http://127.0.0.1:" + port + B2bClient.BASE + path + "?client_id=" + who.credentials().clientId();
    }

    String target(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    String subscribe(String path, String types, String retry) {
        return "{\"label\": \"remote hook\", \"remoteTypes\": " + types + (retry == null ? "" : ", \"retryPolicy\": "
                + retry) + ", \"callback\": {\"webhook\": {\"name\": \"hook\", \"target\": \"" + target(path)
                + "\", \"attributes\": [{\"type\": \"Body\", \"key\": \"car\", \"value\": \"$vin\"},"
                + " {\"type\": \"Header\", \"key\": \"X-Fleet\", \"value\": \"$fleetID\"}]}}}";
    }

    String callback(B2bClient who, Fleet f, String path, String types, String retry) {
        return call(who, "POST", "/fleets/" + f.id() + "/remote/callbacks", subscribe(path, types, retry), 200)
                .path("callbackId").asString();
    }

    record Car(RegisteredVehicle registered) {
        String vin() {
            return registered.vehicle().vin();
        }

        String id() {
            return registered.vehicle().apiId();
        }
    }

    Car car(Fleet f, Long ownerId) {
        RegisteredVehicle v = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-308", ownerId,
                PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
        if (f != null) {
            fleets.addVehicle(f.id(), v.vehicle().vin());
        }
        List<JsonNode> got = new CopyOnWriteArrayList<>();
        downlinks.put(v.vehicle().vin(), got);
        transport.connect(v.vehicle().vin(), bytes -> {
            JsonNode m = json.readTree(bytes);
            if (!"config".equals(m.path("type").asString())) {
                got.add(m);
            }
        });
        Car c = new Car(v);
        telemetry(c, 2.35, 48.85);
        return c;
    }

    void telemetry(Car c, double lon, double lat) {
        send(TestVehicles.telemetry(c.vin(), c.registered().credential(), "t-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), lon, lat, 60, 1000));
    }

    void send(ObjectNode message) {
        assertThat(gateway.submit(TestVehicles.bytes(message)).join()).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(events);
    }

    void done(Car c, String commandId, String result) {
        ObjectNode m = TestVehicles.envelope(c.vin(), c.registered().credential(), "p-" + System.nanoTime(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), MessageType.COMMAND_PROGRESS);
        m.putObject("command").put("id", commandId).put("status", "Done").put("result", result);
        send(m);
    }

    JsonNode command(Car c, String id) {
        await("command " + id).atMost(Duration.ofSeconds(15)).until(() -> downlinks.get(c.vin()).stream()
                .anyMatch(d -> d.path("command").path("id").asString().equals(id)));
        return downlinks.get(c.vin()).stream().filter(d -> d.path("command").path("id").asString().equals(id))
                .findFirst().orElseThrow().path("command");
    }

    static String remotes(Fleet f, Car c, String cbid) {
        return "/fleets/" + f.id() + "/vehicles/" + c.id() + "/callbacks/" + cbid + "/remotes";
    }

    /** The events of one remote at a path, each body checked whole against the published RemoteEvents. */
    List<JsonNode> notified(String path, String remoteId, int count) {
        await(count + " events at " + path).atMost(Duration.ofSeconds(30)).until(() -> events(path, remoteId).size()
                >= count);
        List<JsonNode> got = events(path, remoteId);
        assertThat(got).hasSize(count);
        return got;
    }

    private List<JsonNode> events(String path, String remoteId) {
        List<JsonNode> list = new ArrayList<>();
        for (Received r : received.stream().filter(r -> r.path().equals(path)).toList()) {
            ObjectNode body = ((ObjectNode) r.body()).deepCopy();
            for (JsonNode e : body.path("events")) {
                assertThat(e.path("notificationId").isString()).isTrue();
                ((ObjectNode) e).remove("notificationId");
            }
            OpenApiSpec.Operation post = template.match("POST", "/remote/webhook").orElseThrow();
            assertThat(template.validateRequest(post, body, true)).as(body.toString()).isEmpty();
            for (JsonNode e : body.path("events")) {
                if (e.path("remoteActionId").asString().equals(remoteId)) {
                    list.add(body);
                }
            }
        }
        return list;
    }

    static String status(JsonNode remoteEvents) {
        JsonNode s = remoteEvents.path("events").get(0).path("eventStatus");
        return s.path("type").asString() + "/" + s.path("status").asString()
                + (s.has("failureCause") ? "/" + s.path("failureCause").asString() : "");
    }

    // ---- remote callbacks

    @Test
    void aRemoteCallbackIsCreatedReadListedReplacedPausedAndDeleted() {
        String base = "/fleets/" + fleet.id() + "/remote/callbacks";
        String body = subscribe("/crud", "[\"Doors\", \"Horn\"]", "{\"policy\": \"Bounded\", \"retryNumber\": 2,"
                + " \"retryDelay\": 5}");
        JsonNode created = call(owner, "POST", base, body, 200);
        String cbid = created.path("callbackId").asString();
        ObjectNode ref = json.createObjectNode();
        ref.putObject("_links").<ObjectNode>set("fleet", json.createObjectNode().put("href",
                href(owner, "/fleets/" + fleet.id())));
        ((ObjectNode) ref.get("_links")).putObject("callback").put("href", href(owner, base + "/" + cbid));
        ref.put("callbackId", cbid);
        ref.put("status", "Running");
        assertThat(created).isEqualTo(ref);

        JsonNode one = call(owner, "GET", base + "/" + cbid, null, 200);
        assertThat(one.path("id").asString()).isEqualTo(cbid);
        assertThat(one.path("status").asString()).isEqualTo("Running");
        assertThat(one.path("subscribe")).isEqualTo(json.readTree(body));
        assertThat(one.path("_links").path("self").path("href").asString()).isEqualTo(href(owner, base + "/" + cbid));
        assertThat(one.path("_links").path("fleet").path("href").asString())
                .isEqualTo(href(owner, "/fleets/" + fleet.id()));

        // The types filter: a callback shows when it accepts any of the types asked for.
        String lights = callback(owner, fleet, "/crud-lights", "[\"Lights\"]", null);
        List<String> withHorn = ids(call(owner, "GET", base + "?types=Horn", null, 200));
        assertThat(withHorn).contains(cbid).doesNotContain(lights);
        List<String> withLights = ids(call(owner, "GET", base + "?types=Lights,Stolen", null, 200));
        assertThat(withLights).contains(lights).doesNotContain(cbid);
        call(owner, "GET", base + "?types=Teleport", null, 400);

        String replaced = subscribe("/crud2", "[\"Doors\"]", "{\"policy\": \"None\"}");
        ref.put("status", "Running");
        assertThat(call(owner, "PUT", base + "/" + cbid, replaced, 202)).isEqualTo(ref);
        assertThat(call(owner, "GET", base + "/" + cbid, null, 200).path("subscribe"))
                .isEqualTo(json.readTree(replaced));

        ref.put("status", "Paused");
        assertThat(call(owner, "PUT", base + "/" + cbid + "/status", "{\"status\": \"Paused\"}", 202)).isEqualTo(ref);
        assertThat(call(owner, "GET", base + "/" + cbid, null, 200).path("status").asString()).isEqualTo("Paused");
        call(owner, "PUT", base + "/" + cbid + "/status", "{\"status\": \"Failed\"}", 400);

        call(owner, "DELETE", base + "/" + cbid, null, 204);
        call(owner, "GET", base + "/" + cbid, null, 404);
        call(owner, "DELETE", base + "/" + cbid, null, 404);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("_embedded").path("callbacks").forEach(c -> ids.add(c.path("id").asString()));
        return ids;
    }

    @Test
    void aSubscriptionOutsideTheSchemaOrTheContractIsRefused() {
        String base = "/fleets/" + fleet.id() + "/remote/callbacks";
        int before = jdbc.sql("SELECT COUNT(*) FROM fleet_remote_callback").query(Integer.class).single();
        // remoteTypes is required, and each must be a RemoteType.
        call(owner, "POST", base, "{\"callback\": {\"webhook\": {\"name\": \"h\", \"target\": \"" + target("/x")
                + "\"}}}", 400);
        call(owner, "POST", base, subscribe("/x", "[\"Teleport\"]", null), 400);
        call(owner, "POST", base, subscribe("/x", "[]", null), 400);
        // A remote callback retries None or Bounded, never Always.
        call(owner, "POST", base, subscribe("/x", "[\"Doors\"]", "{\"policy\": \"Always\"}"), 400);
        call(owner, "POST", base, subscribe("/x", "[\"Doors\"]", "{\"policy\": \"Bounded\", \"retryNumber\": 0}"),
                400);
        call(owner, "POST", base, "{\"remoteTypes\": [\"Doors\"], \"callback\": {\"webhook\": {\"name\": \"h\","
                + " \"target\": \"ftp://example.com/x\"}}}", 400);
        call(owner, "POST", base, "{\"remoteTypes\": [\"Doors\"], \"callback\": {\"webhook\": {\"name\": \"h\","
                + " \"target\": \"" + target("/x") + "\", \"attributes\": [{\"type\": \"Header\", \"key\": \"k\","
                + " \"value\": \"$password\"}]}}}", 400);
        // A type the contract does not cover.
        call(doorsOnly, "POST", "/fleets/" + doorsFleet.id() + "/remote/callbacks",
                subscribe("/x", "[\"Doors\", \"Stolen\"]", null), 403);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleet_remote_callback").query(Integer.class).single())
                .isEqualTo(before);
    }

    @Test
    void anotherPartnersFleetAndAnotherFleetsCallbackAreOutOfReach() {
        String cbid = callback(owner, fleet, "/reach", "[\"Doors\"]", null);
        String base = "/fleets/" + fleet.id() + "/remote/callbacks";
        call(other, "GET", base, null, 403);
        call(other, "GET", base + "/" + cbid, null, 403);
        call(other, "PUT", base + "/" + cbid + "/status", "{\"status\": \"Paused\"}", 403);
        forbiddenDelete(other, base + "/" + cbid);
        // The other partner's own fleet does not hold this callback.
        call(other, "GET", "/fleets/" + otherFleet.id() + "/remote/callbacks/" + cbid, null, 404);
        call(other, "DELETE", "/fleets/" + otherFleet.id() + "/remote/callbacks/" + cbid, null, 404);
        assertThat(call(owner, "GET", base + "/" + cbid, null, 200).path("status").asString()).isEqualTo("Running");
        call(owner, "GET", "/fleets/no-such-fleet/remote/callbacks", null, 404);
    }

    // ---- remotes

    @Test
    void aFleetRemoteRunsToDoneAndTheReceiverGetsB2bBodies() {
        Car c = car(fleet, null);
        String cbid = callback(owner, fleet, "/done", "[\"Doors\", \"Horn\"]", null);
        String path = remotes(fleet, c, cbid);
        String lock = "{\"label\": \"lock\", \"door\": {\"state\": \"Locked\"}}";
        JsonNode created = call(owner, "POST", path, lock, 202);
        String id = created.path("remoteActionId").asString();
        ObjectNode ref = json.createObjectNode();
        ObjectNode links = ref.putObject("_links");
        links.putObject("fleet").put("href", href(owner, "/fleets/" + fleet.id()));
        links.putObject("callback").put("href", href(owner, "/fleets/" + fleet.id() + "/remote/callbacks/" + cbid));
        links.putObject("remote").put("href", href(owner, path + "/" + id));
        ref.put("remoteActionId", id);
        ref.put("type", "Doors");
        assertThat(created).isEqualTo(ref);

        JsonNode command = command(c, id);
        assertThat(command.path("action").asString()).isEqualTo("door");
        assertThat(command.path("params")).isEqualTo(json.readTree("{\"state\": \"Locked\"}"));
        done(c, id, "Success");

        List<JsonNode> bodies = notified("/done", id, 4);
        assertThat(bodies.stream().map(FleetRemotesApiTests::status).toList()).containsExactly("Pending/Accepted",
                "Pending/CheckingVehicle", "Pending/SentToVehicle", "Done/Success");
        JsonNode last = bodies.get(3);
        assertThat(last.path("callbackId").asString()).isEqualTo(cbid);
        assertThat(last.path("attributes")).isEqualTo(json.readTree("[{\"key\": \"car\", \"value\": \"" + c.vin()
                + "\"}]"));
        JsonNode event = last.path("events").get(0);
        assertThat(event.path("remoteActionId").asString()).isEqualTo(id);
        assertThat(event.path("vin").asString()).isEqualTo(c.vin());
        assertThat(event.path("remoteType").asString()).isEqualTo("Doors");
        assertThat(Instant.parse(event.path("eventDate").asString())).isBefore(Instant.now().plusSeconds(1));

        JsonNode one = call(owner, "GET", path + "/" + id, null, 200);
        ObjectNode action = json.createObjectNode();
        ObjectNode selfLinks = action.putObject("_links");
        selfLinks.putObject("fleet").put("href", href(owner, "/fleets/" + fleet.id()));
        selfLinks.putObject("callback").put("href", href(owner, "/fleets/" + fleet.id() + "/remote/callbacks/"
                + cbid));
        selfLinks.putObject("self").put("href", href(owner, path + "/" + id));
        action.put("remoteActionId", id);
        action.put("type", "Doors");
        action.set("remote", json.readTree(lock));
        action.put("status", "Success");
        assertThat(one).isEqualTo(action);

        JsonNode list = call(owner, "GET", path, null, 200);
        assertThat(list.path("total").asInt()).isEqualTo(1);
        assertThat(list.path("_embedded").path("remoteActions").get(0)).isEqualTo(action);
    }

    @Test
    void remotesOutsideTheFleetTheCallbackOrTheContractAreRefused() {
        Car mine = car(fleet, null);
        Car outside = car(null, null);
        Car theirs = car(otherFleet, null);
        String cbid = callback(owner, fleet, "/refused", "[\"Doors\"]", null);
        String otherCbid = callback(other, otherFleet, "/refused-other", "[\"Doors\"]", null);
        String lock = "{\"door\": {\"state\": \"Locked\"}}";
        int before = jdbc.sql("SELECT COUNT(*) FROM b2c_remote").query(Integer.class).single();
        // Another partner's fleet.
        call(other, "POST", remotes(fleet, mine, cbid), lock, 403);
        call(other, "GET", remotes(fleet, mine, cbid), null, 403);
        // A vehicle that is not in the fleet (in none, or in another partner's).
        call(owner, "POST", remotes(fleet, outside, cbid), lock, 403);
        call(owner, "POST", remotes(fleet, theirs, cbid), lock, 403);
        // The callback of another fleet.
        call(owner, "POST", remotes(fleet, mine, otherCbid), lock, 404);
        call(owner, "GET", remotes(fleet, mine, otherCbid), null, 404);
        // A type the callback does not accept.
        call(owner, "POST", remotes(fleet, mine, cbid), "{\"horn\": {\"state\": \"Activated\"}}", 400);
        // An action outside the schema.
        call(owner, "POST", remotes(fleet, mine, cbid), "{\"stolen\": {\"stolen\": true, \"trackingPeriod\":"
                + " {\"running\": 30}}}", 400);
        call(owner, "POST", remotes(fleet, mine, cbid), "{\"immobilization\": {}}", 400);
        // A contract without the remote's scope.
        Car doorsCar = car(doorsFleet, null);
        String doorsCb = callback(doorsOnly, doorsFleet, "/doors", "[\"Doors\"]", null);
        call(doorsOnly, "POST", remotes(doorsFleet, doorsCar, doorsCb), "{\"immobilization\": {\"activate\": true}}",
                403);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM b2c_remote").query(Integer.class).single()).isEqualTo(before);
        // A callback with a remote in progress stays.
        String id = call(owner, "POST", remotes(fleet, mine, cbid), lock, 202).path("remoteActionId").asString();
        call(owner, "DELETE", "/fleets/" + fleet.id() + "/remote/callbacks/" + cbid, null, 400);
        call(owner, "GET", remotes(fleet, mine, cbid) + "/" + id, null, 200);
        call(other, "GET", remotes(fleet, mine, cbid) + "/" + id, null, 403);
    }

    @Test
    void retryPolicyNoneIsOneAttemptAndBoundedIsOnePlusRetryNumber() {
        Car c = car(fleet, null);
        String none = callback(owner, fleet, "/failing-none", "[\"Lights\"]", "{\"policy\": \"None\"}");
        String bounded = callback(owner, fleet, "/failing-bounded", "[\"Horn\"]",
                "{\"policy\": \"Bounded\", \"retryNumber\": 2, \"retryDelay\": 1}");
        String lightsId = call(owner, "POST", remotes(fleet, c, none), "{\"lights\": {\"on\": true}}", 202)
                .path("remoteActionId").asString();
        String hornId = call(owner, "POST", remotes(fleet, c, bounded), "{\"horn\": {\"state\": \"Activated\"}}", 202)
                .path("remoteActionId").asString();
        for (String stream : List.of(lightsId, hornId)) {
            await("notifications of " + stream + " given up").atMost(Duration.ofSeconds(60))
                    .until(() -> jdbc.sql("SELECT COUNT(*) FROM delivery_notification WHERE stream_key = ?"
                            + " AND completed_at IS NULL").param(stream).query(Integer.class).single() == 0);
        }
        assertThat(attempts("/failing-none")).isNotEmpty().allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(attempts("/failing-bounded")).isNotEmpty().allSatisfy((id, n) -> assertThat(n).isEqualTo(3));
    }

    /** How many times each notification reached the path. */
    private Map<String, Integer> attempts(String path) {
        return received.stream().filter(r -> r.path().equals(path))
                .flatMap(r -> r.body().path("events").valueStream())
                .collect(Collectors.groupingBy(e -> e.path("notificationId").asString(),
                        Collectors.summingInt(e -> 1)));
    }

    // ---- stolen vehicles

    @Test
    void aStolenDeclarationTracksPositionsAndRefusesB2cRemotesUntilWithdrawn() {
        // A user's car in a fleet: the user's app sends B2C remotes, the fleet owner declares it stolen.
        String secret = "fleet-stolen-secret";
        String password = "fleet-stolen-password";
        App app = apps.ensureRegistered(new AppRegistration("Stolen app", "Sends remotes", "Odomo tests",
                "dev@example.com", 1000L, "fleet-stolen", Scopes.ALL, List.of(Enrollment.REDIRECT), "unlimited"),
                "fleet-stolen-client", secret);
        Account user = accounts.create(Brand.PEUGEOT, "stolen." + System.nanoTime() + "@example.com", password,
                "Sam", "Test");
        String token = Enrollment.enroll(port, app.clientId(), secret, Brand.PEUGEOT.realm(), user.email(), password,
                List.copyOf(Scopes.ALL), false).accessToken();
        Car c = car(fleet, user.id());
        String cbid = callback(owner, fleet, "/stolen", "[\"Stolen\", \"Immobilization\"]", null);
        String path = remotes(fleet, c, cbid);
        String stolenBase = "/fleets/" + fleet.id() + "/vehicles/" + c.id() + "/stolen";
        assertThat(call(owner, "GET", stolenBase, null, 200).path("total").asInt()).isZero();

        String declare = call(owner, "POST", path, "{\"label\": \"stolen\", \"stolen\": {\"stolen\": true}}", 202)
                .path("remoteActionId").asString();
        assertThat(stolenStates.stolen(c.vin())).isTrue();
        assertThat(command(c, declare).path("action").asString()).isEqualTo("stolen");
        done(c, declare, "Success");
        assertThat(status(notified("/stolen", declare, 4).get(3))).isEqualTo("Done/Success");
        JsonNode history = call(owner, "GET", stolenBase, null, 200);
        assertThat(history.path("total").asInt()).isEqualTo(1);
        JsonNode declaration = history.path("_embedded").path("stolen").get(0);
        String sid = declaration.path("id").asString();
        assertThat(declaration.path("state").asBoolean()).isTrue();
        assertThat(declaration.has("endAt")).isFalse();

        // What the car reports while declared stolen.
        telemetry(c, 2.40, 48.90);
        telemetry(c, 2.45, 48.95);
        JsonNode waypoints = call(owner, "GET", stolenBase + "/" + sid + "/waypoints", null, 200);
        assertThat(waypoints.path("total").asInt()).isEqualTo(2);
        List<String> coordinates = new ArrayList<>();
        waypoints.path("_embedded").path("positions").forEach(p -> coordinates.add(
                p.path("geometry").path("coordinates").get(0).asDouble() + ","
                        + p.path("geometry").path("coordinates").get(1).asDouble()));
        assertThat(coordinates).containsExactly("2.4,48.9", "2.45,48.95");

        // The user's app cannot act on a car declared stolen.
        String b2cCallback = b2c(token, app, "POST", "/user/callbacks", "{\"label\": \"b2c\", \"type\": [\"Remote\"],"
                + " \"callback\": {\"webhook\": {\"name\": \"h\", \"target\": \"" + target("/b2c") + "\"}}}", 200)
                .path("callbackId").asString();
        String b2cPath = "/user/vehicles/" + c.id() + "/callbacks/" + b2cCallback + "/remotes";
        String b2cId = b2c(token, app, "POST", b2cPath, "{\"horn\": {\"state\": \"Activated\"}}", 202)
                .path("remoteActionId").asString();
        JsonNode refused = b2c(token, app, "GET", b2cPath + "/" + b2cId, null, 200);
        assertThat(refused.path("status").asString()).isEqualTo("Failed");
        assertThat(refused.path("failureCause").asString()).isEqualTo("NotPossibleDueToVehicleStolenState");

        // Withdrawn: closed, no longer stolen.
        String withdraw = call(owner, "POST", path, "{\"stolen\": {\"stolen\": false}}", 202).path("remoteActionId")
                .asString();
        command(c, withdraw);
        done(c, withdraw, "Success");
        assertThat(stolenStates.stolen(c.vin())).isFalse();
        JsonNode closed = call(owner, "GET", stolenBase + "/" + sid, null, 200);
        assertThat(closed.path("state").asBoolean()).isFalse();
        assertThat(closed.path("endAt").isString()).isTrue();
        assertThat(closed.path("startPosition").path("geometry").path("coordinates").get(0).asDouble()).isEqualTo(2.40);
        assertThat(closed.path("endPosition").path("geometry").path("coordinates").get(0).asDouble()).isEqualTo(2.45);
        telemetry(c, 2.50, 49.0);
        assertThat(call(owner, "GET", stolenBase + "/" + sid + "/waypoints", null, 200).path("total").asInt())
                .isEqualTo(2);
        // Another partner reaches none of it; an unknown declaration is a 404.
        call(other, "GET", stolenBase, null, 403);
        call(other, "GET", stolenBase + "/" + sid + "/waypoints", null, 403);
        call(owner, "GET", stolenBase + "/no-such", null, 404);
    }

    @Test
    void aDeclarationOutOfReachStaysDeclaredAndOneTheCarRefusesIsClosed() {
        Car silent = car(fleet, null);
        Car refusing = car(fleet, null);
        String cbid = callback(owner, fleet, "/reach-stolen", "[\"Stolen\"]", null);
        String first = call(owner, "POST", remotes(fleet, silent, cbid), "{\"stolen\": {\"stolen\": true}}", 202)
                .path("remoteActionId").asString();
        command(silent, first);
        // The car never answers: the action times out, the declaration stands.
        engine.sweep(Instant.now().plus(Duration.ofMinutes(3)));
        JsonNode timedOut = call(owner, "GET", remotes(fleet, silent, cbid) + "/" + first, null, 200);
        assertThat(timedOut.path("status").asString()).isEqualTo("Failed");
        assertThat(timedOut.path("failureCause").asString()).isEqualTo("VehicleConnectionTimeout");
        assertThat(stolenStates.stolen(silent.vin())).isTrue();
        String silentBase = "/fleets/" + fleet.id() + "/vehicles/" + silent.id() + "/stolen";
        JsonNode declared = call(owner, "GET", silentBase, null, 200);
        assertThat(declared.path("total").asInt()).isEqualTo(1);
        assertThat(declared.path("_embedded").path("stolen").get(0).path("state").asBoolean()).isTrue();
        String sid = declared.path("_embedded").path("stolen").get(0).path("id").asString();
        // Declared again, the car answers: the same declaration is tracked.
        String again = call(owner, "POST", remotes(fleet, silent, cbid), "{\"stolen\": {\"stolen\": true}}", 202)
                .path("remoteActionId").asString();
        command(silent, again);
        done(silent, again, "Success");
        assertThat(call(owner, "GET", silentBase, null, 200).path("total").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT state FROM stolen_declaration WHERE id = ?").param(sid).query(String.class)
                .single()).isEqualTo("Tracking");

        String refused = call(owner, "POST", remotes(fleet, refusing, cbid), "{\"stolen\": {\"stolen\": true}}", 202)
                .path("remoteActionId").asString();
        command(refusing, refused);
        done(refusing, refused, "Failed");
        assertThat(stolenStates.stolen(refusing.vin())).isFalse();
        JsonNode closed = call(owner, "GET", "/fleets/" + fleet.id() + "/vehicles/" + refusing.id() + "/stolen", null,
                200).path("_embedded").path("stolen").get(0);
        assertThat(closed.path("state").asBoolean()).isFalse();
        assertThat(closed.path("endAt").isString()).isTrue();
    }

    @Test
    void aDeclarationEndsWhenTheVehicleLeavesTheFleetThatMadeIt() {
        Car c = car(fleet, null);
        String cbid = callback(owner, fleet, "/leaves", "[\"Stolen\"]", null);
        String declare = call(owner, "POST", remotes(fleet, c, cbid), "{\"stolen\": {\"stolen\": true}}", 202)
                .path("remoteActionId").asString();
        command(c, declare);
        done(c, declare, "Success");
        assertThat(stolenStates.stolen(c.vin())).isTrue();
        String stolenBase = "/fleets/" + fleet.id() + "/vehicles/" + c.id() + "/stolen";
        String sid = call(owner, "GET", stolenBase, null, 200).path("_embedded").path("stolen").get(0).path("id")
                .asString();
        fleets.addVehicle(otherFleet.id(), c.vin());
        assertThat(stolenStates.stolen(c.vin())).isFalse();
        // The fleet that declared it no longer reaches the vehicle; the other partner sees no declaration of its own.
        call(owner, "GET", stolenBase + "/" + sid, null, 403);
        assertThat(call(other, "GET", "/fleets/" + otherFleet.id() + "/vehicles/" + c.id() + "/stolen", null, 200)
                .path("total").asInt()).isZero();
        assertThat(jdbc.sql("SELECT state FROM stolen_declaration WHERE id = ?").param(sid).query(String.class)
                .single()).isEqualTo("Closed");
    }

    JsonNode b2c(String token, App app, String method, String path, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connectedcar/v4"
                + path + "?client_id=" + app.clientId())).header("x-introspect-realm", Brand.PEUGEOT.realm())
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(expected);
            JsonNode answer = json.readTree(r.body());
            OpenApiSpec.Operation op = b2c.match(method, path).orElseThrow();
            assertThat(Exchanges.problems(b2c, op, body == null ? null : json.readTree(body), r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(null), answer)).as(path + " " + r.body()).isEmpty();
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
