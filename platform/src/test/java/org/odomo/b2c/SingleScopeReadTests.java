package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatedPast;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.spec.ApiMembers;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;
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
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Data minimisation over HTTP: an app granted one data scope reads every read operation of
 * vehicles that sent data of every kind, and every member that comes back must be one that scope
 * grants according to the published data catalog (the scopes of the member's catalog item), or
 * structure (links, ids, times, paging counters). Which catalog item a member is comes from the
 * API's member names, written out here independently of the platform's field table; a member this
 * test does not know fails it too.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleScopeReadTests {

    static final String SECRET = "single-scope-secret";
    static final String PASSWORD = "single-scope-password";
    static final String STRUCTURE = ApiMembers.STRUCTURE;

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
    @Autowired
    IngestGateway gateway;

    final JsonMapper json = JsonMapper.builder().build();
    final Map<String, Set<String>> catalogScopes = new HashMap<>();
    final Map<String, String> tokens = new LinkedHashMap<>();
    final List<String> vehicleIds = new ArrayList<>();
    App app;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void simulateAndEnroll() throws Exception {
        for (Map<String, Object> item : (List<Map<String, Object>>) SharedSpecs.load("data-catalog.yaml")
                .get("data")) {
            Set<String> scopes = new HashSet<>();
            if (item.get("scope") instanceof List<?> list) {
                list.forEach(s -> scopes.add(String.valueOf(s)));
            }
            catalogScopes.put(String.valueOf(item.get("name")).trim(), scopes);
        }
        app = apps.ensureRegistered(new AppRegistration("Single scope", "Reads with one scope at a time",
                "Odomo tests", "dev@example.com", 1000L, "single-scope", Scopes.DATA, List.of(Enrollment.REDIRECT),
                "unlimited"), "single-scope-client", SECRET);
        Account owner = accounts.create(Brand.PEUGEOT, "single." + System.nanoTime() + "@example.com", PASSWORD,
                "Single", "Scope");
        email = owner.email();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(2));
        SimClock.Manual clock = SimClock.manual(start);
        FleetSimulator fleet = new FleetSimulator(transport, codec, SimulatorSettings.defaults().withSeed(11)
                .withRareEventFactor(600).withIntroSpreadSeconds(120), clock);
        // A plug-in hybrid (fuel and electric energy, thermic engine, alarm) and an electric car.
        List<RegisteredVehicle> registered = new ArrayList<>();
        int i = 0;
        for (String model : List.of("P-3008H", "P-E208")) {
            String vin = String.format("VR3SSC%011d", (System.nanoTime() / 1000 + i * 7919L) % 100_000_000_000L);
            RegisteredVehicle v = registry.register(new NewVehicle(vin, Brand.PEUGEOT, model, owner.id(),
                    PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
            vehicleIds.add(v.vehicle().apiId());
            registered.add(v);
            fleet.add(new SimulatedVehicle(vin, model, v.credential(), PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.allOf(DataCategory.class), 2.3 + i * 0.05, 48.85));
            i++;
        }
        SimulatedPast.liveUntil(fleet, clock, Instant.now().minusSeconds(120));
        fleet.close();
        // What the simulated days hold depends on the time of day they start at; a collision is
        // rare, so each car also reports one, sent after the simulated days, to be sure there is one.
        for (RegisteredVehicle v : registered) {
            ObjectNode collision = TestVehicles.envelope(v.vehicle().vin(), v.credential(), "single-scope-collision",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60), MessageType.EVENT);
            collision.set("event", json.readTree("{\"name\":\"collision\",\"collision\":{\"details\":"
                    + "[{\"side\":\"Front\",\"severity\":\"Minor\"}],\"tippedOver\":false,\"pedestrian\":false}}"));
            collision.set("data", json.readTree("{\"position\":{\"coordinates\":[2.32,48.82,35.0],\"heading\":90,"
                    + "\"signalQuality\":4,\"type\":\"Acquire\",\"fixStatus\":\"3D\"}}"));
            assertThat(gateway.submit(TestVehicles.bytes(collision)).join()).isEqualTo(IngestOutcome.STORED);
        }
        for (String scope : List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP, Scopes.ALERT, Scopes.COLLISION)) {
            tokens.put(scope, token(List.of(scope)));
        }
        tokens.put("all", token(new ArrayList<>(Scopes.DATA)));
    }

    private String token(List<String> scopes) {
        return Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), email, PASSWORD, scopes, false)
                .accessToken();
    }

    private String email;

    // ---- which catalog item a member is, from the API's member names


    // ---- reading

    /** What one scope saw: every leaf member, by kind of answer, and the members it may not see. */
    final class Reader {
        final String scope;
        final String token;
        final Map<String, Set<String>> seen = new TreeMap<>();
        final Set<String> violations = new TreeSet<>();

        Reader(String scope) {
            this.scope = scope;
            this.token = tokens.get(scope);
        }

        JsonNode get(String pathAndQuery) {
            String sep = pathAndQuery.contains("?") ? "&" : "?";
            HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4" + pathAndQuery + sep + "client_id="
                    + app.clientId(), Map.of("Authorization", "Bearer " + token, "x-introspect-realm",
                            Brand.PEUGEOT.realm()));
            assertThat(r.statusCode()).as(scope + " " + pathAndQuery + " " + r.body()).isIn(200, 403, 404);
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        }

        /** Reads one answer and checks its members; a page's items are checked as {@code kind}. */
        JsonNode read(String pathAndQuery, String kind, String items) {
            JsonNode body = get(pathAndQuery);
            if (body != null) {
                leaves(body, "", (path, value) -> {
                    String prefix = items == null ? null : "_embedded." + items + "[].";
                    String k = kind;
                    String p = path;
                    if (prefix != null) {
                        if (path.startsWith(prefix)) {
                            p = path.substring(prefix.length());
                        } else {
                            k = "page";
                        }
                    }
                    check(pathAndQuery, k, p);
                });
            }
            return body;
        }

        private void check(String where, String kind, String path) {
            seen.computeIfAbsent(kind, x -> new TreeSet<>()).add(path);
            String item = kind.equals("page") ? pageMember(path) : ApiMembers.itemOf(kind, path);
            if (item == null) {
                violations.add(kind + " " + path + ": not a member this test knows (" + where + ")");
            } else if (!item.equals(STRUCTURE)) {
                Set<String> needed = catalogScopes.get(item);
                assertThat(needed).as("catalog item " + item).isNotNull();
                if (!Set.of(scope).containsAll(needed)) {
                    violations.add(kind + " " + path + ": catalog item '" + item + "' needs " + needed + " ("
                            + where + ")");
                }
            }
        }
    }

    private static String pageMember(String path) {
        String first = path.split("[.\\[]")[0];
        return Set.of("_links", "total", "totalPage", "currentPage").contains(first)
                || path.matches("_embedded\\.[A-Za-z]+") ? STRUCTURE : null;
    }

    interface LeafVisitor {
        void visit(String path, JsonNode value);
    }

    /** Every value that is not an object or array (and every empty one), with its path. */
    static void leaves(JsonNode node, String path, LeafVisitor visitor) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), visitor);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                leaves(item, path + "[]", visitor);
            }
        } else {
            visitor.visit(path, node);
        }
    }

    /** Reads every read operation for every vehicle, following the ids the scope itself can see. */
    private void readEverything(Reader r) {
        r.read("/user", "user", null);
        r.read("/user/vehicles?extension=onboardCapabilities,branding,pictures", "vehicle", "vehicles");
        for (String id : vehicleIds) {
            String v = "/user/vehicles/" + id;
            r.read(v + "?extension=onboardCapabilities,branding,pictures", "vehicle", null);
            r.read(v + "/status", "status", null);
            r.read(v + "/lastPosition", "lastPosition", null);
            r.read(v + "/maintenance", "maintenance", null);
            r.read(v + "/telemetry?pageSize=200&extension=location,maintenance", "telemetry", "telemetries");
            JsonNode alerts = r.read(v + "/alerts", "alert", "alerts");
            for (String aid : ids(alerts, "alerts")) {
                r.read(v + "/alerts/" + aid, "alert", null);
            }
            JsonNode collisions = r.read(v + "/collisions", "collision", "Collisions");
            for (String cid : ids(collisions, "Collisions")) {
                r.read(v + "/collisions/" + cid, "collision", null);
            }
            JsonNode alarms = r.read(v + "/alarms", "alarm", "alarms");
            for (String aid : ids(alarms, "alarms")) {
                r.read(v + "/alarms/" + aid, "alarm", null);
            }
            // Trips are listed and opened with the scope's own token; their ids are no data.
            List<String> tripIds = ids(tripList(id), "trips");
            r.read(v + "/trips?pageSize=60", "trip", "trips");
            for (String tid : tripIds) {
                String trip = v + "/trips/" + tid;
                r.read(trip, "trip", null);
                r.read(trip + "/wayPoints?pageSize=60", "waypoint", "positions");
                r.read(trip + "/telemetry?pageSize=60&extension=location,maintenance", "telemetry", "telemetries");
                JsonNode tripAlerts = r.read(trip + "/alerts", "alert", "alerts");
                for (String aid : ids(tripAlerts, "alerts")) {
                    r.read(trip + "/alerts/" + aid, "alert", null);
                }
                JsonNode tripCollisions = r.read(trip + "/collisions", "collision", "Collisions");
                for (String cid : ids(tripCollisions, "Collisions")) {
                    r.read(trip + "/collisions/" + cid, "collision", null);
                }
            }
        }
    }

    private final Map<String, JsonNode> tripLists = new HashMap<>();

    /** The vehicle's trips as an app with every data scope sees them, for their ids. */
    private JsonNode tripList(String vehicleId) {
        return tripLists.computeIfAbsent(vehicleId,
                id -> new Reader("all").get("/user/vehicles/" + id + "/trips?pageSize=60"));
    }

    private static List<String> ids(JsonNode page, String items) {
        List<String> ids = new ArrayList<>();
        if (page != null) {
            for (JsonNode item : page.path("_embedded").path(items)) {
                ids.add(item.path("id").stringValue());
            }
        }
        return ids;
    }

    @Test
    void theFleetHasDataOfEveryKind() {
        Reader all = new Reader("all");
        readEverything(all);
        Map<String, Set<String>> seen = all.seen;
        assertThat(seen.get("status")).as("status members").contains("energies[].level", "energy[].level",
                "preconditioning.airConditioning.status", "preconditionning.airConditioning.status",
                "lastPosition.geometry.coordinates[]", "alarm.status.activation", "odometer.mileage");
        assertThat(seen.get("telemetry")).contains("vehicle.energies[].level",
                "_embedded.extension.location.geometry.coordinates[]",
                "_embedded.extension.maintenance.daysBeforeMaintenance");
        assertThat(seen.get("alert")).contains("type", "startPosition.geometry.coordinates[]");
        assertThat(seen.get("collision")).contains("details[].side");
        assertThat(seen.get("alarm")).contains("trigger.type");
        assertThat(seen.get("trip")).contains("distance", "startPosition.geometry.coordinates[]");
        assertThat(seen.get("waypoint")).contains("geometry.coordinates[]");
        assertThat(seen.get("maintenance")).contains("daysBeforeMaintenance");
        assertThat(all.violations).as("members this test does not know").allMatch(v -> !v.contains("not a member"));
    }

    @Test
    void everyMemberReadWithOneScopeIsOneThatScopeGrants() {
        Map<String, String> expectedData = Map.of(Scopes.TELEMETRY, "status energies[].level",
                Scopes.POSITION, "lastPosition geometry.coordinates[]", Scopes.TRIP, "trip distance",
                Scopes.ALERT, "alert type", Scopes.COLLISION, "collision details[].side");
        Map<String, Set<String>> violations = new TreeMap<>();
        for (String scope : expectedData.keySet()) {
            Reader r = new Reader(scope);
            readEverything(r);
            if (!r.violations.isEmpty()) {
                violations.put(scope, r.violations);
            }
            String[] expected = expectedData.get(scope).split(" ");
            assertThat(r.seen.getOrDefault(expected[0], Set.of())).as(scope + " reads its own data")
                    .contains(expected[1]);
        }
        assertThat(violations).as("members read with a single scope that the data catalog does not grant it")
                .isEmpty();
    }
}
