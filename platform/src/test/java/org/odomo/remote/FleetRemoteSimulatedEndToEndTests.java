package org.odomo.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fleet remotes end to end on simulated cars at real time: the B2B API (validated against
 * api-b2b.yaml), the downlinks, the simulated car's answers, the B2B notifications a local webhook
 * receiver gets (validated against api-b2b-webhook-template-v3.yaml, in order), and what the car
 * does: locked; immobilized it does not start when its driver tries, lifted it starts; declared
 * stolen it reports its position every tracking period, listed in the declaration's waypoints.
 * The three cars run side by side.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1s"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetRemoteSimulatedEndToEndTests extends SimulatedRemoteHarness {

    static final String HOOK = "/fleet-events";

    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleetDirectory;

    final OpenApiSpec b2b = new OpenApiSpec("api-b2b.yaml", B2bClient.BASE);
    final OpenApiSpec b2bTemplate = new OpenApiSpec("api-b2b-webhook-template-v3.yaml", "");
    B2bClient owner;
    Fleet fleet;

    @Override
    String name() {
        return "fleet-remote-e2e";
    }

    @BeforeAll
    void fleetOwner() {
        owner = new B2bClient(port, B2bPartners.register(partners, "fleet-e2e-" + System.nanoTime() % 1_000_000,
                Set.of("data:telemetry", "data:position", "remote:door:write", "remote:immobilization:write",
                        "remote:stolen:write")));
        fleet = fleetDirectory.create(owner.credentials().partner().id(), "E2E", "simulated cars");
    }

    JsonNode b2b(String method, String path, String body, int expected) {
        HttpResponse<String> r = owner.send(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(expected);
        JsonNode answer = json.readTree(r.body());
        OpenApiSpec.Operation op = b2b.match(method, path).orElseThrow();
        assertThat(Exchanges.problems(b2b, op, body == null ? null : json.readTree(body), r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null), answer)).as(path + " " + r.body()).isEmpty();
        return answer;
    }

    String send(Car c, String cbid, String body) {
        return b2b("POST", "/fleets/" + fleet.id() + "/vehicles/" + c.registered().vehicle().apiId() + "/callbacks/"
                + cbid + "/remotes", body, 202).path("remoteActionId").asString();
    }

    /** The statuses notified for one remote, in order, once its Done came; each body checked whole. */
    List<String> done(String remoteId, Duration within) {
        await(remoteId + " done").atMost(within).until(() -> events(remoteId).stream()
                .anyMatch(e -> e.path("eventStatus").path("type").asString().equals("Done")));
        List<String> statuses = new ArrayList<>();
        for (JsonNode e : events(remoteId)) {
            JsonNode s = e.path("eventStatus");
            statuses.add(s.path("type").asString() + "/" + s.path("status").asString()
                    + (s.has("failureCause") ? "/" + s.path("failureCause").asString() : ""));
        }
        return statuses;
    }

    private List<JsonNode> events(String remoteId) {
        List<JsonNode> found = new ArrayList<>();
        for (Received r : received.stream().filter(r -> r.path().equals(HOOK)).toList()) {
            ObjectNode body = ((ObjectNode) r.body()).deepCopy();
            body.path("events").forEach(e -> ((ObjectNode) e).remove("notificationId"));
            OpenApiSpec.Operation post = b2bTemplate.match("POST", "/remote/webhook").orElseThrow();
            assertThat(b2bTemplate.validateRequest(post, body, true)).as(body.toString()).isEmpty();
            for (JsonNode e : body.path("events")) {
                if (e.path("remoteActionId").asString().equals(remoteId)) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    int started(Car c) {
        return jdbc.sql("SELECT COUNT(*) FROM vehicle_event WHERE vin = ? AND (type = 'trip-started'"
                + " OR (type = 'data-received' AND payload LIKE '%Unlocked%'))").param(c.vin())
                .query(Integer.class).single();
    }

    @Test
    void fleetRemotesRunOnSimulatedCars() {
        Car locker = car("P-308");
        Car immobile = car("P-308");
        Car stolen = car("P-308");
        for (Car c : List.of(locker, immobile, stolen)) {
            fleetDirectory.addVehicle(fleet.id(), c.vin());
        }
        long tripAt = Instant.now().getEpochSecond() + 30;
        Map<Car, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put(locker, asIs());
        // Its driver means to leave in half a minute.
        edits.put(immobile, asleep().andThen(s -> s.put("tripAt", tripAt)));
        edits.put(stolen, asleep().andThen(s -> s.put("tripAt", Long.MAX_VALUE)));
        simulate(edits);
        String cbid = b2b("POST", "/fleets/" + fleet.id() + "/remote/callbacks", "{\"label\": \"e2e\","
                + " \"remoteTypes\": [\"Doors\", \"Immobilization\", \"Stolen\"], \"callback\": {\"webhook\":"
                + " {\"name\": \"e2e\", \"target\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + HOOK
                + "\"}}}", 200).path("callbackId").asString();

        String lock = send(locker, cbid, "{\"door\": {\"state\": \"Locked\"}}");
        String immobilize = send(immobile, cbid, "{\"immobilization\": {\"activate\": true}}");
        String declare = send(stolen, cbid, "{\"stolen\": {\"stolen\": true}}");
        List<String> woken = List.of("Pending/Accepted", "Pending/CheckingVehicle", "Pending/WakingUpVehicle",
                "Pending/SentToVehicle", "Done/Success");
        assertThat(done(lock, Duration.ofSeconds(30))).isIn(
                List.of("Pending/Accepted", "Pending/CheckingVehicle", "Pending/SentToVehicle", "Done/Success"),
                List.of("Pending/Accepted", "Pending/CheckingVehicle", "Pending/SentToVehicle", "Done/AlreadyDone"));
        assertThat(done(immobilize, Duration.ofSeconds(30))).isEqualTo(woken);
        assertThat(done(declare, Duration.ofSeconds(30))).isEqualTo(woken);
        String period = send(stolen, cbid, "{\"stolen\": {\"trackingPeriod\": {\"shutdown\": 60}}}");
        assertThat(done(period, Duration.ofSeconds(30)).get(3)).isEqualTo("Done/Success");

        // The driver tries to leave at tripAt and again half a minute later: the car stays shut.
        long until = tripAt + 40 - Instant.now().getEpochSecond();
        await("the immobilized car stays parked").during(Duration.ofSeconds(Math.max(1, until)))
                .atMost(Duration.ofSeconds(until + 20)).until(() -> started(immobile) == 0);
        String lift = send(immobile, cbid, "{\"immobilization\": {\"activate\": false}}");
        assertThat(done(lift, Duration.ofSeconds(30)).get(done(lift, Duration.ofSeconds(30)).size() - 1))
                .isEqualTo("Done/Success");
        await("the car starts once lifted").atMost(Duration.ofSeconds(150)).until(() -> started(immobile) > 0);

        // The stolen car's positions: the one of its answer, then one a minute.
        String stolenBase = "/fleets/" + fleet.id() + "/vehicles/" + stolen.registered().vehicle().apiId() + "/stolen";
        JsonNode history = b2b("GET", stolenBase, null, 200);
        assertThat(history.path("total").asInt()).isEqualTo(1);
        String sid = history.path("_embedded").path("stolen").get(0).path("id").asString();
        assertThat(history.path("_embedded").path("stolen").get(0).path("state").asBoolean()).isTrue();
        await("positions reported while stolen").atMost(Duration.ofSeconds(90))
                .until(() -> b2b("GET", stolenBase + "/" + sid + "/waypoints", null, 200).path("total").asInt() >= 3);
        JsonNode positions = b2b("GET", stolenBase + "/" + sid + "/waypoints", null, 200).path("_embedded")
                .path("positions");
        Instant second = Instant.parse(positions.get(1).path("properties").path("createdAt").asString());
        Instant third = Instant.parse(positions.get(2).path("properties").path("createdAt").asString());
        assertThat(Duration.between(second, third)).isEqualTo(Duration.ofSeconds(60));

        String withdraw = send(stolen, cbid, "{\"stolen\": {\"stolen\": false}}");
        assertThat(done(withdraw, Duration.ofSeconds(30)).get(3)).isEqualTo("Done/Success");
        JsonNode closed = b2b("GET", stolenBase + "/" + sid, null, 200);
        assertThat(closed.path("state").asBoolean()).isFalse();
        assertThat(closed.path("endAt").isString()).isTrue();
    }
}
