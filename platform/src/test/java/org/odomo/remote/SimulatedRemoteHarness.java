package org.odomo.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the end-to-end remote tests share: a user with every scope, a local webhook receiver that
 * keeps what it gets, the API calls (validated against api-b2c.yaml) and simulated cars on the
 * in-process link at real time. A car's starting state (plugged, doors open, asleep, battery) is
 * set through the simulator's own snapshot format: the fleet is snapshotted before it starts, the
 * saved state edited, and restored into the fleet that runs.
 */
abstract class SimulatedRemoteHarness {

    static final String BASE = "/connectedcar/v4";
    static final String PASSWORD = "remote-e2e-password";

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    VehicleEventLog events;
    @Autowired
    VehicleTransport transport;
    @Autowired
    ProtocolCodec codec;
    @Autowired
    Remotes remotes;
    @Autowired
    JdbcClient jdbc;

    final OpenApiSpec template = new OpenApiSpec("api-b2c-webhook-template.yaml", "");
    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", BASE);
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    record Received(String path, JsonNode body) {
    }

    /** A user's vehicle, its callback (one receiver path each) and its simulated car's model. */
    record Car(RegisteredVehicle registered, String model, String callbackId, String path) {
        String vin() {
            return registered.vehicle().vin();
        }

        String remotes() {
            return "/user/vehicles/" + registered.vehicle().apiId() + "/callbacks/" + callbackId + "/remotes";
        }

        String status() {
            return "/user/vehicles/" + registered.vehicle().apiId() + "/status";
        }
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<FleetSimulator> fleets = new CopyOnWriteArrayList<>();
    App app;
    Account user;
    String token;

    abstract String name();

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
        String secret = name() + "-secret";
        app = apps.ensureRegistered(new AppRegistration(name(), "Sends remotes", "Odomo tests", "dev@example.com", 1000L,
                name(), Scopes.ALL, List.of(Enrollment.REDIRECT), "unlimited"), name() + "-client", secret);
        user = accounts.create(Brand.PEUGEOT, name() + "." + System.nanoTime() + "@example.com", PASSWORD, "Rey",
                "Test");
        token = Enrollment.enroll(port, app.clientId(), secret, Brand.PEUGEOT.realm(), user.email(), PASSWORD,
                List.copyOf(Scopes.ALL), false).accessToken();
    }

    @AfterEach
    void closeFleets() {
        fleets.forEach(FleetSimulator::close);
        fleets.clear();
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
    }

    // ---- vehicles

