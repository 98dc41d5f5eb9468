package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.spec.PublishedSpecs;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.OpenApiSpec;
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
 * Calls the B2C read operations over HTTP on data sent by simulated cars of every model, and
 * validates each answer (successes strictly, errors too) against the published api-b2c.yaml.
 * Writes which documented operations were exercised to {@code target/spec-coverage/b2c.md}.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B2cConformanceTests {

    static final String SECRET = "conformance-secret";
    static final String PASSWORD = "conformance-password";

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
    final Map<String, Set<Integer>> exercised = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    App app;
    String token;
    final List<String> vehicleIds = new ArrayList<>();

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
            String vin = brandVin(model.brand(), i);
            RegisteredVehicle v = registry.register(new NewVehicle(vin, model.brand(), model.code(), owner.id(),
                    PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
            vehicleIds.add(v.vehicle().apiId());
            fleet.add(new SimulatedVehicle(vin, v.vehicle().modelCode(), v.credential(), PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.allOf(DataCategory.class), 2.2 + i * 0.05, 48.8 + (i % 3) * 0.05));
            i++;
        }
        Instant end = Instant.now().minusSeconds(120);
        while (clock.now().isBefore(end)) {
            clock.advance(Duration.ofMinutes(5));
            fleet.runDue();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fleet.stats().pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            fleet.runDue();
        }
        fleet.close();
        token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), owner.email(), PASSWORD,
                new ArrayList<>(Scopes.DATA), false).accessToken();
    }

    private static String brandVin(Brand brand, int n) {
        String wmi = new TreeSet<>(brand.manufacturerCodes()).first();
        return wmi + String.format("CNF%011d", (System.nanoTime() / 1000 + n * 7919L) % 100_000_000_000L);
    }

    private JsonNode get(String pathAndQuery, int expectedStatus) {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4" + pathAndQuery + sep + "client_id="
                + app.clientId(), Map.of("Authorization", "Bearer " + token, "x-introspect-realm",
                        Brand.PEUGEOT.realm()));
        assertThat(r.statusCode()).as(pathAndQuery + " " + r.body()).isEqualTo(expectedStatus);
        var op = spec.match("get", pathAndQuery).orElseThrow(() -> new AssertionError("undocumented " + pathAndQuery));
        exercised.computeIfAbsent(op.key(), k -> new LinkedHashSet<>()).add(r.statusCode());
        JsonNode body = json.readTree(r.body());
        collectLinks(body);
        boolean success = r.statusCode() < 300;
        List<String> errors = spec.validateResponse(op, r.statusCode(), body, success);
        errors.forEach(e -> problems.add(op.key() + " " + pathAndQuery + " -> " + e));
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        if (success) {
            assertThat(spec.mediaTypes(op, r.statusCode())).as("media type of " + pathAndQuery)
                    .anyMatch(contentType::startsWith);
        }
        return body;
    }

    @Test
    void everyReadOperationAnswersAsPublished() {
        get("/user", 200);
        JsonNode vehicles = get("/user/vehicles?extension=onboardCapabilities,branding,pictures", 200);
        assertThat(vehicles.path("total").intValue()).isEqualTo(vehicleIds.size());
        get("/user/vehicles?pageSize=2&indexRange=1-3", 200);
        get("/user/vehicles?pageSize=0", 400);
        for (String id : vehicleIds) {
            String v = "/user/vehicles/" + id;
            get(v + "?extension=onboardCapabilities", 200);
            get(v + "/status", 200);
            get(v + "/lastPosition", 200);
            get(v + "/maintenance", 200);
            get(v + "/telemetry?pageSize=50&extension=location,maintenance", 200);
            get(v + "/telemetry?type=vehicle.energies,environment&pageSize=5", 200);
            JsonNode alerts = get(v + "/alerts", 200);
            for (JsonNode a : alerts.path("_embedded").path("alerts")) {
                get(v + "/alerts/" + a.path("id").stringValue(), 200);
            }
            JsonNode collisions = get(v + "/collisions", 200);
            for (JsonNode c : collisions.path("_embedded").path("Collisions")) {
                get(v + "/collisions/" + c.path("id").stringValue(), 200);
            }
            JsonNode alarms = get(v + "/alarms", 200);
            for (JsonNode a : alarms.path("_embedded").path("alarms")) {
                get(v + "/alarms/" + a.path("id").stringValue(), 200);
            }
        }
        for (String id : vehicleIds) {
            String base = "/user/vehicles/" + id + "/trips";
            JsonNode trips = get(base + "?pageSize=10", 200);
            for (JsonNode t : trips.path("_embedded").path("trips")) {
                String trip = base + "/" + t.path("id").stringValue();
                get(trip, 200);
                get(trip + "/wayPoints?pageSize=20", 200);
                get(trip + "/telemetry?pageSize=5", 200);
                JsonNode tripAlerts = get(trip + "/alerts", 200);
                for (JsonNode a : tripAlerts.path("_embedded").path("alerts")) {
                    get(trip + "/alerts/" + a.path("id").stringValue(), 200);
                }
                JsonNode tripCollisions = get(trip + "/collisions", 200);
                for (JsonNode c : tripCollisions.path("_embedded").path("Collisions")) {
                    get(trip + "/collisions/" + c.path("id").stringValue(), 200);
                }
            }
            get(base + "?distance=1-&duration=60-&states=Nominal,Unfinished", 200);
        }
        String v = "/user/vehicles/" + vehicleIds.get(0);
        get(v + "/trips/nope", 404);
        get(v + "/trips/nope/alerts/nope", 404);
        get(v + "/trips/nope/collisions/nope", 404);
        get(v + "/trips?states=Lost", 400);
        get(v + "/trips?distance=far", 400);
        get(v + "/alerts/nope", 404);
        get(v + "/collisions/nope", 404);
        get(v + "/alarms/nope", 404);
        get(v + "/telemetry?type=vehicle.teleport", 400);
        get(v + "/alerts?timestamps=yesterday/today", 400);
        get(v + "/alerts?timestamps=" + Instant.now().minus(Duration.ofDays(1)) + "/PT12H", 200);
        get("/user/vehicles/nope/status", 404);
        assertThat(problems).as("answers that do not match api-b2c.yaml").isEmpty();
        List<String> untested = new ArrayList<>();
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (!op.path().contains("/callbacks") && op.method().equals("get") && !exercised.containsKey(op.key())) {
                untested.add(op.key());
            }
        }
        assertThat(untested).as("read operations of api-b2c.yaml not exercised").isEmpty();
    }

    final Set<String> links = new TreeSet<>();

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
        everyReadOperationAnswersAsPublished();
        List<String> broken = new ArrayList<>();
        Set<String> followed = new TreeSet<>(links);
        for (String href : followed) {
            HttpResponse<String> r = new WebSession(port).get(href, Map.of("Authorization", "Bearer " + token,
                    "x-introspect-realm", Brand.PEUGEOT.realm()));
            if (r.statusCode() != 200) {
                broken.add(r.statusCode() + " " + href);
            }
        }
        assertThat(followed).hasSizeGreaterThan(50);
        assertThat(broken).as("links that do not work").isEmpty();
    }

    @AfterAll
    void writeCoverage() throws IOException {
        StringBuilder report = new StringBuilder("# B2C read operations exercised against api-b2c.yaml\n\n"
                + "| operation | statuses seen |\n| --- | --- |\n");
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (op.path().contains("/callbacks") || !op.method().equals("get")) {
                continue;
            }
            Set<Integer> seen = exercised.get(op.key());
            report.append("| `").append(op.key()).append("` | ").append(seen == null ? "**not tested**" : seen)
                    .append(" |\n");
        }
        Path out = Path.of("target", "spec-coverage", "b2c.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
