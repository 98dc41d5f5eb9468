package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.assertj.core.api.SoftAssertions;
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
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
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
 * Every combination of granted scopes × vehicle model × connected services × privacy mode, on the
 * status and last-position operations, plus the caller conditions (other user's vehicle, unknown
 * vehicle, wrong client_id, wrong realm, expired and revoked tokens). The expected status code and
 * fields of each cell come from the four availability conditions written out here, independently
 * of the access component under test. Data is stored first with every service and full privacy,
 * then each vehicle is switched to its cell's services and mode: everything hidden is hidden at
 * read time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "odomo.oauth.revocation-cache-ttl=0s")
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTests {

    static final String SECRET = "matrix-secret";
    static final String PASSWORD = "matrix-password";
    static final List<List<String>> SCOPE_SETS = List.of(
            List.of(Scopes.TELEMETRY), List.of(Scopes.POSITION), List.of(Scopes.TELEMETRY, Scopes.POSITION),
            List.of(Scopes.ALERT), List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP, Scopes.ALERT,
                    Scopes.COLLISION), List.of(Scopes.TRIP), List.of(Scopes.TRIP, Scopes.POSITION),
            List.of(Scopes.ALERT, Scopes.POSITION));
    static final List<Set<ConnectedService>> SERVICE_SETS = List.of(EnumSet.of(ConnectedService.PARTNER),
            EnumSet.of(ConnectedService.TMTS), EnumSet.of(ConnectedService.REMOTE_CONTROL),
            EnumSet.of(ConnectedService.ASSISTANCE), EnumSet.noneOf(ConnectedService.class));

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
    Vehicle strangersVehicle;
    final JsonMapper json = JsonMapper.builder().build();

    record Cell(List<String> scopes, Vehicle vehicle, String operation) {
    }

    @BeforeAll
    void setUp() {
        app = apps.ensureRegistered(registration("matrix-app"), "matrix-client", SECRET);
        otherApp = apps.ensureRegistered(registration("matrix-other"), "matrix-other-client", SECRET);
        owner = accounts.create(Brand.PEUGEOT, "owner." + System.nanoTime() + "@example.com", PASSWORD, "O", "Wner");
        stranger = accounts.create(Brand.PEUGEOT, "stranger." + System.nanoTime() + "@example.com", PASSWORD, "S",
                "Tranger");
        for (String model : List.of("P-E208", "P-308")) {
            for (Set<ConnectedService> services : SERVICE_SETS) {
                for (PrivacyMode mode : PrivacyMode.values()) {
                    vehicles.add(vehicleWithData(model, owner.id(), services, mode));
                }
            }
        }
        strangersVehicle = vehicleWithData("P-E208", stranger.id(), EnumSet.of(ConnectedService.PARTNER),
                PrivacyMode.DATA_AND_LOCATION);
        for (List<String> scopes : SCOPE_SETS) {
            tokens.put(scopes, Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), owner.email(),
                    PASSWORD, scopes, false).accessToken());
        }
    }

    private static AppRegistration registration(String loginId) {
        return new AppRegistration("Matrix " + loginId, "Checks access rules", "Odomo tests", "dev@example.com",
                1000L, loginId, Set.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP, Scopes.ALERT, Scopes.COLLISION),
                List.of(Enrollment.REDIRECT), "unlimited");
    }

    private Vehicle vehicleWithData(String model, long ownerId, Set<ConnectedService> services, PrivacyMode mode) {
        RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model, ownerId,
                PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        String vin = v.vehicle().vin();
        boolean electric = v.vehicle().motorization() == Motorization.BEV;
        ObjectNode message = TestVehicles.envelope(vin, v.credential(), "m1",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60), MessageType.TELEMETRY);
        ObjectNode data = message.putObject("data");
        data.putObject("position").put("heading", 90).putArray("coordinates").add(2.35).add(48.85);
        data.putObject("odometer").put("mileage", 1234.5);
        data.putObject("privacy").put("state", "None");
        data.putObject("ignition").put("type", "Start");
        ObjectNode energy = data.putArray("energies").addObject();
        if (electric) {
            energy.put("type", "Electric").put("level", 80).put("autonomy", 250);
            ObjectNode ext = energy.putObject("extension").putObject("electric");
            ext.putObject("battery").putObject("health").put("capacity", 97).put("resistance", 95);
            ext.putObject("charging").put("plugged", false).put("status", "Disconnected");
        } else {
            energy.put("type", "Fuel").put("level", 55).put("autonomy", 480);
            energy.putObject("extension").putObject("fuel").putObject("consumptions").put("total", 12000).put("instant", 5.5);
        }
        Instant t = Instant.parse(message.path("at").stringValue());
        ObjectNode start = TestVehicles.envelope(vin, v.credential(), "m0", t.minusSeconds(600), MessageType.EVENT);
        start.putObject("event").put("name", "ignition");
        ObjectNode startData = start.putObject("data");
        startData.putObject("ignition").put("type", "Start");
        startData.putObject("position").putArray("coordinates").add(2.30).add(48.80);
        startData.putObject("odometer").put("mileage", 1225.0);
        ObjectNode alert = TestVehicles.envelope(vin, v.credential(), "m1a", t.minusSeconds(300), MessageType.EVENT);
        alert.putObject("event").put("name", "alertRaised").putObject("alert").put("type", "RiskOfIce")
                .put("severity", "Information");
        alert.putObject("data").putObject("position").putArray("coordinates").add(2.32).add(48.82);
        ObjectNode stop = TestVehicles.envelope(vin, v.credential(), "m2", t.plusSeconds(1), MessageType.EVENT);
        stop.putObject("event").put("name", "ignition");
        ObjectNode stopData = stop.putObject("data");
        stopData.putObject("ignition").put("type", "Stop");
        stopData.putObject("position").put("heading", 90).putArray("coordinates").add(2.35).add(48.85);
        stopData.putObject("odometer").put("mileage", 1234.5);
        for (ObjectNode m : List.of(start, alert, message, stop)) {
            assertThat(gateway.submit(TestVehicles.bytes(m)).join()).isEqualTo(IngestOutcome.STORED);
        }
        for (ConnectedService s : ConnectedService.values()) {
            if (services.contains(s)) {
                registry.activateService(vin, s);
            } else {
                registry.deactivateService(vin, s);
            }
        }
        registry.setPrivacyMode(vin, mode);
        return registry.find(vin).orElseThrow();
    }

    private HttpResponse<String> call(String token, String clientId, String realm, String path) {
        return new WebSession(port).get("/connectedcar/v4" + path + "?client_id=" + clientId,
                Map.of("Authorization", "Bearer " + token, "x-introspect-realm", realm));
    }

    @Test
    void everyScopeServicePrivacyAndModelCell() {
        SoftAssertions softly = new SoftAssertions();
        int cells = 0;
        for (List<String> scopes : SCOPE_SETS) {
            for (Vehicle vehicle : vehicles) {
                checkStatus(softly, scopes, vehicle);
                checkLastPosition(softly, scopes, vehicle);
                checkAlerts(softly, scopes, vehicle);
                checkTrips(softly, scopes, vehicle);
                cells += 4;
            }
        }
        softly.assertAll();
        assertThat(cells).isEqualTo(SCOPE_SETS.size() * 30 * 4);
    }

    private void checkAlerts(SoftAssertions softly, List<String> scopes, Vehicle vehicle) {
        Set<DataCategory> covered = ConnectedService.dataCoveredBy(vehicle.services());
        PrivacyMode mode = vehicle.privacyMode();
        boolean alerts = covered.contains(DataCategory.ALERT) && mode != PrivacyMode.PLANE;
        boolean position = scopes.contains(Scopes.POSITION) && covered.contains(DataCategory.POSITION)
                && mode == PrivacyMode.DATA_AND_LOCATION;
        String cell = scopes + " " + vehicle.modelCode() + " " + vehicle.services() + " " + mode + " alerts";
        HttpResponse<String> r = call(tokens.get(scopes), app.clientId(), Brand.PEUGEOT.realm(),
                "/user/vehicles/" + vehicle.apiId() + "/alerts");
        int expected = scopes.contains(Scopes.ALERT) ? 200 : 403;
        softly.assertThat(r.statusCode()).as(cell + " " + r.body()).isEqualTo(expected);
        if (expected != 200 || r.statusCode() != 200) {
            return;
        }
        JsonNode list = json.readTree(r.body()).path("_embedded").path("alerts");
        softly.assertThat(list.size()).as(cell + " count").isEqualTo(alerts ? 1 : 0);
        if (alerts && list.size() == 1) {
            JsonNode a = list.get(0);
            softly.assertThat(a.path("type").stringValue()).as(cell).isEqualTo("RiskOfIce");
            softly.assertThat(a.has("startPosition")).as(cell + " startPosition").isEqualTo(position);
        }
    }

    private void checkTrips(SoftAssertions softly, List<String> scopes, Vehicle vehicle) {
        Set<DataCategory> covered = ConnectedService.dataCoveredBy(vehicle.services());
        PrivacyMode mode = vehicle.privacyMode();
        boolean trips = covered.contains(DataCategory.TRIP) && mode != PrivacyMode.PLANE;
        boolean position = scopes.contains(Scopes.POSITION) && covered.contains(DataCategory.POSITION)
                && mode == PrivacyMode.DATA_AND_LOCATION;
        String cell = scopes + " " + vehicle.modelCode() + " " + vehicle.services() + " " + mode + " trips";
        HttpResponse<String> r = call(tokens.get(scopes), app.clientId(), Brand.PEUGEOT.realm(),
                "/user/vehicles/" + vehicle.apiId() + "/trips");
        int expected = scopes.contains(Scopes.TRIP) ? 200 : 403;
        softly.assertThat(r.statusCode()).as(cell + " " + r.body()).isEqualTo(expected);
        if (expected != 200 || r.statusCode() != 200) {
            return;
        }
        JsonNode list = json.readTree(r.body()).path("_embedded").path("trips");
        softly.assertThat(list.size()).as(cell + " count").isEqualTo(trips ? 1 : 0);
        if (trips && list.size() == 1) {
            JsonNode t = list.get(0);
            softly.assertThat(t.path("done").booleanValue()).as(cell + " done").isTrue();
            softly.assertThat(t.path("distance").doubleValue()).as(cell + " distance").isEqualTo(9.5);
            softly.assertThat(t.has("startPosition")).as(cell + " startPosition").isEqualTo(position);
            softly.assertThat(t.has("stopPosition")).as(cell + " stopPosition").isEqualTo(position);
            softly.assertThat(t.path("_links").has("waypoints")).as(cell + " waypoints link").isEqualTo(position);
            softly.assertThat(t.path("_links").has("alerts")).as(cell + " alerts link")
                    .isEqualTo(scopes.contains(Scopes.ALERT));
        }
    }

    private void checkStatus(SoftAssertions softly, List<String> scopes, Vehicle vehicle) {
        Set<DataCategory> covered = ConnectedService.dataCoveredBy(vehicle.services());
        PrivacyMode mode = vehicle.privacyMode();
        boolean telemetry = scopes.contains(Scopes.TELEMETRY) && covered.contains(DataCategory.TELEMETRY)
                && mode != PrivacyMode.PLANE;
        boolean position = scopes.contains(Scopes.POSITION) && covered.contains(DataCategory.POSITION)
                && mode == PrivacyMode.DATA_AND_LOCATION;
        boolean privacy = scopes.contains(Scopes.TELEMETRY) && covered.contains(DataCategory.TELEMETRY);
        boolean electric = vehicle.motorization() == Motorization.BEV;
        String cell = scopes + " " + vehicle.modelCode() + " " + vehicle.services() + " " + mode + " status";

        HttpResponse<String> r = call(tokens.get(scopes), app.clientId(), Brand.PEUGEOT.realm(),
                "/user/vehicles/" + vehicle.apiId() + "/status");
        int expected = !scopes.contains(Scopes.TELEMETRY) && !scopes.contains(Scopes.POSITION) ? 403
                : telemetry || position || privacy ? 200 : 404;
        softly.assertThat(r.statusCode()).as(cell + " " + r.body()).isEqualTo(expected);
        if (expected != 200 || r.statusCode() != 200) {
            softly.assertThat(r.body()).as(cell).contains("\"code\":" + (expected == 403 ? 40301 : 40499));
            return;
        }
        JsonNode body = json.readTree(r.body());
        softly.assertThat(body.has("_links") && body.has("createdAt")).as(cell + " links").isTrue();
        softly.assertThat(body.has("odometer")).as(cell + " odometer").isEqualTo(telemetry);
        softly.assertThat(body.has("ignition")).as(cell + " ignition").isEqualTo(telemetry);
        softly.assertThat(body.has("energies")).as(cell + " energies").isEqualTo(telemetry);
        softly.assertThat(body.has("lastPosition")).as(cell + " lastPosition").isEqualTo(position);
        softly.assertThat(body.has("privacy")).as(cell + " privacy").isEqualTo(privacy);
        if (telemetry) {
            JsonNode energy = body.path("energies").get(0);
            softly.assertThat(energy.path("level").isNumber()).as(cell + " level").isTrue();
            softly.assertThat(energy.path("extension").path("electric").path("battery").path("health").has("capacity"))
                    .as(cell + " battery health").isEqualTo(electric);
            softly.assertThat(energy.path("extension").path("fuel").path("consumptions").has("total"))
                    .as(cell + " fuel total").isEqualTo(!electric);
        }
        softly.assertThat(r.body()).as(cell + " no nulls").doesNotContain(":null");
    }

    private void checkLastPosition(SoftAssertions softly, List<String> scopes, Vehicle vehicle) {
        Set<DataCategory> covered = ConnectedService.dataCoveredBy(vehicle.services());
        boolean position = scopes.contains(Scopes.POSITION) && covered.contains(DataCategory.POSITION)
                && vehicle.privacyMode() == PrivacyMode.DATA_AND_LOCATION;
        String cell = scopes + " " + vehicle.modelCode() + " " + vehicle.services() + " " + vehicle.privacyMode()
                + " lastPosition";
        HttpResponse<String> r = call(tokens.get(scopes), app.clientId(), Brand.PEUGEOT.realm(),
                "/user/vehicles/" + vehicle.apiId() + "/lastPosition");
        int expected = !scopes.contains(Scopes.POSITION) ? 403 : position ? 200 : 404;
        softly.assertThat(r.statusCode()).as(cell + " " + r.body()).isEqualTo(expected);
        if (expected == 200 && r.statusCode() == 200) {
            JsonNode body = json.readTree(r.body());
            softly.assertThat(body.path("type").stringValue()).as(cell).isEqualTo("Feature");
            softly.assertThat(body.path("geometry").path("coordinates").get(0).doubleValue()).as(cell).isEqualTo(2.35);
            softly.assertThat(body.path("properties").path("heading").intValue()).as(cell).isEqualTo(90);
        }
    }

    @Test
    void callerConditions() {
        String all = tokens.get(SCOPE_SETS.get(4));
        Vehicle full = vehicles.stream().filter(v -> v.services().contains(ConnectedService.PARTNER)
                && v.privacyMode() == PrivacyMode.DATA_AND_LOCATION).findFirst().orElseThrow();
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