    Car car(String model, PrivacyMode mode, Set<ConnectedService> services) {
        RegisteredVehicle v = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model, user.id(),
                mode, services));
        String path = "/" + v.vehicle().vin();
        return new Car(v, model, callback(path), path);
    }

    Car car(String model) {
        return car(model, PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER));
    }

    /**
     * Runs the cars in a simulated fleet at real time; {@code edits} change a car's saved state
     * (field names of the simulator's snapshot) before it starts. Returns once every car has
     * introduced itself to the platform, or, when asleep, told it so.
     */
    FleetSimulator simulate(Map<Car, Consumer<ObjectNode>> edits) {
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(11).withIntroSpreadSeconds(1)
                .withRareEventFactor(0).withStart(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        try (FleetSimulator draft = new FleetSimulator(transport, codec, settings)) {
            for (Car c : edits.keySet()) {
                draft.add(new SimulatedVehicle(c.vin(), c.model(), c.registered().credential(),
                        c.registered().vehicle().privacyMode(), EnumSet.allOf(DataCategory.class), 2.35, 48.85));
            }
            draft.snapshot(saved);
        }
        ObjectNode snapshot = (ObjectNode) json.readTree(saved.toByteArray());
        Map<String, Consumer<ObjectNode>> byVin = new LinkedHashMap<>();
        edits.forEach((c, edit) -> byVin.put(c.vin(), edit));
        for (JsonNode v : (ArrayNode) snapshot.get("vehicles")) {
            byVin.get(v.path("vin").asString()).accept((ObjectNode) v.get("state"));
        }
        FleetSimulator fleet = new FleetSimulator(transport, codec, settings);
        fleets.add(fleet);
        fleet.restore(new ByteArrayInputStream(json.writeValueAsBytes(snapshot)));
        fleet.start();
        for (Car c : edits.keySet()) {
            await(c.vin() + " talked").atMost(Duration.ofSeconds(20)).until(() -> jdbc
                    .sql("SELECT COUNT(*) FROM vehicle_event WHERE vin = ?").param(c.vin()).query(Integer.class)
                    .single() > 0);
        }
        EventConsumers.awaitCaughtUp(events);
        return fleet;
    }

    static Consumer<ObjectNode> asIs() {
        return s -> {
        };
    }

    /** Plugged in at home, not charging, a 48 kWh battery at 40 % that charges to full. */
    static Consumer<ObjectNode> plugged() {
        return s -> s.put("plugged", true).put("chargeStatus", 3).put("chargeMode", 0).put("batteryKwh", 19.3)
                .put("chargeTarget", 100.0);
    }

    /** Introduced long ago and idle for more than the 3 minutes: it says Asleep at once. */
    static Consumer<ObjectNode> asleep() {
        return s -> s.put("introduced", true).put("introAt", Long.MAX_VALUE).put("awake", true)
                .put("lastExchange", Instant.now().getEpochSecond() - 400);
    }

    // ---- API

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
            if (!path.contains("/x-odomo-") && !path.endsWith("/callbacks")) {
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

    // ---- notifications

    /** The published Message, without the documented notificationId extension, once checked. */
    ObjectNode published(Received r) {
        ObjectNode body = ((ObjectNode) r.body()).deepCopy();
        assertThat(body.path("notificationId").isString()).isTrue();
        body.remove("notificationId");
        OpenApiSpec.Operation post = template.match("POST", "/messages/webhook").orElseThrow();
        assertThat(template.validateRequest(post, body, true)).as(body.toString()).isEmpty();
        return body;
    }

    List<Received> of(Car c, String remoteId) {
        return received.stream().filter(r -> r.path().equals(c.path())
                && r.body().path("remoteEvent").path("remoteActionId").asString().equals(remoteId)).toList();
    }

    /**
     * Waits for the action's Done notification and answers every notification it got, in order, as
     * "type/status[/cause]", each checked against the template and the action.
     */
    List<String> finished(Car c, String remoteId, Duration within) {
        await(remoteId + " done").atMost(within).until(() -> of(c, remoteId).stream()
                .anyMatch(r -> r.body().path("remoteEvent").path("eventStatus").path("type").asString().equals("Done")));
        List<String> statuses = new ArrayList<>();
        for (Received r : of(c, remoteId)) {
            ObjectNode m = published(r);
            assertThat(m.path("callbackId").asString()).isEqualTo(c.callbackId());
            assertThat(m.path("type").asString()).isEqualTo("Remote");
            JsonNode s = m.path("remoteEvent").path("eventStatus");
            statuses.add(s.path("type").asString() + "/" + s.path("status").asString()
                    + (s.has("failureCause") ? "/" + s.path("failureCause").asString() : ""));
        }
        return statuses;
    }

    List<String> finished(Car c, String remoteId) {
        return finished(c, remoteId, Duration.ofSeconds(30));
    }

    /** The stored view of the action: status and cause as "status[/cause]", and its transitions. */
    String stored(Car c, String remoteId) {
        JsonNode view = call("GET", c.remotes() + "/" + remoteId, null, 200);
        assertThat(view.path("remoteActionId").asString()).isEqualTo(remoteId);
        return view.path("status").asString()
                + (view.has("failureCause") ? "/" + view.path("failureCause").asString() : "");
    }

    List<String> transitions(Car c, String remoteId) {
        return call("GET", c.remotes() + "/" + remoteId + "/x-odomo-transitions", null, 200).path("transitions")
                .valueStream().map(t -> t.path("status").asString()).toList();
    }

    /** The notified statuses, without their type and cause, are the stored transitions. */
    void notifiedAsStored(Car c, String remoteId, List<String> notified) {
        assertThat(notified.stream().map(s -> s.split("/")[1]).toList()).isEqualTo(transitions(c, remoteId));
        String last = notified.get(notified.size() - 1);
        assertThat(stored(c, remoteId)).isEqualTo(last.substring(last.indexOf('/') + 1));
    }

    JsonNode status(Car c) {
        return call("GET", c.status(), null, 200);
    }
}
