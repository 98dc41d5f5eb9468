package org.odomo.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RemoteType;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The remote operations over HTTP: every request the API accepts and every answer is validated
 * against the published api-b2c.yaml (strictly; errors against the documented error body too),
 * answers are compared whole, a body the schema or the prose rules out is a 400 naming the
 * member and stores nothing, a missing scope is an HTTP error, and no other (user, app) pair,
 * vehicle or callback reaches an action. Expected answers come from the published schemas and
 * REFERENCE.md section 11.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1h",
                "odomo.remotes.max-requests-in-window=3", "odomo.remotes.wake-ups-per-month=2",
                "odomo.remotes.min-battery-level=10", "odomo.remotes.answer-timeout=2m",
                "odomo.remotes.resend-after=20s"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemotesApiTests {

    static final String SECRET = "remotes-api-secret";
    static final String PASSWORD = "remotes-api-password";
    static final String BASE = "/connectedcar/v4";

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    JdbcClient jdbc;

    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", BASE);
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    App appA;
    App appB;

    record Pair(Account user, App app, String token) {
    }

    record Answer(int status, JsonNode body) {
    }

    @BeforeAll
    void register() {
        appA = app("A");
        appB = app("B");
    }

    private App app(String name) {
        return apps.ensureRegistered(new AppRegistration("Remotes " + name, "Sends remotes", "Odomo tests",
                "dev@example.com", 1000L, "remotes-" + name.toLowerCase(), Scopes.ALL, List.of(Enrollment.REDIRECT),
                "unlimited"), "remotes-client-" + name, SECRET);
    }

    private Account user(String name) {
        return accounts.create(Brand.PEUGEOT, name + "." + System.nanoTime() + "@example.com", PASSWORD, name, "Test");
    }

    private Pair pair(Account user, App app, List<String> scopes) {
        return new Pair(user, app, Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(),
                PASSWORD, scopes, false).accessToken());
    }

    private String vehicleOf(Account user) {
        return vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", user.id(),
                PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER))).vehicle().apiId();
    }

    Answer call(Pair who, String method, String path, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE + path
                + (path.contains("?") ? "&" : "?") + "client_id=" + who.app().clientId()))
                .header("x-introspect-realm", Brand.PEUGEOT.realm()).header("Authorization", "Bearer " + who.token());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String where = method + " " + path + " " + r.statusCode();
        assertThat(r.statusCode()).as(where + " " + r.body()).isEqualTo(expected);
        OpenApiSpec.Operation op = spec.match(method, path.replaceAll("\\?.*", ""))
                .orElseThrow(() -> new AssertionError("not a published operation: " + method + " " + path));
        JsonNode answer = json.readTree(r.body());
        assertThat(Exchanges.problems(spec, op, expected < 300 && body != null ? json.readTree(body) : null,
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), answer))
                .as(where + " " + r.body()).isEmpty();
        return new Answer(r.statusCode(), answer);
    }

    String href(Pair who, String path) {
        return "http://localhost:" + port + BASE + path + "?client_id=" + who.app().clientId();
    }

    String callback(Pair who, String types) {
        String body = "{\"label\": \"hook\"" + (types == null ? "" : ", \"type\": " + types)
                + ", \"callback\": {\"webhook\": {\"name\": \"hook\", \"target\": \"https://hooks.example.com/in\"}}}";
        return call(who, "POST", "/user/callbacks", body, 200).body().path("callbackId").stringValue();
    }

    static String remotes(String vehicle, String callback) {
        return "/user/vehicles/" + vehicle + "/callbacks/" + callback + "/remotes";
    }

    int stored() {
        return jdbc.sql("SELECT COUNT(*) FROM b2c_remote").query(Integer.class).single();
    }

    static final String HORN = "{\"label\": \"honk\", \"horn\": {\"state\": \"Activated\"}}";
    static final String PRECONDITIONING = """
            {"label": "warm", "callbackAttributes": {"webhook": [{"type": "Query", "key": "r", "value": "$RemoteType"}]},
             "preconditioning": {"airConditioning": {"immediate": false, "programs": [
                 {"slot": 1, "enabled": true, "recurrence": "Daily", "start": "PT7H30M", "occurence": {"day": ["Mon", "Tue"]},
                  "actionsType": "Set"},
                 {"slot": 2, "start": "PT0S", "actionsType": "Delete"}]}}}""";

    // ---- the operations

    @Test
    void anActionIsAcceptedReadAndListed() {
        Account alice = user("alice");
        Pair aliceA = pair(alice, appA, List.copyOf(Scopes.ALL));
        String path = remotes(vehicleOf(alice), callback(aliceA, "[\"Remote\"]"));

        JsonNode created = call(aliceA, "POST", path, HORN, 202).body();
        String id = created.path("remoteActionId").stringValue();
        ObjectNode ref = json.createObjectNode();
        ObjectNode links = ref.putObject("_links");
        links.putObject("callback").put("href", href(aliceA, "/user/callbacks/" + path.split("/")[5]));
        links.putObject("remote").put("href", href(aliceA, path + "/" + id));
        ref.put("remoteActionId", id);
        ref.put("type", "Horn");
        assertThat(created).isEqualTo(ref);

        JsonNode one = call(aliceA, "GET", path + "/" + id, null, 200).body();
        ObjectNode action = json.createObjectNode();
        ObjectNode selfLinks = action.putObject("_links");
        selfLinks.putObject("callback").put("href", href(aliceA, "/user/callbacks/" + path.split("/")[5]));
        selfLinks.putObject("self").put("href", href(aliceA, path + "/" + id));
        action.put("remoteActionId", id);
        action.put("type", "Horn");
        action.set("remote", json.readTree(HORN));
        // Never heard from: the vehicle is being woken up.
        action.put("status", "WakingUpVehicle");
        assertThat(one).isEqualTo(action);

        JsonNode second = call(aliceA, "POST", path, PRECONDITIONING, 202).body();
        assertThat(second.path("type").stringValue()).isEqualTo("ThermalPreconditioning");
        JsonNode two = call(aliceA, "GET", path + "/" + second.path("remoteActionId").stringValue(), null, 200).body();
        ObjectNode page = json.createObjectNode();
        ObjectNode pageLinks = page.putObject("_links");
        pageLinks.putObject("self").put("href", href(aliceA, path) + "&pageSize=60");
        pageLinks.putObject("first").put("href", href(aliceA, path) + "&pageSize=60");
        pageLinks.putObject("last").put("href", href(aliceA, path) + "&pageSize=60");
        page.put("total", 2);
        page.put("totalPage", 1);
        page.put("currentPage", 1);
        page.putObject("_embedded").putArray("remoteActions").add(one).add(two);
        assertThat(call(aliceA, "GET", path, null, 200).body()).isEqualTo(page);
        JsonNode firstPage = call(aliceA, "GET", path + "?pageSize=1", null, 200).body();
        assertThat(firstPage.path("_embedded").path("remoteActions")).hasSize(1);
        assertThat(firstPage.path("totalPage").intValue()).isEqualTo(2);
        assertThat(firstPage.path("_links").has("next")).isTrue();

        // A token with the horn scope only sees the horn action, and cannot read the other one.
        Pair hornOnly = pair(alice, appA, List.of(RemoteType.HORN.scope()));
        JsonNode hornPage = call(hornOnly, "GET", path, null, 200).body();
        assertThat(hornPage.path("total").intValue()).isEqualTo(1);
        assertThat(hornPage.path("_embedded").path("remoteActions").get(0)).isEqualTo(one);
        call(hornOnly, "GET", path + "/" + second.path("remoteActionId").stringValue(), null, 404);
    }

    @Test
    void aMissingScopeIsAnHttpErrorAndNothingIsStored() {
        Account bob = user("bob");
        Pair dataOnly = pair(bob, appA, List.copyOf(Scopes.DATA));
        Pair hornOnly = pair(bob, appA, List.of(RemoteType.HORN.scope()));
        String path = remotes(vehicleOf(bob), callback(hornOnly, null));
        int before = stored();
        JsonNode noRemote = call(dataOnly, "POST", path, HORN, 403).body();
        assertThat(noRemote.path("code").intValue()).isEqualTo(40301);
        call(dataOnly, "GET", path, null, 403);
        JsonNode door = call(hornOnly, "POST", path, "{\"door\": {\"state\": \"Locked\"}}", 403).body();
        assertThat(door.path("code").intValue()).isEqualTo(40301);
        assertThat(door.path("message").stringValue()).isEqualTo("a door remote needs the scope remote:door:write,"
                + " which the user did not grant this app");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void noOtherPairVehicleOrCallbackReachesAnAction() {
        Account carol = user("carol");
        Account dave = user("dave");
        Pair carolA = pair(carol, appA, List.copyOf(Scopes.ALL));
        Pair carolB = pair(carol, appB, List.copyOf(Scopes.ALL));
        Pair daveA = pair(dave, appA, List.copyOf(Scopes.ALL));
        String car = vehicleOf(carol);
        String callback = callback(carolA, "[\"Remote\"]");
        String path = remotes(car, callback);
        String id = call(carolA, "POST", path, HORN, 202).body().path("remoteActionId").stringValue();

        // Another app of the same user, another user, another vehicle, another callback: 404.
        call(carolB, "GET", path + "/" + id, null, 404);
        call(carolB, "GET", path, null, 404);
        call(carolB, "POST", path, HORN, 404);
        call(daveA, "GET", path + "/" + id, null, 404);
        call(daveA, "POST", path, HORN, 404);
        call(carolA, "GET", remotes(vehicleOf(carol), callback) + "/" + id, null, 404);
        call(carolA, "GET", remotes(car, callback(carolA, null)) + "/" + id, null, 404);
        call(carolA, "GET", path + "/not-an-id!", null, 404);
        // A callback that serves monitors only takes no remote.
        call(carolA, "POST", remotes(car, callback(carolA, "[\"Monitor\"]")), HORN, 404);
    }

    @Test
    void aBodyTheContractRulesOutIsA400NamingTheMember() {
        Account erin = user("erin");
        Pair erinA = pair(erin, appA, List.copyOf(Scopes.ALL));
        String path = remotes(vehicleOf(erin), callback(erinA, null));
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{}", "exactly one action is required");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"lights\": {\"on\": true}}", "[horn, lights]: exactly one");
        refused.put("{\"door\": {\"state\": \"Open\"}}", "door.state: must be one of [Unlocked, Locked]");
        refused.put("{\"door\": {}}", "door.state: required");
        refused.put("{\"door\": {\"state\": \"Locked\", \"force\": true}}", "door.force: not a member");
        refused.put("{\"lights\": {\"on\": \"yes\"}}", "lights.on: must be true or false");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"colour\": 1}", "colour: not a member");
        refused.put("{\"charging\": {\"immediate\": true, \"preferences\": {\"type\": \"Full\"}}}",
                "charging.preferences: cannot be combined");
        refused.put("{\"charging\": {}}", "charging: one of immediate, schedule and preferences is required");
        refused.put("{\"charging\": {\"schedule\": {\"nextDelayedTime\": \"tonight\"}}}",
                "charging.schedule.nextDelayedTime: an RFC 3339");
        refused.put("{\"charging\": {\"schedule\": {\"nextDelayedTime\": \"2030-01-01T22:00:00Z\", \"programs\": []}}}",
                "charging.schedule: exactly one of nextDelayedTime and programs");
        refused.put("{\"charging\": {\"preferences\": {\"level\": \"Level9\"}}}",
                "charging.preferences.level: must be one of");
        refused.put("{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 5, \"enabled\": true,"
                + " \"start\": \"PT7H\", \"occurence\": {\"day\": [\"Mon\"]}}]}}}",
                "preconditioning.airConditioning.programs[0].slot: an integer from 1 to 4");
        refused.put("{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 1, \"start\": \"PT0S\", \"actionsType\": \"Delete\"},"
                + " {\"slot\": 1, \"start\": \"PT0S\", \"actionsType\": \"Delete\"}]}}}",
                "preconditioning.airConditioning.programs[1].slot: slot 1 is already used");
        refused.put("{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 1, \"enabled\": true,"
                + " \"start\": \"PT7H\"}]}}}", "preconditioning.airConditioning.programs[0].occurence: required");
        refused.put("{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 1, \"enabled\": true,"
                + " \"start\": \"07:30\", \"occurence\": {\"day\": [\"Mon\"]}}]}}}",
                "preconditioning.airConditioning.programs[0].start: a time of day");
        refused.put("{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 1, \"start\": \"PT0S\", \"actionsType\": \"Delete\"},"
                + " {\"slot\": 2, \"start\": \"PT0S\", \"actionsType\": \"Delete\"}, {\"slot\": 3, \"start\": \"PT0S\", \"actionsType\": \"Delete\"},"
                + " {\"slot\": 4, \"start\": \"PT0S\", \"actionsType\": \"Delete\"}, {\"slot\": 4, \"start\": \"PT0S\", \"actionsType\": \"Delete\"}]}}}",
                "preconditioning.airConditioning.programs: must be an array of 1 to 4");
        refused.put("{\"preconditioning\": {}}", "preconditioning.airConditioning: required");
        refused.put("{\"navigation\": {\"positions\": []}}", "navigation.positions: must be an array of 1 to 10");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ", ").append("{\"type\": \"Point\", \"coordinates\": [2.3, 48.8]}");
        }
        refused.put("{\"navigation\": {\"positions\": [" + eleven + "]}}",
                "navigation.positions: must be an array of 1 to 10");
        refused.put("{\"navigation\": {\"positions\": [{\"type\": \"Point\", \"coordinates\": [200, 48.8]}]}}",
                "navigation.positions[0].coordinates[0]: a longitude");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"attributes\": [{\"type\": \"Query\", \"key\": \"k\","
                + " \"value\": \"v\"}]}", "attributes[0].type: must be one of [Body, Header]");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"attributes\": [{\"type\": \"Body\", \"key\": \"k\","
                + " \"value\": \"$MonitorID\"}]}", "attributes[0].value: unknown variable '$MonitorID'");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"callbackAttributes\": {\"websocket\": []}}",
                "callbackAttributes: the remote's callback is a webhook one");
        refused.put("{\"horn\": {\"state\": \"Activated\"}, \"horn\": {\"state\": \"Activated\"}}",
                "repeats a member");
        refused.put("[]", "body: must be a JSON object");
        int before = stored();
        for (Map.Entry<String, String> e : refused.entrySet()) {
            JsonNode error = call(erinA, "POST", path, e.getKey(), 400).body();
            assertThat(error.path("code").intValue()).as(e.getKey()).isEqualTo(40003);
            assertThat(error.path("message").stringValue()).as(e.getKey()).contains(e.getValue());
        }
        assertThat(stored()).isEqualTo(before);
        assertThat(call(erinA, "GET", path, null, 200).body().path("total").intValue()).isZero();

        // What the contract allows is accepted: each action once.
        for (String ok : List.of("{\"door\": {\"state\": \"Unlocked\"}}", "{\"lights\": {\"on\": false}}",
                "{\"wakeUp\": {\"action\": \"WakeUp\"}}",
                "{\"charging\": {\"preferences\": {\"level\": \"Level3\", \"type\": \"Partial\"}}}",
                "{\"navigation\": {\"positions\": [{\"type\": \"Point\", \"coordinates\": [2.29, 48.86, 35]}]}}")) {
            call(erinA, "POST", path, ok, 202);
        }
    }
}
