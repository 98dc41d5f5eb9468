package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.odomo.spec.ApiMembers;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every data read operation × granted scopes × motorization × connected services × privacy mode,
 * plus the caller conditions (other user's vehicle, unknown vehicle, wrong client_id, wrong realm,
 * expired and revoked tokens).
 *
 * <p>Each vehicle first sends data of every kind while fully shared: the answers an app with every
 * data scope then reads are the reference. Each vehicle is then switched through every cell's
 * services and mode (hiding is done at read time), and every operation is read with every scope set.
 * The expected answer of a cell is computed here, independently of the platform's access code and
 * field table: the reference's members, each kept only if the published data catalog's item of that
 * member (by {@link ApiMembers}) is granted by the scopes and produced by the vehicle type, and if an
 * active service covers it and the privacy mode refreshes it (the rules of the published
 * documentation, written out below). Structure (links, ids, times) stays beside kept data only; an
 * answer left without data is a 404; an operation whose required scopes (from api-b2c.yaml's
 * scope tables) are not granted is a 403. The whole set of member paths of each answer is compared,
 * and each 2xx answer is validated against api-b2c.yaml.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "odomo.oauth.revocation-cache-ttl=0s")
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTests {

    static final String SECRET = "matrix-secret";
    static final String PASSWORD = "matrix-password";
    static final String T = Scopes.TELEMETRY;
    static final String P = Scopes.POSITION;
    static final String TRIP = Scopes.TRIP;
    static final String A = Scopes.ALERT;
    static final String C = Scopes.COLLISION;
    static final List<String> ALL = List.of(T, P, TRIP, A, C);
    static final List<List<String>> SCOPE_SETS = List.of(List.of(T), List.of(P), List.of(TRIP), List.of(A),
            List.of(C), List.of(T, P), List.of(TRIP, P), List.of(A, P), List.of(C, P), List.of(TRIP, A),
            List.of(TRIP, C), List.of(TRIP, T), List.of(T, TRIP, A, C), ALL);
    static final List<Set<ConnectedService>> SERVICE_SETS = List.of(EnumSet.of(ConnectedService.PARTNER),
            EnumSet.of(ConnectedService.TMTS), EnumSet.of(ConnectedService.REMOTE_CONTROL),
            EnumSet.of(ConnectedService.ASSISTANCE), EnumSet.of(ConnectedService.REMOTE_CONTROL,
                    ConnectedService.ASSISTANCE), EnumSet.noneOf(ConnectedService.class));
    /**
     * One model of each vehicle type of the catalog (combustion, electric, plug-in hybrid, fuel
     * cell), of the owner's brand (the catalog does not tell petrol from diesel).
     */
    static final List<String> MODELS = List.of("P-308", "P-E208", "P-3008H", "P-EXPH2");

    /** What a vehicle uploads, in the words of the published documentation. */
    enum Kind {
        TELEMETRY, LOCATION, ALERT, COLLISION, TRIP, MAINTENANCE
    }

    /**
     * The data each connected service covers, as the services are defined for users: the partner
     * service covers everything; TMTS (tele-maintenance) maintenance data only, so never the
     * position; e-Remote control the status needed to see an action's result; emergency and
     * assistance the collisions and where they happened.
     */
    static final Map<ConnectedService, Set<Kind>> COVERS = Map.of(
            ConnectedService.PARTNER, EnumSet.allOf(Kind.class),
            ConnectedService.TMTS, EnumSet.of(Kind.MAINTENANCE),
            ConnectedService.REMOTE_CONTROL, EnumSet.of(Kind.TELEMETRY),
            ConnectedService.ASSISTANCE, EnumSet.of(Kind.COLLISION, Kind.LOCATION));

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    IngestGateway gateway;
    @Autowired
    JdbcTemplate jdbc;

    App app;
    App otherApp;
    Account owner;
    Account stranger;
    final List<Vehicle> vehicles = new ArrayList<>();
    final Map<List<String>, String> tokens = new LinkedHashMap<>();
    Vehicle fullySharedVehicle;
    Vehicle strangersVehicle;
    final JsonMapper json = JsonMapper.builder().build();
    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", "/connectedcar/v4");
    WebSession http;

    @BeforeAll
    void setUp() {
        http = new WebSession(port);
        app = apps.ensureRegistered(registration("matrix-app"), "matrix-client", SECRET);
        otherApp = apps.ensureRegistered(registration("matrix-other"), "matrix-other-client", SECRET);
        owner = accounts.create(Brand.PEUGEOT, "owner." + System.nanoTime() + "@example.com", PASSWORD, "O", "Wner");
        stranger = accounts.create(Brand.PEUGEOT, "stranger." + System.nanoTime() + "@example.com", PASSWORD, "S",
                "Tranger");
        for (String model : MODELS) {
            vehicles.add(vehicleWithData(model, owner.id()));
        }
        fullySharedVehicle = vehicleWithData("P-E208", owner.id());
        strangersVehicle = vehicleWithData("P-E208", stranger.id());
        for (List<String> scopes : SCOPE_SETS) {
            tokens.put(scopes, Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), owner.email(),
                    PASSWORD, scopes, false).accessToken());
        }
    }

    private static AppRegistration registration(String loginId) {
        return new AppRegistration("Matrix " + loginId, "Checks access rules", "Odomo tests", "dev@example.com",
                1000L, loginId, Set.of(T, P, TRIP, A, C), List.of(Enrollment.REDIRECT), "unlimited");
    }

    // ---- data of every kind

    /**
     * A drive with data of every kind, sent while the vehicle shares everything: every part of the
     * status the protocol has, whatever the motorization (a part the model does not produce must
     * not show), an alert raised and cleared, a collision and an alarm during the drive.
     */
    private Vehicle vehicleWithData(String model, long ownerId) {
        RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model, ownerId,
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        String vin = v.vehicle().vin();
        Motorization m = v.vehicle().motorization();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(900);
        List<ObjectNode> messages = new ArrayList<>();
        messages.add(event(v, "m0", t, "{\"name\":\"ignition\"}", "{\"ignition\":{\"type\":\"Start\"},"
                + position(2.30, 48.80) + ",\"odometer\":{\"mileage\":1225.0}}"));
        ObjectNode telemetry = TestVehicles.envelope(vin, v.credential(), "m1", t.plusSeconds(60),
                MessageType.TELEMETRY);
        telemetry.set("data", json.readTree(fullStatus(m)));
        messages.add(telemetry);
        messages.add(event(v, "m2", t.plusSeconds(120),
                "{\"name\":\"alertRaised\",\"alert\":{\"type\":\"RiskOfIce\",\"severity\":\"Information\"}}",
                "{" + position(2.31, 48.81) + "}"));
        messages.add(event(v, "m3", t.plusSeconds(180), "{\"name\":\"collision\",\"collision\":{\"details\":"
                + "[{\"side\":\"Front\",\"severity\":\"Minor\"}],\"tippedOver\":false,\"pedestrian\":false}}",
                "{" + position(2.32, 48.82) + "}"));
        messages.add(event(v, "m4", t.plusSeconds(240), "{\"name\":\"alarm\",\"alarm\":{\"trigger\":"
                + "{\"type\":\"VolumetricBreakIn\"}}}", "{" + position(2.33, 48.83) + "}"));
        messages.add(event(v, "m5", t.plusSeconds(300), "{\"name\":\"alertCleared\",\"alert\":{\"type\":\"RiskOfIce\"}}",
                "{" + position(2.34, 48.84) + "}"));
        messages.add(event(v, "m6", t.plusSeconds(360), "{\"name\":\"ignition\"}", "{\"ignition\":{\"type\":\"Stop\"},"
                + position(2.35, 48.85) + ",\"odometer\":{\"mileage\":1234.5}}"));
        for (ObjectNode message : messages) {
            assertThat(gateway.submit(TestVehicles.bytes(message)).join()).as(message.toString())
                    .isEqualTo(IngestOutcome.STORED);
        }
        return registry.find(vin).orElseThrow();
    }

    private ObjectNode event(RegisteredVehicle v, String id, Instant at, String event, String data) {
        ObjectNode m = TestVehicles.envelope(v.vehicle().vin(), v.credential(), id, at, MessageType.EVENT);
        m.set("event", json.readTree(event));
        m.set("data", json.readTree(data));
        return m;
    }

    private static String position(double lon, double lat) {
        return "\"position\":{\"coordinates\":[" + lon + "," + lat + ",35.0],\"heading\":90,\"signalQuality\":4,"
                + "\"type\":\"Acquire\",\"fixStatus\":\"3D\"}";
    }

    /** Every part of the protocol's data, with the energies the motorization has. */
    private static String fullStatus(Motorization m) {
        List<String> energies = new ArrayList<>();
        if (m != Motorization.BEV) {
            energies.add("{\"type\":\"Fuel\",\"level\":55,\"autonomy\":480,\"extension\":{\"fuel\":"
                    + "{\"consumptions\":{\"total\":12000,\"instant\":5.5}}}}");
        }
        if (m != Motorization.ICE) {
            energies.add("{\"type\":\"Electric\",\"subType\":\"ElectricEnergy\",\"level\":80,\"autonomy\":250,"
                    + "\"extension\":{\"electric\":{\"charging\":{\"plugged\":false,\"status\":\"Disconnected\","
                    + "\"chargingMode\":\"No\"},\"battery\":{\"load\":{\"capacity\":50000,\"residual\":40000},"
                    + "\"health\":{\"capacity\":97,\"resistance\":95}}}}}");
        }
        return "{\"ignition\":{\"type\":\"Start\"}," + position(2.305, 48.805)
                + ",\"kinetic\":{\"speed\":48.5,\"acceleration\":0.3,\"moving\":true},"
                + "\"odometer\":{\"mileage\":1230.0},\"energies\":[" + String.join(",", energies) + "],"
                + "\"battery\":{\"voltage\":12.4},"
                + "\"doorsState\":{\"lockedStates\":[\"Unlocked\"],\"opening\":[{\"identifier\":\"Driver\","
                + "\"state\":\"Closed\"}]},"
                + "\"environment\":{\"air\":{\"temp\":11.5},\"luminosity\":{\"day\":true}},"
                + "\"powertrain\":{\"status\":\"Running\"},"
                + "\"engines\":[{\"type\":\"Thermic\",\"speed\":2100,\"extension\":{\"thermic\":{\"coolant\":"
                + "{\"level\":80,\"temp\":90},\"oil\":{\"level\":70,\"temp\":95},\"air\":{\"temp\":20}}}}],"
                + "\"preconditioning\":{\"airConditioning\":{\"status\":\"Disabled\",\"programs\":[{\"enabled\":true,"
                + "\"slot\":1,\"recurrence\":\"Daily\",\"start\":\"PT7H30M\",\"occurence\":{\"day\":[\"Mon\"]}}]}},"
                + "\"privacy\":{\"state\":\"None\"},"
                + "\"safety\":{\"beltStatus\":[{\"id\":\"Driver\",\"belt\":\"Normal\"}],\"autoECallTriggering\":\"NotDetected\"},"
                + "\"alarm\":{\"status\":{\"activation\":\"Active\"}},"
                + "\"drivingBehavior\":{\"mode\":\"Normal\"},"
                + "\"lightingSystem\":{\"turn\":[{\"direction\":\"Left\",\"position\":\"Front\",\"status\":\"Off\"}],"
                + "\"fog\":[{\"direction\":\"Left\",\"position\":\"Front\",\"status\":\"Off\"}]},"
                + "\"transmission\":{\"gearbox\":{\"mode\":{\"automatic\":true},\"ratio\":\"Ratio3\"}},"
                + "\"adas\":{\"abs\":true},"
                + "\"wipingBlades\":{\"active\":false},"
                + "\"maintenance\":{\"daysBeforeMaintenance\":120,\"mileageBeforeMaintenance\":8000.0}}";
    }

    // ---- the rules, from the published documentation and data catalog

    /** What the vehicle must upload for an item: the data of each scope granting it, and the location if it is one. */
    static Set<Kind> kindsOf(ApiMembers.Item item) {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String scope : item.scopes()) {
            kinds.add(switch (scope) {
                case Scopes.POSITION -> Kind.LOCATION;
                case Scopes.ALERT -> Kind.ALERT;
                case Scopes.COLLISION -> Kind.COLLISION;
                case Scopes.TRIP -> Kind.TRIP;
                // TMTS uploads maintenance data only: the catalog's maintenance domain.
                case Scopes.TELEMETRY -> item.domain().equals("maintenance") ? Kind.MAINTENANCE : Kind.TELEMETRY;
                default -> throw new IllegalArgumentException(scope);
            });
        }
        // A place is geolocation whichever scope grants it: the "Data" mode does not refresh it
        // (a light's position is front or rear, no place).
        if (item.name().endsWith("position") && !item.name().startsWith("Lighting")) {
            kinds.add(Kind.LOCATION);
        }
        return kinds;
    }

    /** The four availability conditions of a catalog item for one cell. */
    static boolean visible(ApiMembers.Item item, Cell cell) {
        if (!cell.scopes().containsAll(item.scopes())) {
            return false;
        }
        if (!item.vehicleTypes().contains(cell.vehicle().motorization().name())) {
            return false;
        }
        Set<Kind> covered = EnumSet.noneOf(Kind.class);
        cell.vehicle().services().forEach(s -> covered.addAll(COVERS.get(s)));
        if (item.name().equals("Privacy state")) {
            // The car's privacy mode itself is shown whatever the mode (it is what explains the
            // other omissions), while a service covering the status is active.
            return covered.contains(Kind.TELEMETRY);
        }
        PrivacyMode mode = cell.vehicle().privacyMode();
        for (Kind kind : kindsOf(item)) {
            boolean refreshed = switch (mode) {
                case DATA_AND_LOCATION -> true;
                case DATA -> kind != Kind.LOCATION;
                case PLANE -> false;
            };
            if (!covered.contains(kind) || !refreshed) {
                return false;
            }
        }
        return true;
    }

    record Cell(List<String> scopes, Vehicle vehicle) {
        @Override
        public String toString() {
            return scopes + " " + vehicle.modelCode() + "/" + vehicle.motorization() + " " + vehicle.services() + " "
                    + vehicle.privacyMode();
        }
    }

    /** One read: the request, the kind of answer (or of its items, under {@code _embedded.<items>}). */
    record Read(String path, String kind, String items, String trip) {
    }

    /** An expected or actual answer: the status and every member path (or the error body's members). */
    record Answer(int status, Set<String> members) {
    }

    /** Required and optional scopes of each GET operation, from the scope tables of api-b2c.yaml. */
    final Map<String, List<Set<String>>> operationScopes = new HashMap<>();

    @SuppressWarnings("unchecked")
    private List<Set<String>> scopesOf(OpenApiSpec.Operation op) {
        return operationScopes.computeIfAbsent(op.path(), path -> {
            Map<String, Object> root = SharedSpecs.load("api-b2c.yaml");
            Object item = ((Map<String, Object>) root.get("paths")).get(path);
            while (item instanceof Map<?, ?> m && m.get("$ref") instanceof String ref) {
                Object node = root;
                for (String token : ref.replaceFirst("^#/?", "").split("/")) {
                    node = ((Map<String, Object>) node).get(token.replace("~1", "/").replace("~0", "~"));
                }
                item = node;
            }
            String description = String.valueOf(((Map<String, Object>) ((Map<String, Object>) item).get("get"))
                    .get("description"));
            Set<String> required = new LinkedHashSet<>();
            Set<String> optional = new LinkedHashSet<>();
            Matcher row = Pattern.compile("\\|\\s*(data:[a-z]+)\\s*\\|\\s*(Required|Optional)\\s*\\|").matcher(description);
            while (row.find()) {
                (row.group(2).equals("Required") ? required : optional).add(row.group(1));
            }
            assertThat(required.size() + optional.size()).as("scope table of " + path).isPositive();
            return List.of(required, optional);
        });
    }

    /** Whether the operation may be called with these scopes: every required one, or one optional one when none is required. */
    private boolean callable(OpenApiSpec.Operation op, List<String> scopes) {
        List<Set<String>> s = scopesOf(op);
        return s.get(0).isEmpty() ? s.get(1).stream().anyMatch(scopes::contains) : scopes.containsAll(s.get(0));
    }

    // ---- expectations

    /** A member of a resource: its path in the answer, and what it is. */
    record Leaf(String path, ApiMembers.Match match) {
    }

    /**
     * The members of one resource the cell may see: data members the rules allow, and structure
     * beside kept data of the object holding it. Empty when no data is left.
     */
    Set<String> visibleMembers(JsonNode resource, String kind, Cell cell, String prefix, Set<String> unknown) {
        List<Leaf> leaves = new ArrayList<>();
        ApiMembers.indexedLeaves(resource, "", (path, value) -> {
            ApiMembers.Match match = ApiMembers.match(kind, ApiMembers.withoutIndexes(path));
            if (match == null) {
                unknown.add(kind + " " + ApiMembers.withoutIndexes(path));
            } else {
                leaves.add(new Leaf(path, match));
            }
        });
        List<String> data = new ArrayList<>();
        for (Leaf leaf : leaves) {
            if (!leaf.match().item().equals(ApiMembers.STRUCTURE)) {
                ApiMembers.Item item = ApiMembers.catalog().get(leaf.match().item());
                assertThat(item).as("catalog item " + leaf.match().item()).isNotNull();
                if (visible(item, cell)) {
                    data.add(leaf.path());
                }
            }
        }
        Set<String> kept = new TreeSet<>();
        if (data.isEmpty()) {
            return kept;
        }
        for (Leaf leaf : leaves) {
            if (leaf.match().item().equals(ApiMembers.STRUCTURE)) {
                String[] segments = leaf.path().split("\\.");
                String holder = String.join(".", java.util.Arrays.copyOf(segments, Math.max(0,
                        leaf.match().segments() - 1)));
                // The time of a part is also shown beside the visible data of that part's item.
                String part = leaf.match().partOf() == null ? null : String.join(".", java.util.Arrays.copyOf(
                        segments, leaf.match().partSegments()));
                boolean besidePart = part != null
                        && visible(ApiMembers.catalog().get(leaf.match().partOf()), cell)
                        && (part.isEmpty() || data.stream().anyMatch(d -> d.startsWith(part + ".")));
                if (holder.isEmpty() || besidePart || data.stream().anyMatch(d -> d.startsWith(holder + "."))) {
                    kept.add(prefix + leaf.path());
                }
            }
        }
        data.forEach(d -> kept.add(prefix + d));
        return kept;
    }

    /** The answer a cell should get, from the fully shared reference answer. */
    Answer expected(Read read, JsonNode reference, Map<String, JsonNode> references, Cell cell, Set<String> unknown) {
        OpenApiSpec.Operation op = spec.match("get", read.path()).orElseThrow();
        if (!callable(op, cell.scopes())) {
            return new Answer(403, ERROR_MEMBERS);
        }
        if (read.trip() != null && visibleMembers(references.get(read.trip()), "trip", cell, "", unknown).isEmpty()) {
            return new Answer(404, ERROR_MEMBERS);
        }
        if (read.items() == null) {
            Set<String> members = visibleMembers(reference, read.kind(), cell, "", unknown);
            return members.isEmpty() ? new Answer(404, ERROR_MEMBERS) : new Answer(200, members);
        }
        Set<String> members = new TreeSet<>();
        int kept = 0;
        for (JsonNode item : reference.path("_embedded").path(read.items())) {
            String key = item.has("id") ? "id=" + item.path("id").asString() : Integer.toString(kept);
            Set<String> visible = visibleMembers(item, read.kind(), cell, "_embedded." + read.items() + "[" + key
                    + "].", unknown);
            if (!visible.isEmpty()) {
                members.addAll(visible);
                kept++;
            }
        }
        // The page's own members: as in the reference, with an empty list when no item is left.
        envelope(reference, read.items()).forEach(members::add);
        if (kept == 0) {
            members.add("_embedded." + read.items());
        }
        return new Answer(200, members);
    }

    static final Set<String> ERROR_MEMBERS = Set.of("code", "uuid", "message", "timestamp");

    private static Set<String> envelope(JsonNode page, String items) {
        Set<String> members = new TreeSet<>();
        ObjectNode copy = (ObjectNode) page.deepCopy();
        if (copy.path("_embedded").isObject()) {
            ((ObjectNode) copy.get("_embedded")).remove(items);
            if (copy.get("_embedded").isEmpty()) {
                copy.remove("_embedded");
            }
        }
        ApiMembers.indexedLeaves(copy, "", (path, value) -> members.add(path));
        return members;
    }

    /** The members of an actual answer, page items keyed as in {@link #expected}. */
    Answer actual(Read read, HttpResponse<String> r) {
        JsonNode body = json.readTree(r.body());
        Set<String> members = new TreeSet<>();
        if (r.statusCode() != 200 || read.items() == null) {
            ApiMembers.indexedLeaves(body, "", (path, value) -> members.add(path));
            return new Answer(r.statusCode(), members);
        }
        int i = 0;
        JsonNode items = body.path("_embedded").path(read.items());
        for (JsonNode item : items) {
            String key = item.has("id") ? "id=" + item.path("id").asString() : Integer.toString(i);
            String prefix = "_embedded." + read.items() + "[" + key + "].";
            ApiMembers.indexedLeaves(item, "", (path, value) -> members.add(prefix + path));
            i++;
        }
        members.addAll(envelope(body, read.items()));
        if (items.isArray() && items.isEmpty()) {
            members.add("_embedded." + read.items());
        }
        return new Answer(200, members);
    }

    // ---- reading

    private HttpResponse<String> call(String token, String clientId, String realm, String path) {
        String sep = path.contains("?") ? "&" : "?";
        return http.get("/connectedcar/v4" + path + sep + "client_id=" + clientId,
                Map.of("Authorization", "Bearer " + token, "x-introspect-realm", realm));
    }

    private JsonNode readReference(String path) {
        HttpResponse<String> r = call(tokens.get(ALL), app.clientId(), Brand.PEUGEOT.realm(), path);
        assertThat(r.statusCode()).as("reference " + path + " " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** Every data read operation of a vehicle, with the ids of its records, and their reference answers. */
    private Map<Read, JsonNode> referenceReads(Vehicle vehicle) {
        String v = "/user/vehicles/" + vehicle.apiId();
        Map<Read, JsonNode> reads = new LinkedHashMap<>();
        List<Read> plain = List.of(new Read(v + "/status", "status", null, null),
                new Read(v + "/lastPosition", "lastPosition", null, null),
                new Read(v + "/maintenance", "maintenance", null, null),
                new Read(v + "/telemetry?pageSize=100&extension=location,maintenance", "telemetry", "telemetries",
                        null),
                new Read(v + "/alerts", "alert", "alerts", null),
                new Read(v + "/collisions", "collision", "Collisions", null),
                new Read(v + "/alarms", "alarm", "alarms", null),
                new Read(v + "/trips", "trip", "trips", null));
        for (Read read : plain) {
            JsonNode body = readReference(read.path());
            reads.put(read, body);
            if (read.items() != null && !read.kind().equals("telemetry")) {
                JsonNode items = body.path("_embedded").path(read.items());
                assertThat(items.size()).as("reference " + read.path() + " has items").isPositive();
                for (JsonNode item : items) {
                    String one = read.path() + "/" + item.path("id").asString();
                    reads.put(new Read(one, read.kind(), null, null), readReference(one));
                }
            }
        }
        JsonNode trips = reads.get(plain.get(7));
        assertThat(trips.path("_embedded").path("trips").size()).as("one trip").isEqualTo(1);
        String trip = v + "/trips/" + trips.path("_embedded").path("trips").get(0).path("id").asString();
        List<Read> tripReads = List.of(new Read(trip + "/wayPoints", "waypoint", "positions", trip),
                new Read(trip + "/telemetry?extension=location,maintenance", "telemetry", "telemetries", trip),
                new Read(trip + "/alerts", "alert", "alerts", trip),
                new Read(trip + "/collisions", "collision", "Collisions", trip));
        for (Read read : tripReads) {
            JsonNode body = readReference(read.path());
            reads.put(read, body);
            JsonNode items = body.path("_embedded").path(read.items());
            assertThat(items.size()).as("reference " + read.path() + " has items").isPositive();
            if (!read.kind().equals("telemetry") && !read.kind().equals("waypoint")) {
                for (JsonNode item : items) {
                    String one = read.path() + "/" + item.path("id").asString();
                    reads.put(new Read(one, read.kind(), null, trip), readReference(one));
                }
            }
        }
        return reads;
    }

    /**
     * The reference answers themselves come from the platform: the status must hold every member
     * of the full data sample the vehicle sent (named as the protocol names them, which are the API's)
     * that the vehicle type produces, so that a member the platform drops everywhere is caught too.
     */
    private void checkReferenceHoldsWhatWasSent(Vehicle vehicle, Map<Read, JsonNode> reads, Map<String, String> wrong) {
        JsonNode sent = json.readTree(fullStatus(vehicle.motorization()));
        Cell fullyShared = new Cell(ALL, vehicle);
        Set<String> status = new TreeSet<>();
        ApiMembers.leaves(sent, "", (path, value) -> {
            String located = path.startsWith("position.coordinates") ? "geometry" + path.substring("position".length())
                    : path.startsWith("position.") ? "properties" + path.substring("position".length()) : null;
            String inTelemetry = located != null ? "_embedded.extension.location." + located
                    : path.startsWith("maintenance.") ? "_embedded.extension." + path
                    : path.startsWith("privacy.") || path.startsWith("environment.") ? path : "vehicle." + path;
            ApiMembers.Match m = ApiMembers.match("telemetry", inTelemetry);
            if (m != null && !m.item().equals(ApiMembers.STRUCTURE)
                    && visible(ApiMembers.catalog().get(m.item()), fullyShared)) {

                String inStatus = located != null ? "lastPosition." + located : path;
                if (ApiMembers.match("status", inStatus) != null) {
                    status.add(inStatus);
                }
            }
        });
        for (Map.Entry<Read, JsonNode> e : reads.entrySet()) {
            Set<String> members = new TreeSet<>();
            Set<String> expected;
            if (e.getKey().path().endsWith("/status")) {
                ApiMembers.leaves(e.getValue(), "", (path, value) -> members.add(path));
                expected = status;
            } else {
                continue;
            }
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(members);
            if (!missing.isEmpty()) {
                wrong.put("reference " + vehicle.modelCode() + " GET " + e.getKey().path(), "sent but missing " + missing);
            }
        }
    }

    private void share(Vehicle vehicle, Set<ConnectedService> services, PrivacyMode mode) {
        for (ConnectedService s : ConnectedService.values()) {
            if (services.contains(s)) {
                registry.activateService(vehicle.vin(), s);
            } else {
                registry.deactivateService(vehicle.vin(), s);
            }
        }
        registry.setPrivacyMode(vehicle.vin(), mode);
    }

    @Test
    void everyOperationScopeServicePrivacyAndMotorizationCell() {
        Map<String, String> wrong = new TreeMap<>();
        Map<String, String> schemaProblems = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        Set<String> validated = new java.util.HashSet<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int cells = 0;
        for (Vehicle original : vehicles) {
            Map<Read, JsonNode> reads = referenceReads(original);
            checkReferenceHoldsWhatWasSent(original, reads, wrong);
            Map<String, JsonNode> byPath = new HashMap<>();
            reads.forEach((read, body) -> byPath.put(read.path(), body));
            for (Set<ConnectedService> services : SERVICE_SETS) {
                for (PrivacyMode mode : PrivacyMode.values()) {
                    share(original, services, mode);
                    Vehicle vehicle = registry.find(original.vin()).orElseThrow();
                    assertThat(vehicle.services()).isEqualTo(services);
                    assertThat(vehicle.privacyMode()).isEqualTo(mode);
                    for (List<String> scopes : SCOPE_SETS) {
                        Cell cell = new Cell(scopes, vehicle);
                        for (Map.Entry<Read, JsonNode> e : reads.entrySet()) {
                            Read read = e.getKey();
                            Answer expected = expected(read, e.getValue(), byPath, cell, unknown);
                            HttpResponse<String> r = call(tokens.get(scopes), app.clientId(), Brand.PEUGEOT.realm(),
                                    read.path());
                            Answer actual = actual(read, r);
                            cells++;
                            statuses.merge(r.statusCode(), 1, Integer::sum);
                            String where = cell + " GET " + read.path().replace(original.apiId(), "{id}");
                            if (!expected.equals(actual)) {
                                wrong.put(where, describe(expected, actual, r.body()));
                            } else if (r.statusCode() != 200) {
                                checkError(r, where, wrong);
                            } else {
                                validate(read, r, actual, cell, where, validated, schemaProblems);
                            }
                        }
                    }
                }
            }
            share(original, EnumSet.of(ConnectedService.PARTNER), PrivacyMode.DATA_AND_LOCATION);
        }
        System.out.println("authorization matrix: " + cells + " answers checked, by status " + statuses
                + "; required members removed as the contract says: " + contractRemovals);
        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        softly.assertThat(unknown).as("members the catalog mapping does not know").isEmpty();
        softly.assertThat(grouped(wrong)).as("answers that are not the expected ones (" + wrong.size() + " of " + cells
                + "), grouped by difference, with one cell of each").isEmpty();
        softly.assertThat(schemaProblems).as("2xx answers of the matrix that api-b2c.yaml rejects").isEmpty();
        softly.assertThat(statuses).as("the matrix exercises visible, hidden and refused answers").containsKeys(200, 403,
                404);
        softly.assertAll();
    }

    /** The wrong answers by operation and difference (ids and indexes left out), with the first cell of each. */
    private static Map<String, String> grouped(Map<String, String> wrong) {
        Map<String, String> groups = new TreeMap<>();
        wrong.forEach((where, difference) -> {
            String operation = where.substring(where.indexOf(" GET ") + 1).replaceAll("/(trips|alerts|collisions|alarms)/[^/?]+",
                    "/$1/{x}");
            String key = operation + ": " + ApiMembers.withoutIndexes(difference.replaceAll("\\[id=[^]]*]", "[]"))
                    .replaceAll("\"uuid\":\"[^\"]*\"|\"timestamp\":\"[^\"]*\"", "");
            groups.putIfAbsent(key, where);
        });
        return groups;
    }

    private static String describe(Answer expected, Answer actual, String body) {
        Set<String> missing = new TreeSet<>(expected.members());
        missing.removeAll(actual.members());
        Set<String> extra = new TreeSet<>(actual.members());
        extra.removeAll(expected.members());
        return "expected " + expected.status() + ", got " + actual.status() + "; missing " + missing + "; unexpected "
                + extra + (actual.status() != 200 ? " " + body : "");
    }

    private void checkError(HttpResponse<String> r, String where, Map<String, String> wrong) {
        JsonNode body = json.readTree(r.body());
        int code = body.path("code").asInt();
        if (code / 100 != r.statusCode() || body.path("uuid").asString().isEmpty()
                || body.path("message").asString().isEmpty() || body.path("timestamp").asString().isEmpty()) {
            wrong.put(where, "error body " + r.body());
        }
    }

    /** Required members removed by filtering where the published contract says so. */
    final Set<String> contractRemovals = new TreeSet<>();

    /**
     * The schema requires an alarm trigger's type, while the data catalog says combustion cars do
     * not produce it ("Alarm trigger type": BEV, PHEV, FCEV only): their triggers have a start
     * time and a position but no type. Such an answer is validated with a type put back in (a
     * value of the published enum), so that everything else in it is still checked strictly.
     */
    private boolean typeRestoredWhereTheContractRemovesIt(JsonNode node, String path, Set<String> restored) {
        boolean any = false;
        if (node instanceof ObjectNode object) {
            for (String name : new ArrayList<>(object.propertyNames())) {
                JsonNode child = object.get(name);
                if (name.equals("trigger") && child instanceof ObjectNode trigger && !trigger.has("type")) {
                    trigger.put("type", "VolumetricBreakIn");
                    restored.add(path + "." + name + ".type");
                    any = true;
                } else {
                    any |= typeRestoredWhereTheContractRemovesIt(child, path + "." + name, restored);
                }
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode item : node) {
                any |= typeRestoredWhereTheContractRemovesIt(item, path + "[]", restored);
            }
        }
        return any;
    }

    /** Validates each distinct shape of 2xx answer of an operation once. */
    private void validate(Read read, HttpResponse<String> r, Answer actual, Cell cell, String where, Set<String> validated,
            Map<String, String> problems) {
        OpenApiSpec.Operation op = spec.match("get", read.path()).orElseThrow();
        Set<String> shape = new TreeSet<>();
        actual.members().forEach(m -> shape.add(ApiMembers.withoutIndexes(m.replaceAll("\\[id=[^]]*]", "[]"))));
        if (!validated.add(op.key() + shape)) {
            return;
        }
        JsonNode body = json.readTree(r.body());
        Set<String> restored = new TreeSet<>();
        // Only combustion cars lack the type (catalog: "Alarm trigger type" is BEV, PHEV, FCEV).
        if (cell.vehicle().motorization() == Motorization.ICE
                && typeRestoredWhereTheContractRemovesIt(body, "$", restored)) {
            restored.forEach(p -> contractRemovals.add(op.key() + " " + p + " (not produced by this motorization)"));
        }
        for (String problem : spec.validateResponse(op, 200, body, true)) {
            problems.putIfAbsent(op.key() + " " + problem, where);
        }
    }

    @Test
    void callerConditions() {
        String all = tokens.get(ALL);
        Vehicle full = fullySharedVehicle;
        String status = "/user/vehicles/" + full.apiId() + "/status";
        String realm = Brand.PEUGEOT.realm();

        assertThat(call(all, app.clientId(), realm, status).statusCode()).isEqualTo(200);
        HttpResponse<String> others = call(all, app.clientId(), realm, "/user/vehicles/" + strangersVehicle.apiId()
                + "/status");
        assertThat(others.statusCode()).isEqualTo(403);
        assertThat(others.body()).contains("\"code\":40302");
        HttpResponse<String> unknown = call(all, app.clientId(), realm, "/user/vehicles/nope/status");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(call(all, otherApp.clientId(), realm, status).body()).contains("\"code\":40102");
        assertThat(call(all, app.clientId(), Brand.OPEL.realm(), status).body()).contains("\"code\":40103");
        HttpResponse<String> noRealm = new WebSession(port).get("/connectedcar/v4" + status + "?client_id="
                + app.clientId(), Map.of("Authorization", "Bearer " + all));
        assertThat(noRealm.statusCode()).isEqualTo(400);

        // The stranger's own token does not open the owner's vehicles either.
        String strangers = Enrollment.enroll(port, app.clientId(), SECRET, realm, stranger.email(), PASSWORD,
                List.of(Scopes.TELEMETRY), false).accessToken();
        assertThat(call(strangers, app.clientId(), realm, status).statusCode()).isEqualTo(403);
        assertThat(call(strangers, app.clientId(), realm, "/user/vehicles/" + strangersVehicle.apiId() + "/status")
                .statusCode()).isEqualTo(200);

        // Expired: the authorization server's record says so, whatever the token claims.
        Enrollment.Tokens expiring = Enrollment.enroll(port, app.clientId(), SECRET, realm, owner.email(), PASSWORD,
                List.of(Scopes.TELEMETRY), false);
        assertThat(call(expiring.accessToken(), app.clientId(), realm, status).statusCode()).isEqualTo(200);
        jdbc.update("UPDATE oauth2_authorization SET access_token_expires_at = ?, access_token_issued_at = ? "
                + "WHERE principal_name = ? AND access_token_issued_at = (SELECT MAX(access_token_issued_at) "
                + "FROM oauth2_authorization WHERE principal_name = ?)",
                java.sql.Timestamp.from(Instant.now().minusSeconds(10)),
                java.sql.Timestamp.from(Instant.now().minusSeconds(3700)), Long.toString(owner.id()),
                Long.toString(owner.id()));
        HttpResponse<String> expired = call(expiring.accessToken(), app.clientId(), realm, status);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("\"code\":40101");

        // Revoked.
        Enrollment.Tokens revoking = Enrollment.enroll(port, app.clientId(), SECRET, realm, owner.email(), PASSWORD,
                List.of(Scopes.TELEMETRY), false);
        assertThat(call(revoking.accessToken(), app.clientId(), realm, status).statusCode()).isEqualTo(200);
        new WebSession(port).postForm("/am/oauth2/token/revoke?realm=" + realm, Map.of("token",
                revoking.accessToken()), Map.of("Authorization", WebSession.basic(app.clientId(), SECRET)));
        assertThat(call(revoking.accessToken(), app.clientId(), realm, status).statusCode()).isEqualTo(401);
    }
}
