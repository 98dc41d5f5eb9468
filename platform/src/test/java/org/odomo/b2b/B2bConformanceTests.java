package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.fleet.FleetDirectory;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedPast;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.ApiErrorFormat;
import org.odomo.spec.KnownSpecDefect;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.support.EventCar;
import org.odomo.tls.HttpsConnector;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls every operation of the published api-b2b.yaml as a fleet owner, over HTTPS with the
 * partner's client certificate, on simulated fleets, and
 * validates every answer against it: successes strictly (an undeclared member is an error),
 * errors against the documented error body too, requests against their documented bodies.
 *
 * <p>Writes {@code target/spec-coverage/b2b.md}: every published operation with the statuses whose
 * bodies were validated. An operation without a validated 2xx fails the test.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // over the platform's own TLS connector, the client certificate presented for real; the
        // forwarded-certificate header is trusted from no address
        "odomo.tls.enabled=true", "odomo.tls.port=0", "odomo.b2b.trusted-proxies=192.0.2.10" })
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B2bConformanceTests {

    static final String BASE = "/connectedcar/v3";

    @LocalServerPort
    int port;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleets;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleTransport transport;
    @Autowired
    ProtocolCodec codec;
    @Autowired
    HttpsConnector https;
    @Autowired
    PlatformCertificateAuthority ca;

    final OpenApiSpec spec = new OpenApiSpec("api-b2b.yaml", BASE);
    final JsonMapper json = JsonMapper.builder().build();
    /** Operation key -> status -> number of bodies validated. */
    final Map<String, Map<Integer, Integer>> validated = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    B2bClient client;
    String fleetId;
    String eventFleetId;
    /** API ids of the simulated cars (every model) of the first fleet. */
    final List<String> carIds = new ArrayList<>();
    final Map<String, String> vins = new LinkedHashMap<>();
    String eventCarId;
    String outsiderId;

    @BeforeAll
    void simulateTwoFleets() {
        java.util.Set<String> everyScope = new java.util.LinkedHashSet<>(Scopes.ALL);
        everyScope.addAll(Scopes.FLEET_ONLY);
        B2bPartners.Credentials credentials = B2bPartners.register(partners, "conformance-fleets", everyScope,
                "unlimited");
        client = B2bClient.https(https.port(Duration.ofMinutes(2)), credentials, ca.certificatePem());
        fleetId = fleets.create(credentials.partner().id(), "Every model", "one simulated car of each model").id();
        eventFleetId = fleets.create(credentials.partner().id(), "Events", "a car driven through every event").id();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(2));
        SimClock.Manual clock = SimClock.manual(start);
        FleetSimulator fleet = new FleetSimulator(transport, codec, SimulatorSettings.defaults().withSeed(23)
                .withRareEventFactor(600).withIntroSpreadSeconds(120), clock);
        int i = 0;
        for (VehicleModel model : VehicleModels.all()) {
            String id = simulated(fleet, model, i++);
            carIds.add(id);
            fleets.addVehicle(fleetId, vins.get(id), start);
        }
        SimulatedPast.liveUntil(fleet, clock, Instant.now().minusSeconds(120));
        fleet.close();
        eventCarId = driveAnEventCar();
        outsiderId = registry.register(new NewVehicle(brandVin(Brand.CITROEN, 77), Brand.CITROEN, "C-EC4", null,
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER))).vehicle().apiId();
    }

    private String simulated(FleetSimulator fleet, VehicleModel model, int i) {
        String vin = brandVin(model.brand(), i);
        RegisteredVehicle v = registry.register(new NewVehicle(vin, model.brand(), model.code(), null,
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        fleet.add(new SimulatedVehicle(vin, v.vehicle().modelCode(), v.credential(), PrivacyMode.DATA_AND_LOCATION,
                EnumSet.allOf(DataCategory.class), 2.2 + (i % 15) * 0.05, 48.8 + (i % 3) * 0.05));
        vins.put(v.vehicle().apiId(), vin);
        return v.vehicle().apiId();
    }

    /**
     * A plug-in hybrid sends, through the vehicle protocol, a drive during which an alert is raised
     * and a collision happens, then an alarm trigger while parked: every by-id read operation then
     * has something to answer, whatever the simulator drew.
     */
    private String driveAnEventCar() {
        String vin = brandVin(Brand.PEUGEOT, 9_999);
        RegisteredVehicle v = registry.register(new NewVehicle(vin, Brand.PEUGEOT, "P-3008H", null,
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        String credential = v.credential();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
        fleets.addVehicle(eventFleetId, vin, t0.minusSeconds(60));
        EventCar.send(transport, vin, EventCar.messages(vin, credential, t0));
        vins.put(v.vehicle().apiId(), vin);
        return v.vehicle().apiId();
    }

    private static String brandVin(Brand brand, int n) {
        String wmi = new TreeSet<>(brand.manufacturerCodes()).first();
        return wmi + String.format("B2B%011d", (System.nanoTime() / 1000 + n * 7919L) % 100_000_000_000L);
    }

    /** One answer: its status and body, after validation. */
    record Answer(int status, JsonNode body) {
        JsonNode embedded(String name) {
            return body.path("_embedded").path(name);
        }
    }

    Answer get(String pathAndQuery, int expectedStatus) {
        return call("GET", pathAndQuery, null, expectedStatus);
    }

    /** Sends, validates the request body, the answer, and records it; {@code expectedStatus} 0 for any. */
    Answer call(String method, String pathAndQuery, JsonNode requestBody, int expectedStatus) {
        HttpResponse<String> r = client.send(method, pathAndQuery, requestBody == null ? null
                : requestBody.toString());
        assertThat(r.sslSession()).as("over TLS").isPresent();
        String where = method + " " + pathAndQuery + " " + r.statusCode();
        if (expectedStatus != 0) {
            assertThat(r.statusCode()).as(where + " " + r.body()).isEqualTo(expectedStatus);
        }
        var op = spec.match(method.toLowerCase(), pathAndQuery)
                .orElseThrow(() -> new AssertionError("undocumented " + method + " " + pathAndQuery));
        if (requestBody != null && r.statusCode() < 300) {
            spec.validateRequest(op, requestBody, true).forEach(e -> problems.add(where + " request -> " + e));
        }
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        JsonNode body = json.missingNode();
        if (!r.body().isEmpty()) {
            try {
                body = json.readTree(r.body());
            } catch (RuntimeException e) {
                problems.add(where + " -> not JSON: " + r.body());
                return new Answer(r.statusCode(), body);
            }
        }
        if (r.statusCode() != 204) {
            List<String> errors = new ArrayList<>(spec.validateResponse(op, r.statusCode(), contentType, body, true));
            if (r.statusCode() >= 400) {
                errors.addAll(ApiErrorFormat.validate(r.statusCode(), contentType, body));
            }
            errors.forEach(e -> problems.add(where + " -> " + e));
        }
        validated.computeIfAbsent(op.key(), k -> new TreeMap<>()).merge(r.statusCode(), 1, Integer::sum);
        return new Answer(r.statusCode(), body);
    }

    String id(JsonNode item) {
        return item.path("id").asString();
    }

    /** The items of a collection answer, whatever the name of its embedded array. */
    static List<JsonNode> items(Answer a) {
        List<JsonNode> items = new ArrayList<>();
        for (var e : a.body().path("_embedded").properties()) {
            if (e.getValue().isArray()) {
                e.getValue().forEach(items::add);
            }
        }
        return items;
    }

    /** Every read operation of a fleet car, following the ids its lists give; at most {@code maxTrips} trips. */
    void readCar(String fid, String id, int maxTrips) {
        String v = "/fleets/" + fid + "/vehicles/" + id;
        get(v, 200);
        get(v + "?extension=onboardCapabilities", 0);
        get(v + "/status", 200);
        get(v + "/status?profile=endUser", 200);
        get(v + "/lastPosition", 200);
        get(v + "/maintenance", 0);
        get(v + "/telemetry?pageSize=50", 200);
        for (JsonNode a : items(get(v + "/alerts", 200))) {
            get(v + "/alerts/" + id(a), 200);
        }
        for (JsonNode c : items(get(v + "/collisions", 200))) {
            get(v + "/collisions/" + id(c), 200);
        }
        for (JsonNode a : items(get(v + "/alarms", 200))) {
            get(v + "/alarms/" + id(a), 200);
        }
        int n = 0;
        for (JsonNode t : items(get(v + "/trips?pageSize=10", 200))) {
            if (n++ >= maxTrips) {
                break;
            }
            String trip = v + "/trips/" + id(t);
            get(trip, 200);
            get(trip + "/wayPoints?pageSize=20", 200);
            get(trip + "/telemetry?pageSize=5", 200);
            for (JsonNode a : items(get(trip + "/alerts", 200))) {
                get(trip + "/alerts/" + id(a), 200);
            }
            // (the fleet API has no trip collision by id: the fleet's or the vehicle's serve it)
            for (JsonNode c : items(get(trip + "/collisions", 200))) {
                get(v + "/collisions/" + id(c), 200);
            }
        }
    }

    @Test
    void everyOperationAnswersAsPublished() {
        readEverything();
        writeEverything();
        assertThat(problems).as("exchanges that do not match api-b2b.yaml or the documented error body").isEmpty();
        List<String> untested = new ArrayList<>();
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (validated.getOrDefault(op.key(), Map.of()).keySet().stream().noneMatch(st -> st < 300)) {
                untested.add(op.key() + " (" + op.operationId() + ")");
            }
        }
        assertThat(untested).as("operations of api-b2b.yaml without a validated 2xx answer").isEmpty();
    }

    void readEverything() {
        await("the event car's trip with its alert and collision").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    HttpResponse<String> r = client.get("/fleets/" + eventFleetId + "/vehicles/" + eventCarId
                            + "/trips");
                    return r.statusCode() == 200 && json.readTree(r.body()).path("total").asInt() > 0;
                });
        get("/vehicles/" + vins.get(carIds.get(0)) + "?extension=onboardCapabilities", 200);
        assertThat(items(get("/fleets", 200))).extracting(this::id).contains(fleetId, eventFleetId);
        get("/fleets/" + fleetId, 200);
        assertThat(items(get("/fleets/" + fleetId + "/vehicles?pageSize=60", 200))).hasSize(carIds.size());
        get("/fleets/" + fleetId + "/vehicles?pageSize=2&vinPrefix=" + vins.get(carIds.get(0)).substring(0, 3), 200);
        for (String id : carIds) {
            readCar(fleetId, id, 2);
        }
        readCar(eventFleetId, eventCarId, Integer.MAX_VALUE);
        String e = "/fleets/" + eventFleetId;
        assertThat(items(get(e + "/vehicles/" + eventCarId + "/alerts", 200))).hasSize(1);
        assertThat(items(get(e + "/vehicles/" + eventCarId + "/collisions", 200))).hasSize(1);
        for (String fid : List.of(fleetId, eventFleetId)) {
            String f = "/fleets/" + fid;
            get(f + "/status?pageSize=5", 200);
            get(f + "/status?profile=endUser", 200);
            get(f + "/maintenances", 200);
            for (JsonNode a : items(get(f + "/alerts", 200))) {
                get(f + "/alerts/" + id(a), 200);
            }
            get(f + "/trips?pageSize=20", 200);
            for (JsonNode c : items(get(f + "/collisions", 200))) {
                get(f + "/collisions/" + id(c), 200);
            }
        }
        assertThat(items(get(e + "/alerts", 200))).hasSize(1);
        assertThat(items(get(e + "/collisions", 200))).hasSize(1);
        // error answers
        String v = "/fleets/" + fleetId + "/vehicles/" + carIds.get(0);
        get("/fleets/nope", 404);
        get("/fleets/" + fleetId + "/vehicles/" + outsiderId + "/status", 403);
        get("/fleets/" + fleetId + "/vehicles/nope/status", 404);
        get(v + "/trips/nope", 404);
        get(v + "/alerts/nope", 404);
        get(v + "/collisions/nope", 404);
        get(v + "/alarms/nope", 404);
        get(v + "/status?profile=everyone", 400);
        get("/fleets/" + fleetId + "/alerts?pageToken=forged", 400);
        get("/fleets/" + fleetId + "/status?pageSize=0", 400);
    }

    JsonNode body(String text) {
        return json.readTree(text);
    }

    /** The fleet monitors, remote callbacks, remotes and stolen-vehicle operations, with their error answers. */
    void writeEverything() {
        String monitors = "/fleets/" + fleetId + "/monitors";
        String monitor = """
                {"label": "low fuel", "subscribeParam": {"retryPolicy": {"policy": "Bounded", "retryNumber": 2,
                 "retryDelay": 30}, "batchNotify": {"size": 5, "timeWindow": 10}, "refreshEvent": 120,
                 "callback": {"webhook": {"name": "fleet hook", "target": "https://hooks.example.com/fleet",
                 "attributes": [{"type": "Header", "key": "X-Fleet", "value": "$fleetID"}]}}},
                 "triggerParam": {"triggers": [{"name": "fuel", "data": {"data": "vehicle.energy.fuel.level",
                 "op": "lowerThan", "value": ["10"]}}], "boolExp": "fuel"}}""";
        String mid = call("POST", monitors, body(monitor), 202).body().path("monitorId").asString();
        assertThat(items(get(monitors, 200))).extracting(m -> m.path("monitorId").asString()).contains(mid);
        get(monitors + "/" + mid, 200);
        call("PUT", monitors + "/" + mid, body(monitor.replace("\"10\"", "\"15\"")), 202);
        call("PUT", monitors + "/" + mid + "/status", body("{\"status\": \"Paused\"}"), 202);
        call("PUT", monitors + "/" + mid + "/status", body("{\"status\": \"Stopped\"}"), 400);
        call("POST", monitors, body("{\"label\": \"no trigger\"}"), 400);
        get(monitors + "/nope", 404);
        call("DELETE", monitors + "/" + mid, null, 204);
        get(monitors + "/" + mid, 404);

        String callbacks = "/fleets/" + eventFleetId + "/remote/callbacks";
        String subscribe = """
                {"label": "remote hook", "remoteTypes": ["Doors", "Stolen", "Immobilization"],
                 "retryPolicy": {"policy": "None"}, "callback": {"webhook": {"name": "hook",
                 "target": "https://hooks.example.com/remotes", "attributes": [{"type": "Body", "key": "car",
                 "value": "$vin"}]}}}""";
        String cbid = call("POST", callbacks, body(subscribe), 200).body().path("callbackId").asString();
        assertThat(items(get(callbacks, 200))).isNotEmpty();
        get(callbacks + "?types=Doors", 200);
        get(callbacks + "/" + cbid, 200);
        call("PUT", callbacks + "/" + cbid, body(subscribe.replace("remote hook", "remote hook, renamed")), 202);
        call("PUT", callbacks + "/" + cbid + "/status", body("{\"status\": \"Paused\"}"), 202);
        call("PUT", callbacks + "/" + cbid + "/status", body("{\"status\": \"Running\"}"), 202);
        call("POST", callbacks, body("{\"label\": \"no types\"}"), 400);
        get(callbacks + "/nope", 404);

        String remotes = "/fleets/" + eventFleetId + "/vehicles/" + eventCarId + "/callbacks/" + cbid + "/remotes";
        String rid = call("POST", remotes, body("{\"label\": \"lock\", \"door\": {\"state\": \"Locked\"}}"), 202)
                .body().path("remoteActionId").asString();
        assertThat(items(get(remotes, 200))).extracting(a -> a.path("remoteActionId").asString()).contains(rid);
        get(remotes + "/" + rid, 200);
        get(remotes + "/nope", 404);
        call("POST", remotes, body("{\"horn\": {\"state\": \"Activated\"}}"), 0);
        call("POST", remotes, body("{\"door\": {\"state\": \"Locked\"}, \"horn\": {\"state\": \"Activated\"}}"),
                400);
        call("POST", remotes, body("{\"label\": \"stolen\", \"stolen\": {\"stolen\": true}}"), 202);

        String stolen = "/fleets/" + eventFleetId + "/vehicles/" + eventCarId + "/stolen";
        List<JsonNode> declarations = items(get(stolen, 200));
        assertThat(declarations).hasSize(1);
        String sid = id(declarations.get(0));
        get(stolen + "/" + sid, 200);
        get(stolen + "/" + sid + "/waypoints", 200);
        get(stolen + "/nope", 404);
        call("DELETE", callbacks + "/nope", null, 404);
        String spare = call("POST", callbacks, body(subscribe.replace("remote hook", "spare")), 200).body()
                .path("callbackId").asString();
        call("DELETE", callbacks + "/" + spare, null, 204);
        get(callbacks + "/" + spare, 404);
    }

    @AfterAll
    void writeCoverage() throws IOException {
        StringBuilder report = new StringBuilder("# B2B operations validated against api-b2b.yaml\n\n"
                + "Statuses whose answer bodies were validated (number of answers); an operation without a"
                + " validated 2xx fails the conformance test.\n\n"
                + "| operation | 2xx validated | errors validated | verdict |\n| --- | --- | --- | --- |\n");
        for (OpenApiSpec.Operation op : spec.operations()) {
            Map<Integer, Integer> seen = validated.getOrDefault(op.key(), Map.of());
            Map<Integer, Integer> ok = new TreeMap<>();
            Map<Integer, Integer> errors = new TreeMap<>();
            seen.forEach((s, n) -> (s < 300 ? ok : errors).put(s, n));
            report.append("| `").append(op.key()).append("` (").append(op.operationId()).append(") | ")
                    .append(ok.isEmpty() ? "-" : ok).append(" | ").append(errors.isEmpty() ? "-" : errors)
                    .append(" | ").append(ok.isEmpty() ? "**untested**" : "tested").append(" |\n");
        }
        report.append("\n## Known defects of the published file relied on\n\n");
        for (KnownSpecDefect d : spec.defectsApplied()) {
            report.append("- `").append(d.name()).append("`: ").append(d.description()).append('\n');
        }
        if (!problems.isEmpty()) {
            report.append("\n## Problems\n\n");
            problems.forEach(p -> report.append("- ").append(p).append('\n'));
        }
        Path out = Path.of("target", "spec-coverage", "b2b.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
