package org.odomo.b2c;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatedPast;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.ApiErrorFormat;
import org.odomo.spec.KnownSpecDefect;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.EventCar;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Motorization;
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
 * Calls the B2C read operations over HTTP and validates every answer against the published
 * api-b2c.yaml: successes strictly (an undeclared member is an error), errors against the
 * documented error body too. The data comes from simulated cars of every model, and from one car
 * driven message by message through the vehicle protocol so that alerts, collisions (during a
 * trip) and an alarm exist whatever the simulator draws. Answers are read with every data scope
 * alone and all together, and from cars of every motorization in every privacy mode and with
 * every connected service, since filtering must never drop a member the schema requires.
 *
 * <p>Writes {@code target/spec-coverage/b2c.md}: every published operation with the statuses whose
 * bodies were validated, and the known defects of the file the validation relied on. A read
 * operation without a validated 2xx fails the test: an error probe alone proves nothing.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B2cConformanceTests {

    static final String SECRET = "conformance-secret";
    static final String PASSWORD = "conformance-password";
    /** The filtered cars: a privacy mode, or the connected services left active. */
    static final Map<String, Variation> VARIATIONS = new LinkedHashMap<>();

    record Variation(PrivacyMode privacy, Set<ConnectedService> services) {
    }

    static {
        VARIATIONS.put("privacy Geolocation", new Variation(PrivacyMode.DATA, EnumSet.of(ConnectedService.PARTNER)));
        VARIATIONS.put("privacy Full", new Variation(PrivacyMode.PLANE, EnumSet.of(ConnectedService.PARTNER)));
        for (ConnectedService s : ConnectedService.values()) {
            if (s != ConnectedService.PARTNER) {
                VARIATIONS.put("service " + s.name(), new Variation(PrivacyMode.DATA_AND_LOCATION, EnumSet.of(s)));
            }
        }
        VARIATIONS.put("no service", new Variation(PrivacyMode.DATA_AND_LOCATION, EnumSet.noneOf(
                ConnectedService.class)));
    }

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleTransport transport;
    @Autowired
    ProtocolCodec codec;

    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", "/connectedcar/v4");
    final JsonMapper json = JsonMapper.builder().build();
    /** Operation key -> status -> number of bodies validated. */
    final Map<String, Map<Integer, Integer>> validated = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    final Set<String> links = new TreeSet<>();
    final Map<String, String> tokens = new LinkedHashMap<>();
    App app;
    /** Every model, full data. */
    final List<String> fleetIds = new ArrayList<>();
    /** Variation name -> one car of each motorization. */
    final Map<String, List<String>> variationIds = new LinkedHashMap<>();
    String eventCarId;
    boolean traversed;
    Throwable traversalFailure;
    boolean collectingLinks = true;

    @BeforeAll
    void simulateAFleetAndEnroll() throws Exception {
        app = apps.ensureRegistered(new AppRegistration("Conformance", "Checks the API against its spec", "Odomo tests",
                "dev@example.com", 1000L, "conformance", Scopes.DATA, List.of(Enrollment.REDIRECT), "unlimited"),
                "conformance-client", SECRET);
        Account owner = accounts.create(Brand.PEUGEOT, "conformance." + System.nanoTime() + "@example.com", PASSWORD,
                "Con", "Formance");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(2));
        SimClock.Manual clock = SimClock.manual(start);
        FleetSimulator fleet = new FleetSimulator(transport, codec, SimulatorSettings.defaults().withSeed(11)
                .withRareEventFactor(600).withIntroSpreadSeconds(120), clock);
        int i = 0;
        for (VehicleModel model : VehicleModels.all()) {
            fleetIds.add(simulated(fleet, owner, model, i++));
        }
        Map<Motorization, VehicleModel> oneOfEach = new TreeMap<>();
        VehicleModels.all().forEach(m -> oneOfEach.putIfAbsent(m.motorization(), m));
        Map<String, String> variationVins = new LinkedHashMap<>();
        for (String name : VARIATIONS.keySet()) {
            for (VehicleModel model : oneOfEach.values()) {
                String id = simulated(fleet, owner, model, i++);
                variationIds.computeIfAbsent(name, k -> new ArrayList<>()).add(id);
                variationVins.put(id, name);
            }
        }
        SimulatedPast.liveUntil(fleet, clock, Instant.now().minusSeconds(120));
        fleet.close();
        // The variations apply once the data is stored: reading must filter what is there.
        for (Map.Entry<String, String> e : variationVins.entrySet()) {
            String vin = vins.get(e.getKey());
            Variation v = VARIATIONS.get(e.getValue());
            if (v.privacy() != PrivacyMode.DATA_AND_LOCATION) {
                registry.setPrivacyMode(vin, v.privacy());
            }
            v.services().forEach(s -> registry.activateService(vin, s));
            if (!v.services().contains(ConnectedService.PARTNER)) {
                registry.deactivateService(vin, ConnectedService.PARTNER);
            }
        }
        eventCarId = driveAnEventCar(owner);
        tokens.put("all data scopes", token(new ArrayList<>(Scopes.DATA), owner));
        for (String scope : List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP, Scopes.ALERT, Scopes.COLLISION)) {
            tokens.put(scope, token(List.of(scope), owner));
        }
    }

    final Map<String, String> vins = new LinkedHashMap<>();

    private String simulated(FleetSimulator fleet, Account owner, VehicleModel model, int i) {
        String vin = brandVin(model.brand(), i);
        RegisteredVehicle v = registry.register(new NewVehicle(vin, model.brand(), model.code(), owner.id(),
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        fleet.add(new SimulatedVehicle(vin, v.vehicle().modelCode(), v.credential(), PrivacyMode.DATA_AND_LOCATION,
                EnumSet.allOf(DataCategory.class), 2.2 + (i % 15) * 0.05, 48.8 + (i % 3) * 0.05));
        vins.put(v.vehicle().apiId(), vin);
        return v.vehicle().apiId();
    }

    /**
     * A plug-in hybrid sends, through the vehicle protocol, a drive during which an alert is
     * raised and a collision happens, then an alarm trigger while parked: every by-id read
     * operation then has something to answer.
     */
    private String driveAnEventCar(Account owner) {
        String vin = brandVin(Brand.PEUGEOT, 9_999);
        RegisteredVehicle v = registry.register(new NewVehicle(vin, Brand.PEUGEOT, "P-3008H", owner.id(),
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        String credential = v.credential();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
        EventCar.send(transport, vin, EventCar.messages(vin, credential, t0));
        return v.vehicle().apiId();
    }

    private String token(List<String> scopes, Account owner) {
        return Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), owner.email(), PASSWORD, scopes,
                false).accessToken();
    }

    private static String brandVin(Brand brand, int n) {
        String wmi = new TreeSet<>(brand.manufacturerCodes()).first();
        return wmi + String.format("CNF%011d", (System.nanoTime() / 1000 + n * 7919L) % 100_000_000_000L);
    }

    /** One answer: its status and body, after validation. */
    record Answer(int status, JsonNode body) {
        JsonNode embedded(String name) {
            return body.path("_embedded").path(name);
        }
    }

    /** Reads with the token, validates the answer and records it; {@code expectedStatus} 0 for any. */
    private Answer get(String tokenName, String pathAndQuery, int expectedStatus) {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4" + pathAndQuery + sep + "client_id="
                + app.clientId(), Map.of("Authorization", "Bearer " + tokens.get(tokenName), "x-introspect-realm",
                        Brand.PEUGEOT.realm()));
        String where = "[" + tokenName + "] GET " + pathAndQuery + " " + r.statusCode();
        if (expectedStatus != 0) {
            assertThat(r.statusCode()).as(where + " " + r.body()).isEqualTo(expectedStatus);
        }
        var op = spec.match("get", pathAndQuery).orElseThrow(() -> new AssertionError("undocumented " + pathAndQuery));
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        JsonNode body;
        try {
            body = json.readTree(r.body());
        } catch (RuntimeException e) {
            problems.add(where + " -> not JSON: " + r.body());
            return new Answer(r.statusCode(), json.missingNode());
        }
        List<String> errors = new ArrayList<>(spec.validateResponse(op, r.statusCode(), contentType, body, true));
        if (r.statusCode() >= 400) {
            errors.addAll(ApiErrorFormat.validate(r.statusCode(), contentType, body));
        }
        errors.forEach(e -> problems.add(where + " -> " + e));
        validated.computeIfAbsent(op.key(), k -> new TreeMap<>()).merge(r.statusCode(), 1, Integer::sum);
        if (r.statusCode() < 300 && collectingLinks) {
            collectLinks(body);
        }
        return new Answer(r.statusCode(), body);
    }

    /** Every read operation of a car, following the ids its lists give; at most {@code maxTrips} trips. */
    private void readCar(String tokenName, String id, int maxTrips, boolean full) {
        int ok = full ? 200 : 0;
        String v = "/user/vehicles/" + id;
        get(tokenName, v + "?extension=onboardCapabilities,branding,pictures", ok);
        get(tokenName, v + "/status", ok);
        get(tokenName, v + "/lastPosition", ok);
        get(tokenName, v + "/maintenance", ok);
        get(tokenName, v + "/telemetry?pageSize=50&extension=location,maintenance", ok);
        get(tokenName, v + "/telemetry?type=vehicle.energies,environment&pageSize=5", ok);
        for (JsonNode a : get(tokenName, v + "/alerts", ok).embedded("alerts")) {
            get(tokenName, v + "/alerts/" + a.path("id").stringValue(), 200);
        }
        for (JsonNode c : get(tokenName, v + "/collisions", ok).embedded("Collisions")) {
            get(tokenName, v + "/collisions/" + c.path("id").stringValue(), 200);
        }
        for (JsonNode a : get(tokenName, v + "/alarms", ok).embedded("alarms")) {
            get(tokenName, v + "/alarms/" + a.path("id").stringValue(), 200);
        }
        String base = v + "/trips";
        int n = 0;
        for (JsonNode t : get(tokenName, base + "?pageSize=10", ok).embedded("trips")) {
            if (n++ >= maxTrips) {
                break;
            }
            String trip = base + "/" + t.path("id").stringValue();
            get(tokenName, trip, 200);
            get(tokenName, trip + "/wayPoints?pageSize=20", ok);
            get(tokenName, trip + "/telemetry?pageSize=5", ok);
            for (JsonNode a : get(tokenName, trip + "/alerts", ok).embedded("alerts")) {
                get(tokenName, trip + "/alerts/" + a.path("id").stringValue(), 200);
            }
            for (JsonNode c : get(tokenName, trip + "/collisions", ok).embedded("Collisions")) {
                get(tokenName, trip + "/collisions/" + c.path("id").stringValue(), 200);
            }
        }
        get(tokenName, base + "?distance=1-&duration=60-&states=Nominal,Unfinished", ok);
    }

    /** Reads everything once; both tests look at the result. */
    private synchronized void traverse() {
        if (traversed) {
            return;
        }
        if (traversalFailure != null) {
            throw new AssertionError("reading every operation failed", traversalFailure);
        }
        try {
            readEverything();
            traversed = true;
        } catch (RuntimeException | AssertionError e) {
            traversalFailure = e;
            throw e;
        }
    }

    private void readEverything() {
        String all = "all data scopes";
        // The event car's trip is tracked from the stored messages: wait until it is there.
        await("the event car's trip with its alert and collision").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4/user/vehicles/" + eventCarId
                            + "/trips?client_id=" + app.clientId(), Map.of("Authorization", "Bearer " + tokens.get(
                                    all), "x-introspect-realm", Brand.PEUGEOT.realm()));
                    return r.statusCode() == 200 && json.readTree(r.body()).path("total").asInt() > 0;
                });
        get(all, "/user", 200);
        Answer vehicles = get(all, "/user/vehicles?extension=onboardCapabilities,branding,pictures", 200);
        assertThat(vehicles.body().path("total").intValue()).isEqualTo(vins.size() + 1);
        get(all, "/user/vehicles?pageSize=2&indexRange=1-3", 200);
        for (String id : fleetIds) {
            readCar(all, id, Integer.MAX_VALUE, true);
        }
        String v = "/user/vehicles/" + eventCarId;
        readCar(all, eventCarId, Integer.MAX_VALUE, true);
        // The event car's events are there, at vehicle and at trip level, whatever the simulator drew.
        assertThat(get(all, v + "/alerts", 200).embedded("alerts")).as("the event car's alerts").hasSize(1);
        assertThat(get(all, v + "/collisions", 200).embedded("Collisions")).as("its collisions").hasSize(1);
        assertThat(get(all, v + "/alarms", 200).embedded("alarms")).as("its alarms").isNotEmpty();
        Answer trips = get(all, v + "/trips", 200);
        assertThat(trips.embedded("trips")).as("its trips").hasSize(1);
        String trip = v + "/trips/" + trips.embedded("trips").get(0).path("id").stringValue();
        assertThat(get(all, trip + "/alerts", 200).embedded("alerts")).as("its trip's alerts").hasSize(1);
        assertThat(get(all, trip + "/collisions", 200).embedded("Collisions")).as("its trip's collisions").hasSize(1);
        // Filtered answers: each data scope alone, each privacy mode and connected-service set.
        // Their links point at operations that may answer 404 for want of data the filter
        // withholds: only the unfiltered answers' links are followed.
        collectingLinks = false;
        for (String scope : tokens.keySet()) {
            if (!scope.equals(all)) {
                get(scope, "/user/vehicles?extension=onboardCapabilities,branding,pictures", 0);
                readCar(scope, eventCarId, 1, false);
                for (String id : fleetIds) {
                    readCar(scope, id, 1, false);
                }
            }
        }
        for (List<String> ids : variationIds.values()) {
            for (String id : ids) {
                readCar(all, id, 1, false);
            }
        }
        // Error answers.
        v = "/user/vehicles/" + fleetIds.get(0);
        get(all, "/user/vehicles?pageSize=0", 400);
        get(all, v + "/trips/nope", 404);
        get(all, v + "/trips/nope/alerts/nope", 404);
        get(all, v + "/trips/nope/collisions/nope", 404);
        get(all, v + "/trips?states=Lost", 400);
        get(all, v + "/trips?distance=far", 400);
        get(all, v + "/alerts/nope", 404);
        get(all, v + "/collisions/nope", 404);
        get(all, v + "/alarms/nope", 404);
        get(all, v + "/telemetry?type=vehicle.teleport", 400);
        get(all, v + "/alerts?timestamps=yesterday/today", 400);
        get(all, v + "/alerts?timestamps=" + Instant.now().minus(Duration.ofDays(1)) + "/PT12H", 200);
        get(all, "/user/vehicles/nope/status", 404);
    }

    /** The data read operations; the callback, monitor and remote operations are another part of the API. */
    static boolean isRead(OpenApiSpec.Operation op) {
        return op.method().equals("get") && !op.path().contains("/callbacks");
    }

    @Test
    void everyReadOperationAnswersAsPublished() {
        traverse();
        assertThat(problems).as("answers that do not match api-b2c.yaml or the documented error body").isEmpty();
        List<String> untested = new ArrayList<>();
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (isRead(op) && validated.getOrDefault(op.key(), Map.of()).keySet().stream().noneMatch(s -> s < 300)) {
                untested.add(op.key());
            }
        }
        assertThat(untested).as("read operations of api-b2c.yaml without a validated 2xx answer").isEmpty();
    }

    private void collectLinks(JsonNode node) {
        if (node.isObject()) {
            JsonNode l = node.get("_links");
            if (l != null) {
                for (var e : l.properties()) {
                    if (e.getValue().has("href")) {
                        links.add(e.getValue().get("href").stringValue());
                    }
                }
            }
            node.properties().forEach(e -> collectLinks(e.getValue()));
        } else if (node.isArray()) {
            node.forEach(this::collectLinks);
        }
    }

    @Test
    void everyLinkWorksWhenFollowed() {
        traverse();
        List<String> broken = new ArrayList<>();
        Set<String> filteredCars = new TreeSet<>();
        variationIds.values().forEach(filteredCars::addAll);
        for (String href : links) {
            // The vehicle list links the filtered cars too; what they withhold may answer 404.
            if (filteredCars.stream().anyMatch(id -> href.contains("/vehicles/" + id + "/"))) {
                continue;
            }
            HttpResponse<String> r = new WebSession(port).get(href, Map.of("Authorization", "Bearer " + tokens.get(
                    "all data scopes"), "x-introspect-realm", Brand.PEUGEOT.realm()));
            if (r.statusCode() != 200) {
                broken.add(r.statusCode() + " " + href);
            }
        }
        assertThat(links).hasSizeGreaterThan(50);
        assertThat(broken).as("links that do not work").isEmpty();
    }

    @AfterAll
    void writeCoverage() throws IOException {
        StringBuilder report = new StringBuilder("# B2C operations validated against api-b2c.yaml\n\n"
                + "Statuses whose answer bodies were validated (number of answers); a read operation without a"
                + " validated 2xx fails the conformance test.\n\n"
                + "| operation | 2xx validated | errors validated | verdict |\n| --- | --- | --- | --- |\n");
        for (OpenApiSpec.Operation op : spec.operations()) {
            Map<Integer, Integer> seen = validated.getOrDefault(op.key(), Map.of());
            Map<Integer, Integer> ok = new TreeMap<>();
            Map<Integer, Integer> errors = new TreeMap<>();
            seen.forEach((s, n) -> (s < 300 ? ok : errors).put(s, n));
            String verdict = op.path().startsWith("/user/callbacks")
                    ? "validated by CallbacksApiTests (spec-coverage/b2c-callbacks.md)"
                    : !isRead(op) ? "not a data read operation"
                    : ok.isEmpty() ? "**FAIL: no validated 2xx**" : "ok";
            report.append("| `").append(op.key()).append("` | ").append(ok.isEmpty() ? "-" : ok).append(" | ")
                    .append(errors.isEmpty() ? "-" : errors).append(" | ").append(verdict).append(" |\n");
        }
        report.append("\n## Known defects of the published file relied on\n\n");
        for (KnownSpecDefect d : spec.defectsApplied()) {
            report.append("- `").append(d.name()).append("`: ").append(d.description()).append('\n');
        }
        if (!problems.isEmpty()) {
            report.append("\n## Problems\n\n");
            problems.forEach(p -> report.append("- ").append(p).append('\n'));
        }
        Path out = Path.of("target", "spec-coverage", "b2c.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
