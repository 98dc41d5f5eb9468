package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
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
import org.odomo.oauth.WebSession;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
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
 * The monitor operations over HTTP: every request the API accepts and every answer is validated
 * against the published api-b2c.yaml (strictly: an undeclared member is an error; errors against
 * the documented error body too), answers are compared whole, and no other (user, app) pair,
 * vehicle or callback reaches a monitor. Expected answers come from the published schemas and
 * REFERENCE.md section 10.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorsApiTests {

    static final String SECRET = "monitors-secret";
    static final String PASSWORD = "monitors-password";
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

    @BeforeAll
    void register() {
        appA = app("A");
        appB = app("B");
    }

    private App app(String name) {
        return apps.ensureRegistered(new AppRegistration("Monitors " + name, "Watches cars", "Odomo tests",
                "dev@example.com", 1000L, "monitors-" + name.toLowerCase(), Scopes.ALL, List.of(Enrollment.REDIRECT),
                "unlimited"), "monitors-client-" + name, SECRET);
    }

    private Account user(String name) {
        return accounts.create(Brand.PEUGEOT, name + "." + System.nanoTime() + "@example.com", PASSWORD, name, "Test");
    }

    private Pair pair(Account user, App app, List<String> scopes) {
        return new Pair(user, app, Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(),
                PASSWORD, scopes, false).accessToken());
    }

    private String vehicleOf(Account user) {
        return vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", user.id(), null,
                Set.of())).vehicle().apiId();
    }

    // ---- HTTP, validated against api-b2c.yaml

    record Answer(int status, JsonNode body) {
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
        JsonNode answer = null;
        if (r.statusCode() == 204) {
            assertThat(r.body()).as(where).isEmpty();
        } else {
            answer = json.readTree(r.body());
        }
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

    static String monitors(String vehicle, String callback) {
        return "/user/vehicles/" + vehicle + "/callbacks/" + callback + "/monitors";
    }

    static final String ZONE = """
            {"label": "Leaves Paris", "subscribeParam": {"refreshEvent": 300},
             "attributes": [{"type": "Body", "key": "monitor", "value": "$MonitorLabel"}],
             "extendedEventParam": ["vehicle.position", "vehicle.telemetry"],
             "triggerParam": {"triggers": [{"name": "paris", "zone": {"transition": "Out",
                 "place": {"radius": 20, "center": {"longitude": 2.333333, "latitude": 48.866667}}}}],
               "boolExp": "paris"}}""";

    static final String COMBINED = """
            {"label": "Low battery at night outside home",
             "triggerParam": {"triggers": [
                 {"name": "home", "zone": {"transition": "Out", "place": {"radius": 1,
                     "center": {"longitude": 2.35, "latitude": 48.85}}}},
                 {"name": "night", "time": {"timeZone": "Europe/Paris", "times": [{"recurrence": "Daily",
                     "start": "PT22H", "duration": "PT8H", "occurence": {"day": ["Mon", "Fri"], "week": ["w1-w25", "w30"]}}]}},
                 {"name": "soc", "data": {"data": "vehicle.energy.electric.level", "op": "lowerThan", "value": ["20"]}},
                 {"name": "plug", "data": {"data": "vehicle.energy.charging.plugged", "op": "equalsTo", "value": ["false"],
                     "previous": {"op": "equalsTo", "value": ["true"]}}}],
               "boolExp": "(home | night) & !plug & soc"}}""";

    /** {@code MonitorRef} as the published schema describes it. */
    ObjectNode reference(Pair who, String path, JsonNode served, String status) {
        ObjectNode ref = json.createObjectNode();
        String id = served.path("monitorId").stringValue();
        ref.put("createdAt", served.path("createdAt").stringValue());
        ref.put("updatedAt", served.path("updatedAt").stringValue());
        ref.putObject("_links").putObject("monitor").put("href", href(who, path + "/" + id));
        ref.put("monitorId", id);
        ref.put("status", status);
        return ref;
    }

    /** {@code Monitor}: the definition as the app gave it, its id, status and times. */
    ObjectNode monitor(Pair who, String path, String id, String definition, String status, JsonNode times) {
        ObjectNode m = json.createObjectNode();
        m.put("createdAt", times.path("createdAt").stringValue());
        m.put("updatedAt", times.path("updatedAt").stringValue());
        m.putObject("_links").putObject("self").put("href", href(who, path + "/" + id));
        m.put("monitorId", id);
        m.set("monitor", json.readTree(definition));
        m.put("status", status);
        return m;
    }

    // ---- the operations

    @Test
    void aMonitorIsCreatedReadListedReplacedPausedAndDeleted() {
        Account alice = user("alice");
        Pair aliceA = pair(alice, appA, List.copyOf(Scopes.DATA));
        String car = vehicleOf(alice);
        String path = monitors(car, callback(aliceA, "[\"Monitor\"]"));

        JsonNode created = call(aliceA, "POST", path, ZONE, 202).body();
        assertThat(created).isEqualTo(reference(aliceA, path, created, "Running"));
        assertThat(created.path("createdAt").stringValue()).isEqualTo(created.path("updatedAt").stringValue());
        String id = created.path("monitorId").stringValue();
        JsonNode one = call(aliceA, "GET", path + "/" + id, null, 200).body();
        assertThat(one).isEqualTo(monitor(aliceA, path, id, ZONE, "Running", created));

        JsonNode second = call(aliceA, "POST", path, COMBINED, 202).body();
        JsonNode two = call(aliceA, "GET", path + "/" + second.path("monitorId").stringValue(), null, 200).body();
        ObjectNode page = json.createObjectNode();
        ObjectNode links = page.putObject("_links");
        links.putObject("self").put("href", href(aliceA, path) + "&pageSize=60");
        links.putObject("first").put("href", href(aliceA, path) + "&pageSize=60");
        links.putObject("last").put("href", href(aliceA, path) + "&pageSize=60");
        page.put("total", 2);
        page.put("totalPage", 1);
        page.put("currentPage", 1);
        page.putObject("_embedded").putArray("monitors").add(one).add(two);
        assertThat(call(aliceA, "GET", path, null, 200).body()).isEqualTo(page);

        JsonNode replaced = call(aliceA, "PUT", path + "/" + id, COMBINED, 202).body();
        assertThat(replaced).isEqualTo(reference(aliceA, path, replaced, "Running"));
        assertThat(replaced.path("createdAt")).isEqualTo(created.path("createdAt"));
        assertThat(call(aliceA, "GET", path + "/" + id, null, 200).body())
                .isEqualTo(monitor(aliceA, path, id, COMBINED, "Running", replaced));

        JsonNode paused = call(aliceA, "PUT", path + "/" + id + "/status", "{\"status\": \"Paused\"}", 202).body();
        assertThat(paused).isEqualTo(reference(aliceA, path, paused, "Paused"));
        assertThat(call(aliceA, "GET", path + "/" + id, null, 200).body().path("status").stringValue())
                .isEqualTo("Paused");
        JsonNode resumed = call(aliceA, "PUT", path + "/" + id + "/status", "{\"status\": \"Running\"}", 202).body();
        assertThat(resumed).isEqualTo(reference(aliceA, path, resumed, "Running"));
        call(aliceA, "PUT", path + "/" + id + "/status", "{\"status\": \"Failed\"}", 400);

        call(aliceA, "DELETE", path + "/" + id, null, 204);
        call(aliceA, "GET", path + "/" + id, null, 404);
        call(aliceA, "DELETE", path + "/" + id, null, 404);
        call(aliceA, "PUT", path + "/" + id, ZONE, 404);
        call(aliceA, "PUT", path + "/" + id + "/status", "{\"status\": \"Paused\"}", 404);
    }

    @Test
    void noOtherPairVehicleOrCallbackReachesAMonitor() {
        Account alice = user("alice");
        Account bob = user("bob");
        Pair aliceA = pair(alice, appA, List.copyOf(Scopes.DATA));
        Pair aliceB = pair(alice, appB, List.copyOf(Scopes.DATA));
        Pair bobA = pair(bob, appA, List.copyOf(Scopes.DATA));
        String car = vehicleOf(alice);
        String otherCar = vehicleOf(alice);
        String cb = callback(aliceA, null);
        String otherCb = callback(aliceA, "[\"Monitor\"]");
        String remoteOnly = callback(aliceA, "[\"Remote\"]");
        String cbOfB = callback(aliceB, null);
        String path = monitors(car, cb);
        String id = call(aliceA, "POST", path, ZONE, 202).body().path("monitorId").stringValue();

        // The same user through another app: the callback is not that app's.
        call(aliceB, "GET", path, null, 404);
        call(aliceB, "GET", path + "/" + id, null, 404);
        call(aliceB, "DELETE", path + "/" + id, null, 404);
        call(aliceB, "POST", path, ZONE, 404);
        // ... nor through its own callback.
        call(aliceB, "GET", monitors(car, cbOfB) + "/" + id, null, 404);
        call(aliceB, "PUT", monitors(car, cbOfB) + "/" + id + "/status", "{\"status\": \"Paused\"}", 404);
        // Another user: the vehicle is not theirs, and for monitors that is a 404 too (DELETE documents no 403).
        call(bobA, "GET", path + "/" + id, null, 404);
        call(bobA, "DELETE", path + "/" + id, null, 404);
        call(bobA, "GET", path, null, 404);
        // The same pair through another callback or vehicle: another monitor path.
        call(aliceA, "GET", monitors(car, otherCb) + "/" + id, null, 404);
        call(aliceA, "GET", monitors(otherCar, cb) + "/" + id, null, 404);
        call(aliceA, "DELETE", monitors(otherCar, cb) + "/" + id, null, 404);
        // A callback that serves remotes only takes no monitor; an unknown one neither.
        call(aliceA, "POST", monitors(car, remoteOnly), ZONE, 404);
        call(aliceA, "GET", monitors(car, "0000-unknown"), null, 404);
        call(aliceA, "GET", "/user/vehicles/nope/callbacks/" + cb + "/monitors", null, 404);

        assertThat(call(aliceA, "GET", path + "/" + id, null, 200).body().path("status").stringValue())
                .isEqualTo("Running");
        assertThat(call(aliceA, "GET", monitors(otherCar, cb), null, 200).body().path("total").intValue()).isZero();
    }

    @Test
    void everyValidationRuleAnswers400NamingTheMemberOrPosition() {
        Account carol = user("carol");
        Pair carolA = pair(carol, appA, List.copyOf(Scopes.DATA));
        String path = monitors(vehicleOf(carol), callback(carolA, null));
        String zone = "{\"name\": \"z\", \"zone\": {\"transition\": \"In\", \"place\": {\"radius\": 5,"
                + " \"center\": {\"longitude\": 2.3, \"latitude\": 48.8}}}}";
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put(body("", "z"), "triggerParam.triggers: required, an array of 1 to 5 triggers");
        refused.put(body(String.join(",", java.util.Collections.nCopies(6, zone)), "z"),
                "triggerParam.triggers: required, an array of 1 to 5 triggers");
        refused.put(body(zone + "," + zone, "z"), "triggerParam.triggers[1].name: 'z' is already the name of another trigger");
        refused.put(body(zone, "z & y"), "triggerParam.boolExp: 'y' at position 4 is not the name of a trigger");
        refused.put(body(zone + "," + zone.replace("\"z\"", "\"w\""), "z"),
                "triggerParam.boolExp: trigger 'w' is declared but not used");
        refused.put(body(zone, "z & !z"), "triggerParam.boolExp: the expression is always false whatever the triggers");
        refused.put(body(zone, "(z"), "triggerParam.boolExp: '(' at position 0 is not closed at position 2");
        refused.put(body(zone, "z |"), "triggerParam.boolExp: expected a trigger name, '!' or '(' but the expression"
                + " ended at position 3");
        refused.put("{\"label\": \"l\", \"subscribeParam\": {\"refreshEvent\": 59}, \"triggerParam\": {\"triggers\": ["
                + zone + "], \"boolExp\": \"z\"}}", "subscribeParam.refreshEvent: must be at least 60 seconds, not 59");
        refused.put(body(zone.replace("\"radius\": 5", "\"radius\": 0"), "z"),
                "triggerParam.triggers[0].zone.place.radius: required, a whole number of kilometres above 0");
        refused.put(body(zone.replace("\"radius\": 5", "\"radius\": 2.5"), "z"),
                "triggerParam.triggers[0].zone.place.radius: required, a whole number of kilometres above 0");
        refused.put(body(zone.replace("48.8", "91"), "z"),
                "triggerParam.triggers[0].zone.place.center.latitude: must be between -90 and 90");
        refused.put(body(zone.replace("2.3", "-180.5"), "z"),
                "triggerParam.triggers[0].zone.place.center.longitude: must be between -180 and 180");
        refused.put(body(zone.replace("\"In\"", "\"Through\""), "z"),
                "triggerParam.triggers[0].zone.transition: required, In or Out");
        refused.put(body(time("{\"recurrence\": \"Daily\", \"start\": \"PT8H\"}", null), "t"),
                "triggerParam.triggers[0].time.times[0].duration: required for a Daily recurrence");
        refused.put(body(time("{\"recurrence\": \"Daily\", \"start\": \"PT24H\", \"duration\": \"PT1H\"}", null), "t"),
                "triggerParam.triggers[0].time.times[0].start: must be between PT0S and PT23H59M after midnight");
        refused.put(body(time("{\"recurrence\": \"None\", \"start\": \"PT8H\"}", null), "t"),
                "triggerParam.triggers[0].time.times[0].start: 'PT8H' is not an RFC 3339 date-time (recurrence None)");
        refused.put(body(time("{\"recurrence\": \"Daily\", \"start\": \"8h\", \"duration\": \"PT1H\"}", null), "t"),
                "triggerParam.triggers[0].time.times[0].start: '8h' is not an ISO 8601 duration such as PT14H30M");
        refused.put(body(time("{\"recurrence\": \"Daily\", \"start\": \"PT8H\", \"duration\": \"PT1H\","
                + " \"occurence\": {\"day\": [\"Monday\"]}}", null), "t"),
                "triggerParam.triggers[0].time.times[0].occurence.day[0]: must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
        refused.put(body(time("{\"recurrence\": \"Daily\", \"start\": \"PT8H\", \"duration\": \"PT1H\","
                + " \"occurence\": {\"week\": [\"w40-w30\"]}}", null), "t"),
                "triggerParam.triggers[0].time.times[0].occurence.week[0]: weeks go from w1 to w53, a range from the"
                        + " lower to the higher");
        refused.put(body(time("{\"recurrence\": \"None\", \"start\": \"2026-01-03T12:00:00+01:00\","
                + " \"occurence\": {\"day\": [\"Mon\"]}}", null), "t"),
                "triggerParam.triggers[0].time.times[0].occurence: only for a Daily recurrence");
        refused.put(body(time("{\"recurrence\": \"None\", \"start\": \"2026-01-03T12:00:00Z\"}", "Mars/Olympus"), "t"),
                "triggerParam.triggers[0].time.timeZone: 'Mars/Olympus' is not an IANA time zone such as Europe/Paris");
        refused.put(body(data("vehicle.fuel", "equalsTo", "[\"1\"]", null), "d"),
                "triggerParam.triggers[0].data.data: 'vehicle.fuel' is not data a monitor can watch");
        refused.put(body(data("vehicle.odometer", "onChange", null, null), "d"),
                "triggerParam.triggers[0].data.op: 'onChange' is not allowed for vehicle.odometer; allowed:"
                        + " [equalsTo, greaterThan, lowerThan]");
        refused.put(body(data("vehicle.odometer", "greaterThan", "[\"12.5\"]", null), "d"),
                "triggerParam.triggers[0].data.value[0]: '12.5' is not an integer, as vehicle.odometer needs");
        refused.put(body(data("vehicle.kinetic.speed", "greaterThan", "[\"fast\"]", null), "d"),
                "triggerParam.triggers[0].data.value[0]: 'fast' is not a number, as vehicle.kinetic.speed needs");
        refused.put(body(data("vehicle.kinetic.moving", "equalsTo", "[\"yes\"]", null), "d"),
                "triggerParam.triggers[0].data.value[0]: 'yes' is not true or false, as vehicle.kinetic.moving needs");
        refused.put(body(data("vehicle.kinetic.speed", "greaterThan", "[\"1\", \"2\"]", null), "d"),
                "triggerParam.triggers[0].data.value: greaterThan takes exactly one value");
        refused.put(body(data("vehicle.doorsState.opening", "onChange", "[\"open\"]", null), "d"),
                "triggerParam.triggers[0].data.value: onChange takes no value (it compares the data with its own"
                        + " previous value)");
        refused.put(body(data("vehicle.odometer", "greaterThan", "[\"100\"]",
                "{\"op\": \"equalsTo\", \"value\": [\"5\"]}"), "d"),
                "triggerParam.triggers[0].data.previous: vehicle.odometer cannot have a previous condition");
        refused.put(body(data("vehicle.kinetic.moving", "equalsTo", "[\"true\"]",
                "{\"op\": \"includedIn\", \"value\": [\"false\"]}"), "d"),
                "triggerParam.triggers[0].data.previous.op: 'includedIn' is not allowed for vehicle.kinetic.moving;"
                        + " allowed: [equalsTo]");
        refused.put(body(data("vehicle.kinetic.moving", "equalsTo", "[\"true\"]",
                "{\"op\": \"equalsTo\", \"value\": [\"maybe\"]}"), "d"),
                "triggerParam.triggers[0].data.previous.value[0]: 'maybe' is not true or false, as"
                        + " vehicle.kinetic.moving needs");
        refused.put("{\"label\": \"l\", \"extendedEventParam\": [\"vehicle.weather\"], \"triggerParam\": {\"triggers\": ["
                + zone + "], \"boolExp\": \"z\"}}", "extendedEventParam[0]: 'vehicle.weather' is not one of");
        refused.put("{\"triggerParam\": {\"triggers\": [" + zone + "], \"boolExp\": \"z\"}}", "label: required");
        refused.put("{\"label\": \"l\", \"triggerParam\": {\"triggers\": [" + zone + "], \"boolExp\": \"z\"},"
                + " \"colour\": 1}", "colour: not a member of this object");
        refused.put("{\"label\": \"l\", \"subscribeParam\": {\"callbackAttributes\": {\"websocket\": []}},"
                + " \"triggerParam\": {\"triggers\": [" + zone + "], \"boolExp\": \"z\"}}",
                "subscribeParam.callbackAttributes: the monitor's callback is a webhook one, so only webhook"
                        + " attributes apply");
        refused.put("not json", "the request body is not valid JSON");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            JsonNode error = requestRefused(carolA, path, e.getKey(), 400);
            assertThat(error.path("message").stringValue()).as(e.getKey()).startsWith(e.getValue());
            assertThat(error.path("code").intValue()).as(e.getKey()).isEqualTo(40003);
        }
        assertThat(call(carolA, "GET", path, null, 200).body().path("total").intValue()).isZero();
    }

    /** Sends a body the API must refuse; the answer (not the request) is validated against the schema. */
    JsonNode requestRefused(Pair who, String path, String body, int expected) {
        return call(who, "POST", path, body, expected).body();
    }

    static String body(String triggers, String boolExp) {
        return "{\"label\": \"l\", \"triggerParam\": {\"triggers\": [" + triggers + "], \"boolExp\": \"" + boolExp
                + "\"}}";
    }

    static String time(String entry, String zone) {
        return "{\"name\": \"t\", \"time\": {" + (zone == null ? "" : "\"timeZone\": \"" + zone + "\", ")
                + "\"times\": [" + entry + "]}}";
    }

    static String data(String data, String op, String value, String previous) {
        return "{\"name\": \"d\", \"data\": {\"data\": \"" + data + "\", \"op\": \"" + op + "\""
                + (value == null ? "" : ", \"value\": " + value)
                + (previous == null ? "" : ", \"previous\": " + previous) + "}}";
    }

    @Test
    void aTriggerOrExtensionWhoseScopeTheUserDidNotGrantIsRefused() {
        Account dan = user("dan");
        Pair telemetryOnly = pair(dan, appB, List.of(Scopes.TELEMETRY));
        String path = monitors(vehicleOf(dan), callback(telemetryOnly, null));
        JsonNode zone = call(telemetryOnly, "POST", path, ZONE, 403).body();
        assertThat(zone.path("code").intValue()).isEqualTo(40301);
        assertThat(zone.path("message").stringValue()).isEqualTo("triggerParam.triggers[0] ('paris') needs the scope"
                + " data:position, which the user did not grant this app");
        JsonNode alert = call(telemetryOnly, "POST", path,
                body(data("vehicle.alert", "includedIn", "[\"Break\"]", null), "d"), 403).body();
        assertThat(alert.path("message").stringValue()).isEqualTo("triggerParam.triggers[0] ('d') needs the scope"
                + " data:alert, which the user did not grant this app");
        JsonNode trip = call(telemetryOnly, "POST", path,
                body(data("vehicle.trip.distance", "greaterThan", "[\"100\"]", null), "d"), 403).body();
        assertThat(trip.path("message").stringValue()).contains("needs the scope data:trip");
        String withExtension = "{\"label\": \"l\", \"extendedEventParam\": [\"vehicle.trip\"], \"triggerParam\":"
                + " {\"triggers\": [" + data("vehicle.kinetic.speed", "greaterThan", "[\"130\"]", null)
                + "], \"boolExp\": \"d\"}}";
        assertThat(call(telemetryOnly, "POST", path, withExtension, 403).body().path("message").stringValue())
                .isEqualTo("extendedEventParam needs the scope data:trip, which the user did not grant this app");
        // Telemetry data is what this app may watch.
        call(telemetryOnly, "POST", path, withExtension.replace("vehicle.trip\"]", "vehicle.status\"]"), 202);
    }

    @Test
    void deletingTheCallbackDeletesItsMonitors() {
        Account erin = user("erin");
        Pair erinA = pair(erin, appA, List.copyOf(Scopes.DATA));
        String car = vehicleOf(erin);
        String cb = callback(erinA, null);
        String kept = callback(erinA, null);
        call(erinA, "POST", monitors(car, cb), ZONE, 202);
        call(erinA, "POST", monitors(car, cb), COMBINED, 202);
        call(erinA, "POST", monitors(car, kept), ZONE, 202);

        call(erinA, "DELETE", "/user/callbacks/" + cb, null, 204);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM b2c_monitor WHERE callback_id = ?").param(cb).query(Integer.class)
                .single()).isZero();
        call(erinA, "GET", monitors(car, cb), null, 404);
        assertThat(call(erinA, "GET", monitors(car, kept), null, 200).body().path("total").intValue()).isEqualTo(1);
    }

    @Test
    void aVehicleLeavingItsUserFailsTheMonitorsOnIt() {
        Account gus = user("gus");
        Account next = user("next");
        Pair gusA = pair(gus, appA, List.copyOf(Scopes.DATA));
        var car = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", gus.id(), null,
                Set.of())).vehicle();
        String keptCar = vehicleOf(gus);
        String cb = callback(gusA, null);
        call(gusA, "POST", monitors(car.apiId(), cb), ZONE, 202);
        String kept = call(gusA, "POST", monitors(keptCar, cb), ZONE, 202).body().path("monitorId").stringValue();

        vehicles.linkOwner(car.vin(), next.id());
        assertThat(jdbc.sql("SELECT status FROM b2c_monitor WHERE vin = ?").param(car.vin()).query(String.class)
                .list()).containsExactly("Failed");
        assertThat(call(gusA, "GET", monitors(keptCar, cb) + "/" + kept, null, 200).body().path("status")
                .stringValue()).isEqualTo("Running");
    }

    @Test
    void withdrawingTheAppsAccessFailsItsMonitorsForGood() {
        Account fay = user("fay");
        Pair fayA = pair(fay, appA, List.copyOf(Scopes.DATA));
        Pair fayB = pair(fay, appB, List.copyOf(Scopes.DATA));
        String car = vehicleOf(fay);
        String pathA = monitors(car, callback(fayA, null));
        String pathB = monitors(car, callback(fayB, null));
        String ofA = call(fayA, "POST", pathA, ZONE, 202).body().path("monitorId").stringValue();
        String ofB = call(fayB, "POST", pathB, ZONE, 202).body().path("monitorId").stringValue();

        WebSession browser = new WebSession(port);
        String realm = Brand.PEUGEOT.realm();
        HttpResponse<String> loginPage = browser.get("/am/login?realm=" + realm);
        HttpResponse<String> login = browser.postForm("/am/login", Map.of("email", fay.email(), "password", PASSWORD,
                "realm", realm, "_csrf", WebSession.csrf(loginPage.body())));
        HttpResponse<String> account = browser.follow(login);
        assertThat(account.statusCode()).isEqualTo(200);
        HttpResponse<String> revoke = browser.postForm("/am/account/revoke", Map.of("appId", appA.id(), "realm", realm,
                "_csrf", WebSession.csrf(account.body())));
        assertThat(revoke.statusCode()).isEqualTo(302);

        Pair again = pair(fay, appA, List.copyOf(Scopes.DATA));
        JsonNode failed = call(again, "GET", pathA + "/" + ofA, null, 200).body();
        assertThat(failed).isEqualTo(monitor(again, pathA, ofA, ZONE, "Failed", failed));
        JsonNode refused = call(again, "PUT", pathA + "/" + ofA + "/status", "{\"status\": \"Running\"}", 400).body();
        assertThat(refused.path("message").stringValue()).contains("failed").contains("create a new monitor");
        assertThat(call(fayB, "GET", pathB + "/" + ofB, null, 200).body().path("status").stringValue())
                .isEqualTo("Running");
        call(again, "DELETE", pathA + "/" + ofA, null, 204);
    }

    @Test
    void aVehicleUnlinkedFromItsUserFailsTheMonitorsOnItForGood() {
        Account hal = user("hal");
        Pair halA = pair(hal, appA, List.copyOf(Scopes.DATA));
        var car = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", hal.id(), null,
                Set.of(ConnectedService.PARTNER))).vehicle();
        String path = monitors(car.apiId(), callback(halA, null));
        String id = call(halA, "POST", path, ZONE, 202).body().path("monitorId").stringValue();

        vehicles.linkOwner(car.vin(), null);
        assertThat(jdbc.sql("SELECT status FROM b2c_monitor WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("Failed");
        // Linked back, the monitor stays failed: what made it fail is not undone.
        vehicles.linkOwner(car.vin(), hal.id());
        JsonNode failed = call(halA, "GET", path + "/" + id, null, 200).body();
        assertThat(failed).isEqualTo(monitor(halA, path, id, ZONE, "Failed", failed));
        call(halA, "PUT", path + "/" + id + "/status", "{\"status\": \"Running\"}", 400);
    }

    @Test
    void aVehicleLosingTheServiceThatCoversWhatATriggerReadsFailsThatMonitorOnly() {
        Account ida = user("ida");
        Pair idaA = pair(ida, appA, List.copyOf(Scopes.DATA));
        // Connected partner covers everything; emergency assistance, positions and collisions.
        var car = vehicles.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208", ida.id(), null,
                Set.of(ConnectedService.PARTNER, ConnectedService.ASSISTANCE))).vehicle();
        String path = monitors(car.apiId(), callback(idaA, null));
        String zone = call(idaA, "POST", path, ZONE, 202).body().path("monitorId").stringValue();
        String combined = call(idaA, "POST", path, COMBINED, 202).body().path("monitorId").stringValue();
        String night = call(idaA, "POST", path, """
                {"label": "Night", "triggerParam": {"triggers": [{"name": "night", "time": {"times": [{"recurrence":
                 "Daily", "start": "PT22H", "duration": "PT8H"}]}}], "boolExp": "night"}}""", 202).body()
                .path("monitorId").stringValue();
        String paused = call(idaA, "POST", path, COMBINED, 202).body().path("monitorId").stringValue();
        call(idaA, "PUT", path + "/" + paused + "/status", "{\"status\": \"Paused\"}", 202);

        // Privacy and other changes that keep the data covered fail nothing.
        vehicles.setPrivacyMode(car.vin(), PrivacyMode.DATA);
        vehicles.activateService(car.vin(), ConnectedService.TMTS);
        assertThat(statuses(idaA, path, zone, combined, night, paused))
                .containsExactly("Running", "Running", "Running", "Paused");

        // Without the partner service, no telemetry (the battery level, the plug) is uploaded any more.
        vehicles.deactivateService(car.vin(), ConnectedService.PARTNER);
        assertThat(statuses(idaA, path, zone, combined, night, paused))
                .containsExactly("Running", "Failed", "Running", "Failed");
        JsonNode failed = call(idaA, "GET", path + "/" + combined, null, 200).body();
        assertThat(failed).isEqualTo(monitor(idaA, path, combined, COMBINED, "Failed", failed));
        call(idaA, "PUT", path + "/" + combined + "/status", "{\"status\": \"Running\"}", 400);
        // The service back, the monitor stays failed.
        vehicles.activateService(car.vin(), ConnectedService.PARTNER);
        assertThat(statuses(idaA, path, zone, combined, night, paused))
                .containsExactly("Running", "Failed", "Running", "Failed");
    }

    private List<String> statuses(Pair who, String path, String... ids) {
        List<String> statuses = new java.util.ArrayList<>();
        for (String id : ids) {
            statuses.add(call(who, "GET", path + "/" + id, null, 200).body().path("status").stringValue());
        }
        return statuses;
    }
}
