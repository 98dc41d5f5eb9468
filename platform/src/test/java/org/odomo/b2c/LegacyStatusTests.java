package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deprecated status members that apps written for the platform read, over HTTP, for a
 * vehicle of each powertrain read under several scope sets. The platform sends {@code energy} as
 * an array of items, one per energy type like {@code energies}, each with {@code updatedAt}, the
 * electric one with the older {@code charging} object directly on it; every other deprecated
 * member of the status (the misspelt {@code preconditionning}, the {@code updatedAt}s beside
 * {@code createdAt}, an engine's {@code oil} and {@code gmpStatus}, an energy's
 * {@code consumption}, {@code residual} and battery {@code capacity}) holds the value of its
 * current counterpart and is there exactly when that counterpart is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LegacyStatusTests {

    static final String SECRET = "legacy-status-secret";
    static final String PASSWORD = "legacy-status-password";

    /** One model of each motorization of the catalogue, by what it burns. */
    static final Map<String, String> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("electric", "P-E208");
        MODELS.put("petrol", "P-308");
        MODELS.put("diesel", "C-C5AX");
        MODELS.put("plug-in hybrid", "P-3008H");
        MODELS.put("hydrogen", "P-EXPH2");
    }

    /** The energy types each one stores: a fuel cell car has hydrogen (Fuel) and a buffer battery. */
    static final Map<String, Set<String>> ENERGY_TYPES = Map.of("electric", Set.of("Electric"), "petrol",
            Set.of("Fuel"), "diesel", Set.of("Fuel"), "plug-in hybrid", Set.of("Fuel", "Electric"), "hydrogen",
            Set.of("Fuel", "Electric"));
    static final Set<String> PLUG_IN = Set.of("electric", "plug-in hybrid");
    static final Set<String> WITH_ENGINES = Set.of("petrol", "diesel", "plug-in hybrid");

    /** The members of the older charging object, as the platform's clients read them. */
    static final List<String> LEGACY_CHARGING = List.of("plugged", "status", "remainingTime", "chargingRate",
            "chargingMode", "nextDelayedTime");

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

    final JsonMapper json = JsonMapper.builder().build();
    final Map<String, String> vehicleIds = new LinkedHashMap<>();
    final Map<String, Brand> brands = new LinkedHashMap<>();
    final Map<Brand, Account> owners = new LinkedHashMap<>();
    /** Access tokens by scope set, then by the owner's brand (each brand is its own realm). */
    final Map<String, Map<Brand, String>> tokens = new LinkedHashMap<>();
    App app;

    @BeforeAll
    void simulateAndEnroll() throws Exception {
        app = apps.ensureRegistered(new AppRegistration("Legacy status", "Reads the deprecated status members",
                "Odomo tests", "dev@example.com", 1000L, "legacy-status", Scopes.DATA,
                List.of(Enrollment.REDIRECT), "unlimited"), "legacy-status-client", SECRET);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(14));
        SimClock.Manual clock = SimClock.manual(start);
        FleetSimulator fleet = new FleetSimulator(transport, codec, SimulatorSettings.defaults().withSeed(23)
                .withIntroSpreadSeconds(120), clock);
        int i = 0;
        for (Map.Entry<String, String> model : MODELS.entrySet()) {
            // The catalogue's diesel is a Citroën: its owner has an account of that brand.
            Brand brand = model.getValue().startsWith("C-") ? Brand.CITROEN : Brand.PEUGEOT;
            Account owner = owners.computeIfAbsent(brand, b -> accounts.create(b,
                    "legacy." + b.name().toLowerCase() + "." + System.nanoTime() + "@example.com", PASSWORD,
                    "Legacy", "Status"));
            String vin = String.format("%sLGC%011d", brand == Brand.CITROEN ? "VR7" : "VR3",
                    (System.nanoTime() / 1000 + i * 7919L) % 100_000_000_000L);
            RegisteredVehicle v = registry.register(new NewVehicle(vin, brand, model.getValue(), owner.id(),
                    PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
            vehicleIds.put(model.getKey(), v.vehicle().apiId());
            brands.put(model.getKey(), brand);
            fleet.add(new SimulatedVehicle(vin, model.getValue(), v.credential(), PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.allOf(DataCategory.class), 2.3 + i * 0.05, 48.85));
            i++;
        }
        SimulatedPast.liveUntil(fleet, clock, Instant.now().minusSeconds(120));
        fleet.close();
        tokens.put("telemetry", token(List.of(Scopes.TELEMETRY)));
        tokens.put("position", token(List.of(Scopes.POSITION)));
        tokens.put("telemetry+position", token(List.of(Scopes.TELEMETRY, Scopes.POSITION)));
        tokens.put("trip", token(List.of(Scopes.TRIP)));
        tokens.put("all", token(new ArrayList<>(Scopes.DATA)));
    }

    private Map<Brand, String> token(List<String> scopes) {
        Map<Brand, String> byBrand = new LinkedHashMap<>();
        owners.forEach((brand, owner) -> byBrand.put(brand, Enrollment.enroll(port, app.clientId(), SECRET,
                brand.realm(), owner.email(), PASSWORD, scopes, false).accessToken()));
        return byBrand;
    }

    /** The status as the holder of {@code scopes} reads it: the answer's body, or null with its 4xx. */
    private JsonNode status(String scopes, String motorization) {
        HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4/user/vehicles/"
                + vehicleIds.get(motorization) + "/status?client_id=" + app.clientId(),
                Map.of("Authorization", "Bearer " + tokens.get(scopes).get(brands.get(motorization)),
                        "x-introspect-realm", brands.get(motorization).realm()));
        if (r.statusCode() == 200) {
            return json.readTree(r.body());
        }
        assertThat(r.statusCode()).as(scopes + " " + motorization + " " + r.body()).isIn(403, 404);
        JsonNode error = json.readTree(r.body());
        assertThat(names(error)).as("API error body").isEqualTo(new TreeSet<>(Set.of("code", "uuid", "message",
                "timestamp")));
        return null;
    }

    @Test
    void everyDeprecatedMemberMirrorsItsCurrentCounterpartUnderEveryScopeSet() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (String scopes : List.of("telemetry", "telemetry+position", "all")) {
            for (String motorization : MODELS.keySet()) {
                JsonNode status = status(scopes, motorization);
                assertThat(status).as(scopes + " reads the status of the " + motorization + " car").isNotNull();
                List<String> found = legacyProblems(status);
                found.addAll(expectedData(motorization, status));
                if (!found.isEmpty()) {
                    problems.put(scopes + " " + motorization, found);
                }
            }
        }
        assertThat(problems).as("deprecated members that differ from their current counterparts").isEmpty();
        assertThat(MODELS.keySet().stream().filter(m -> status("all", m).has("preconditionning")))
                .as("cars whose status has the misspelt preconditioning").isNotEmpty();
    }

    @Test
    void theSameLegacyMembersWhateverElseIsGranted() {
        for (String motorization : MODELS.keySet()) {
            JsonNode all = status("all", motorization);
            for (String scopes : List.of("telemetry", "telemetry+position")) {
                JsonNode read = status(scopes, motorization);
                for (String member : List.of("energies", "energy", "preconditioning", "preconditionning", "engines",
                        "powertrain", "service")) {
                    assertThat(read.get(member)).as(scopes + " " + motorization + " " + member)
                            .isEqualTo(all.get(member));
                }
            }
        }
    }

    /**
     * A telemetry item's engines and energies carry the same deprecated members as the status's,
     * from the members of the same item (its createdAt is when they were measured, as for every
     * member of the item), and the gmpStatus from the powertrain the same message gave.
     */
    @Test
    void telemetryItemsCarryTheDeprecatedMembersOfTheirEnginesAndEnergies() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>();
        for (String motorization : MODELS.keySet()) {
            HttpResponse<String> r = new WebSession(port).get("/connectedcar/v4/user/vehicles/"
                    + vehicleIds.get(motorization) + "/telemetry?pageSize=50&client_id=" + app.clientId(),
                    Map.of("Authorization", "Bearer " + tokens.get("telemetry").get(brands.get(motorization)),
                            "x-introspect-realm", brands.get(motorization).realm()));
            assertThat(r.statusCode()).as(motorization + " " + r.body()).isEqualTo(200);
            JsonNode items = json.readTree(r.body()).path("_embedded").path("telemetries");
            assertThat(items.size()).as(motorization + " telemetry items").isPositive();
            List<String> found = new ArrayList<>();
            for (JsonNode item : items) {
                JsonNode vehicle = item.path("vehicle");
                String at = item.path("createdAt").stringValue();
                expect(found, at != null, "telemetry item without createdAt: " + item);
                for (JsonNode energy : vehicle.path("energies")) {
                    String type = energy.path("type").stringValue();
                    deprecatedEnergyMembers(found, at + " " + type, energy);
                    JsonNode fuel = energy.path("extension").path("fuel");
                    JsonNode electric = energy.path("extension").path("electric");
                    if (fuel.has("consumption")) {
                        seen.add("fuel consumption");
                    }
                    if (electric.path("battery").has("capacity")) {
                        seen.add("battery capacity");
                    }
                    if (electric.has("residual")) {
                        seen.add("residual");
                    }
                }
                JsonNode powertrainStatus = vehicle.path("powertrain").get("status");
                for (JsonNode engine : vehicle.path("engines")) {
                    JsonNode oilTemp = engine.path("extension").path("thermic").path("oil").get("temp");
                    JsonNode expectedOil = oilTemp == null ? null : json.createObjectNode().set("temp", oilTemp);
                    expect(found, java.util.Objects.equals(engine.get("oil"), expectedOil),
                            at + " engine oil " + engine.get("oil") + ", expected " + expectedOil);
                    expect(found, java.util.Objects.equals(engine.get("gmpStatus"), powertrainStatus),
                            at + " engine gmpStatus " + engine.get("gmpStatus") + ", powertrain status "
                                    + powertrainStatus);
                    if (engine.has("oil")) {
                        seen.add("oil");
                    }
                    if (engine.has("gmpStatus")) {
                        seen.add("gmpStatus");
                    }
                }
            }
            if (!found.isEmpty()) {
                problems.put(motorization, found);
            }
        }
        assertThat(problems).as("deprecated telemetry members that differ from their current counterparts")
                .isEmpty();
        assertThat(seen).as("deprecated members met in the telemetry of the cars")
                .containsExactlyInAnyOrder("fuel consumption", "battery capacity", "residual", "oil", "gmpStatus");
    }

    @Test
    void noDeprecatedMemberReachesAnAppWithoutTheTelemetryScope() {
        for (String motorization : MODELS.keySet()) {
            JsonNode position = status("position", motorization);
            assertThat(position).as("position alone reads the " + motorization + " car's status").isNotNull();
            // The position scope grants the position and nothing else of a status.
            assertThat(names(position)).as(motorization)
                    .isEqualTo(new TreeSet<>(Set.of("_links", "createdAt", "updatedAt", "lastPosition")));
            JsonNode trip = status("trip", motorization);
            if (trip != null) {
                assertThat(names(trip)).as(motorization).isSubsetOf("_links", "createdAt", "updatedAt");
            }
        }
    }

    /**
     * The project's own description of the API describes what is served: {@code energy} as an
     * array of items with their {@code updatedAt} and the older {@code charging}, and the other
     * deprecated members of the status.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theOwnOpenApiDescribesTheServedShape() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = getClass().getResourceAsStream("/static/docs/b2c/openapi.yaml")) {
            doc = new Yaml().load(in);
        }
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) doc.get("components"))
                .get("schemas");
        OwnSchema status = new OwnSchema(schemas, schemas.get("Status"));
        List<String> undescribed = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of("energies[].updatedAt", "energy[].updatedAt",
                "energy[].createdAt", "energy[].type", "energy[].level", "energy[].autonomy",
                "energies[].extension.fuel.consumption.consumption",
                "energies[].extension.electric.residual.consumption",
                "energies[].extension.electric.battery.capacity",
                "preconditioning.airConditioning.updatedAt", "preconditionning.airConditioning.updatedAt",
                "preconditionning.airConditioning.status", "engines[].oil.temp", "engines[].gmpStatus",
                "service.type"));
        LEGACY_CHARGING.forEach(m -> paths.add("energy[].charging." + m));
        for (String path : paths) {
            if (!status.describes(path)) {
                undescribed.add(path);
            }
        }
        assertThat(undescribed).as("served members the project's OpenAPI does not describe").isEmpty();
        assertThat(status.at("energy").get("type")).as("energy is an array").isEqualTo("array");
        assertThat(status.describes("energy.level")).as("energy is not one object").isFalse();
    }

    /** A schema of the project's own OpenAPI file, followed through $ref, allOf and items. */
    record OwnSchema(Map<String, Object> schemas, Object root) {

        boolean describes(String path) {
            return at(path) != null;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> at(String path) {
            List<Map<String, Object>> current = List.of(resolve(root));
            for (String segment : path.split("\\.")) {
                boolean items = segment.endsWith("[]");
                String name = items ? segment.substring(0, segment.length() - 2) : segment;
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> schema : current) {
                    for (Map<String, Object> part : flatten(schema)) {
                        if (part.get("properties") instanceof Map<?, ?> props && props.get(name) != null) {
                            next.add(resolve(props.get(name)));
                        }
                    }
                }
                if (items) {
                    List<Map<String, Object>> elements = new ArrayList<>();
                    for (Map<String, Object> schema : next) {
                        if (schema.get("items") != null) {
                            elements.add(resolve(schema.get("items")));
                        }
                    }
                    next = elements;
                }
                if (next.isEmpty()) {
                    return null;
                }
                current = next;
            }
            return current.get(0);
        }

        @SuppressWarnings("unchecked")
        private List<Map<String, Object>> flatten(Map<String, Object> schema) {
            List<Map<String, Object>> parts = new ArrayList<>(List.of(schema));
            if (schema.get("allOf") instanceof List<?> all) {
                for (Object part : all) {
                    parts.addAll(flatten(resolve(part)));
                }
            }
            return parts;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> resolve(Object node) {
            Map<String, Object> schema = (Map<String, Object>) node;
            while (schema.get("$ref") instanceof String ref) {
                schema = (Map<String, Object>) schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
            }
            return schema;
        }
    }

    // ---- what the platform's clients expect

    /**
     * Where the deprecated members of one status answer differ from what the platform sends given
     * that answer's current members.
     */
    private List<String> legacyProblems(JsonNode status) {
        List<String> problems = new ArrayList<>();
        JsonNode energies = status.get("energies");
        JsonNode energy = status.get("energy");
        if (energies == null) {
            expect(problems, energy == null, "energy without energies: " + energy);
        } else {
            expect(problems, energy != null && energy.isArray() && energy.size() == energies.size(),
                    "energy is not an array of one item per energies item: " + energy);
            for (JsonNode item : energies) {
                String type = item.path("type").stringValue();
                expect(problems, item.path("createdAt").isString()
                        && item.path("updatedAt").equals(item.path("createdAt")),
                        "energies[type=" + type + "].updatedAt is not its createdAt: " + item);
                deprecatedEnergyMembers(problems, type, item);
                ObjectNode expected = ((ObjectNode) item).deepCopy();
                JsonNode charging = item.path("extension").path("electric").path("charging");
                if (charging.isObject()) {
                    ObjectNode legacy = json.createObjectNode();
                    for (String member : LEGACY_CHARGING) {
                        if (charging.has(member)) {
                            legacy.set(member, charging.get(member));
                        }
                    }
                    if (!legacy.isEmpty()) {
                        expected.set("charging", legacy);
                    }
                }
                List<JsonNode> matching = new ArrayList<>();
                if (energy != null) {
                    energy.forEach(e -> {
                        if (type.equals(e.path("type").stringValue())) {
                            matching.add(e);
                        }
                    });
                }
                expect(problems, matching.size() == 1 && matching.get(0).equals(expected),
                        "energy[type=" + type + "] is " + matching + ", expected " + expected);
            }
        }
        JsonNode preconditioning = status.get("preconditioning");
        JsonNode misspelt = status.get("preconditionning");
        if (preconditioning == null) {
            expect(problems, misspelt == null, "preconditionning without preconditioning: " + misspelt);
        } else {
            JsonNode ac = preconditioning.path("airConditioning");
            expect(problems, ac.path("createdAt").isString() && ac.path("updatedAt").equals(ac.path("createdAt")),
                    "preconditioning.airConditioning.updatedAt is not its createdAt: " + ac);
            expect(problems, preconditioning.equals(misspelt),
                    "preconditionning " + misspelt + " is not preconditioning " + preconditioning);
        }
        JsonNode powertrainStatus = status.path("powertrain").get("status");
        for (JsonNode engine : status.path("engines")) {
            JsonNode oilTemp = engine.path("extension").path("thermic").path("oil").get("temp");
            JsonNode expectedOil = oilTemp == null ? null : json.createObjectNode().set("temp", oilTemp);
            expect(problems, java.util.Objects.equals(engine.get("oil"), expectedOil),
                    "engine oil " + engine.get("oil") + ", expected " + expectedOil);
            expect(problems, java.util.Objects.equals(engine.get("gmpStatus"), powertrainStatus),
                    "engine gmpStatus " + engine.get("gmpStatus") + ", powertrain status " + powertrainStatus);
        }
        return problems;
    }

    /** An energy's deprecated consumption, residual energy and battery capacity. */
    private static void deprecatedEnergyMembers(List<String> problems, String type, JsonNode item) {
        JsonNode fuel = item.path("extension").path("fuel");
        JsonNode instant = fuel.path("consumptions").get("instant");
        JsonNode consumption = fuel.path("consumption").get("consumption");
        expect(problems, instant == null ? consumption == null : instant.equals(consumption),
                type + " extension.fuel.consumption " + consumption + ", instant consumption " + instant);
        JsonNode electric = item.path("extension").path("electric");
        JsonNode load = electric.path("battery").path("load");
        expect(problems, java.util.Objects.equals(electric.path("battery").get("capacity"), load.get("capacity")),
                type + " battery capacity " + electric.path("battery").get("capacity") + ", load " + load);
        JsonNode residual = electric.path("residual").get("consumption");
        if (load.get("residual") == null) {
            expect(problems, residual == null, type + " residual " + residual + " without a load residual");
        } else {
            // kWh beside Wh: the vehicle may send the deprecated one itself, rounded to 10 Wh.
            expect(problems, residual != null
                    && Math.abs(residual.asDouble() * 1000 - load.get("residual").asDouble()) <= 10,
                    type + " residual " + residual + " kWh, load residual " + load.get("residual") + " Wh");
        }
    }

    /** The data each powertrain sends (with the telemetry scope): so that the checks above are not vacuous. */
    private static List<String> expectedData(String motorization, JsonNode status) {
        List<String> problems = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        status.path("energy").forEach(e -> types.add(e.path("type").stringValue()));
        expect(problems, types.equals(new TreeSet<>(ENERGY_TYPES.get(motorization))), "energy types " + types);
        for (JsonNode e : status.path("energy")) {
            boolean electric = "Electric".equals(e.path("type").stringValue());
            expect(problems, e.path("updatedAt").isString(), "energy item without updatedAt: " + e);
            if (electric && PLUG_IN.contains(motorization)) {
                expect(problems, e.path("charging").has("plugged") && e.path("charging").has("status")
                        && e.path("charging").has("chargingMode"), "electric item without charging: " + e);
            } else {
                expect(problems, !e.has("charging"), "charging on an item that cannot charge: " + e);
            }
        }
        boolean engines = status.path("engines").size() > 0;
        expect(problems, engines == WITH_ENGINES.contains(motorization), "engines: " + status.get("engines"));
        for (JsonNode engine : status.path("engines")) {
            expect(problems, engine.has("gmpStatus") && engine.path("oil").has("temp"),
                    "engine without its deprecated members: " + engine);
        }
        return problems;
    }

    private static void expect(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.propertyNames().forEach(names::add);
        return names;
    }
}
