package org.odomo.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.spec.KnownSpecDefect;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.Scopes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The callback operations over HTTP: every request that the API accepts and every answer is
 * validated against the published api-b2c.yaml (answers strictly: an undeclared member is an
 * error; error answers against the documented error body too), answers are compared whole, and
 * a (user, app) pair never reaches another pair's callbacks. The expected answers are written from
 * the published schemas and REFERENCE.md section 9, not read from the code.
 *
 * <p>Writes {@code target/spec-coverage/b2c-callbacks.md}: each callback operation with the
 * statuses whose bodies were validated.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.callbacks.max-per-user-app=40"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksApiTests {

    static final String SECRET = "callbacks-secret";
    static final String PASSWORD = "callbacks-password";
    static final String BASE = "/connectedcar/v4";
    static final int CAP = 40;

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    List<DeliveryDestinations> destinations;

    final OpenApiSpec spec = new OpenApiSpec("api-b2c.yaml", BASE);
    final JsonMapper json = JsonMapper.builder().build();
    final Map<String, Map<Integer, Integer>> validated = new TreeMap<>();
    final List<String> problems = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    App appA;
    App appB;
    Account alice;
    Account bob;
    /** Who calls: a user through an app, with a token. */
    record Pair(String name, Account user, App app, String token) {
        DeliveryOwner owner() {
            return DeliveryOwner.endUserApp(user.id(), app.clientId());
        }
    }

    Pair aliceA;
    Pair aliceB;
    Pair bobA;
    Pair aliceOpenIdOnly;

    @BeforeAll
    void enroll() {
        appA = app("A");
        appB = app("B");
        alice = user("alice");
        bob = user("bob");
        aliceA = pair("alice/A", alice, appA, List.copyOf(Scopes.DATA));
        aliceB = pair("alice/B", alice, appB, List.of(Scopes.TELEMETRY));
        bobA = pair("bob/A", bob, appA, List.of(Scopes.POSITION));
        aliceOpenIdOnly = pair("alice/A openid only", alice, appA, List.of("openid"));
    }

    private App app(String name) {
        return apps.ensureRegistered(new AppRegistration("Callbacks " + name, "Receives notifications", "Odomo tests",
                "dev@example.com", 1000L, "callbacks-" + name.toLowerCase(), Scopes.ALL, List.of(Enrollment.REDIRECT),
                "unlimited"), "callbacks-client-" + name, SECRET);
    }

    private Account user(String name) {
        return accounts.create(Brand.PEUGEOT, name + "." + System.nanoTime() + "@example.com", PASSWORD, name, "Test");
    }

    private Pair pair(String name, Account user, App app, List<String> scopes) {
        String token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(), PASSWORD,
                scopes, false).accessToken();
        return new Pair(name, user, app, token);
    }

    // ---- HTTP, validated against api-b2c.yaml

    record Answer(int status, JsonNode body, String raw) {
    }

    /** Sends a JSON body (null: none), checks the status, validates request and answer. */
    Answer call(Pair who, String method, String path, String body, int expected) {
        return call(who == null ? null : who.token(), who == null ? appA.clientId() : who.app().clientId(), method,
                path, body, "application/json", expected);
    }

    Answer call(String token, String clientId, String method, String path, String body, String contentType,
            int expected) {
        String sep = path.contains("?") ? "&" : "?";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE + path + sep
                + "client_id=" + clientId)).header("x-introspect-realm", Brand.PEUGEOT.realm());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", contentType);
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
        OpenApiSpec.Operation op = spec.match(method, path)
                .orElseThrow(() -> new AssertionError("not a published operation: " + method + " " + path));
        JsonNode answer = null;
        if (r.statusCode() == 204) {
            assertThat(r.body()).as(where).isEmpty();
        } else {
            answer = json.readTree(r.body());
        }
        Exchanges.problems(spec, op, expected < 300 && body != null ? json.readTree(body) : null, r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null), answer).forEach(p -> problems.add(where + " -> " + p));
        validated.computeIfAbsent(op.key(), k -> new TreeMap<>()).merge(r.statusCode(), 1, Integer::sum);
        return new Answer(r.statusCode(), answer, r.body());
    }

    String href(Pair who, String path) {
        return "http://localhost:" + port + BASE + path + "?client_id=" + who.app().clientId();
    }

    String create(Pair who, String body) {
        Answer created = call(who, "POST", "/user/callbacks", body, 200);
        String id = created.body().path("callbackId").stringValue();
        assertThat(created.body()).isEqualTo(reference(who, id, "Running"));
        return id;
    }

    /** {@code CallbackRef} as the published schema describes it. */
    ObjectNode reference(Pair who, String id, String status) {
        ObjectNode ref = json.createObjectNode();
        ref.putObject("_links").putObject("callback").put("href", href(who, "/user/callbacks/" + id));
        ref.put("callbackId", id);
        ref.put("status", status);
        return ref;
    }

    /** {@code UserCallback}: the subscription as sent (after defaults), its id and status. */
    ObjectNode userCallback(Pair who, String id, String subscribe, String status) {
        ObjectNode expected = json.createObjectNode();
        expected.putObject("_links").putObject("self").put("href", href(who, "/user/callbacks/" + id));
        JsonNode s = json.readTree(subscribe);
        if (s.has("label")) {
            expected.put("label", s.get("label").stringValue());
        }
        expected.put("id", id);
        expected.set("subscribe", s);
        expected.put("status", status);
        return expected;
    }

    static final String WEBHOOK = """
            {"label": "Home", "type": ["Monitor"], "callback": {"webhook": {"name": "My_Webhook",
             "target": "https://receiver.example.com/hooks/odomo",
             "attributes": [{"type": "Header", "key": "X-Vehicle-Id", "value": "$Vin"},
                            {"type": "Header", "key": "Authorization", "value": "Bearer s3cr3t"},
                            {"type": "Body", "key": "callback", "value": "$CallbackLabel"},
                            {"type": "Query", "key": "monitor", "value": "$MonitorID"}]}}}""";

    // ---- the operations

    @Test
    void aCallbackIsCreatedReadReplacedAndDeleted() {
        String id = create(aliceA, WEBHOOK);
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body())
                .isEqualTo(userCallback(aliceA, id, WEBHOOK, "Running"));

        String websocket = """
                {"callback": {"websocket": {"target": "wss://receiver.example.com:8443/ws",
                 "attributes": [{"type": "Body", "key": "vehicle", "value": "$Vin"}]}}}""";
        assertThat(call(aliceA, "PUT", "/user/callbacks/" + id, websocket, 202).body())
                .isEqualTo(reference(aliceA, id, "Running"));
        // A complete replacement: the label and types of before are gone.
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body())
                .isEqualTo(userCallback(aliceA, id, websocket, "Running"));

        call(aliceA, "DELETE", "/user/callbacks/" + id, null, 204);
        call(aliceA, "GET", "/user/callbacks/" + id, null, 404);
        call(aliceA, "DELETE", "/user/callbacks/" + id, null, 404);
        call(aliceA, "PUT", "/user/callbacks/" + id, websocket, 404);
        call(aliceA, "PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Paused\"}", 404);
        assertThat(destination(id)).isEmpty();
    }

    @Test
    void defaultsAndVariablesAreShownAsTheSchemasDefineThem() {
        String push = """
                {"label": "Phones", "callback": {"pushnotif": {"devices": ["fcm-token-1", "fcm-token-2"],
                 "attributes": [{"key": "title", "value": "Your car"}, {"type": "Body", "key": "vin", "value": "$vin"}]}}}""";
        String id = create(aliceA, push);
        // The push attribute type defaults to Header; variables are spelled as the schema's enum.
        String shown = """
                {"label": "Phones", "callback": {"pushnotif": {"devices": ["fcm-token-1", "fcm-token-2"],
                 "attributes": [{"type": "Header", "key": "title", "value": "Your car"},
                                {"type": "Body", "key": "vin", "value": "$Vin"}]}}}""";
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body())
                .isEqualTo(userCallback(aliceA, id, shown, "Running"));

        String websocket = """
                {"type": [], "callback": {"websocket": {"target": "ws://localhost:9999/in",
                 "attributes": [{"key": "k", "value": "$CALLBACKID"}]}}}""";
        // The schema requires a websocket attribute's type though it gives it a default: the API
        // tolerates its absence (so this request is not validated as a conforming one).
        HttpResponse<String> lenient = post(aliceA, websocket, "application/json");
        assertThat(lenient.statusCode()).as(lenient.body()).isEqualTo(200);
        String ws = json.readTree(lenient.body()).path("callbackId").stringValue();
        // An empty type list says nothing (both types); a websocket attribute is a body attribute;
        // ws:// to localhost is accepted by the embedded profile.
        assertThat(call(aliceA, "GET", "/user/callbacks/" + ws, null, 200).body())
                .isEqualTo(userCallback(aliceA, ws, """
                        {"callback": {"websocket": {"target": "ws://localhost:9999/in",
                         "attributes": [{"type": "Body", "key": "k", "value": "$CallbackID"}]}}}""", "Running"));
        // Members the API does not define are ignored (one prose page shows a "batch" member).
        String withBatch = "{\"batch\": {\"enabled\": true, \"size\": 10}, \"callback\": {\"webhook\": {\"name\": \"n\","
                + " \"target\": \"http://127.0.0.1:8080/x\"}}}";
        HttpResponse<String> r = post(aliceA, withBatch, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String batchId = json.readTree(r.body()).path("callbackId").stringValue();
        assertThat(call(aliceA, "GET", "/user/callbacks/" + batchId, null, 200).body()).isEqualTo(userCallback(
                aliceA, batchId, "{\"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"http://127.0.0.1:8080/x\"}}}",
                "Running"));
    }

    @Test
    void theListPagesAndFiltersByType() {
        Pair carol = pair("carol/A", user("carol"), appA, List.of(Scopes.TRIP));
        String monitor = create(carol, hook("monitors", "[\"Monitor\"]"));
        String remote = create(carol, hook("remotes", "[\"Remote\"]"));
        String both = create(carol, hook("both", null));
        JsonNode m = call(carol, "GET", "/user/callbacks/" + monitor, null, 200).body();
        JsonNode r = call(carol, "GET", "/user/callbacks/" + remote, null, 200).body();
        JsonNode b = call(carol, "GET", "/user/callbacks/" + both, null, 200).body();

        JsonNode all = call(carol, "GET", "/user/callbacks", null, 200).body();
        assertThat(all).isEqualTo(page(carol, "", List.of(m, r, b), 3, 1, 1, 60, null));
        assertThat(call(carol, "GET", "/user/callbacks?types=Monitor", null, 200).body())
                .isEqualTo(page(carol, "&types=Monitor", List.of(m, b), 2, 1, 1, 60, null));
        assertThat(call(carol, "GET", "/user/callbacks?types=Remote", null, 200).body())
                .isEqualTo(page(carol, "&types=Remote", List.of(r, b), 2, 1, 1, 60, null));
        assertThat(call(carol, "GET", "/user/callbacks?types=Monitor&types=Remote", null, 200).body())
                .isEqualTo(page(carol, "&types=Monitor,Remote", List.of(m, r, b), 3, 1, 1, 60, null));
        JsonNode first = call(carol, "GET", "/user/callbacks?pageSize=2", null, 200).body();
        assertThat(first).isEqualTo(page(carol, "", List.of(m, r), 3, 2, 1, 2, 2));
        JsonNode second = call(carol, "GET", "/user/callbacks?pageSize=2&pageToken="
                + first.at("/_links/next/href").stringValue().replaceAll(".*pageToken=", ""), null, 200).body();
        assertThat(second.at("/_embedded/callbacks")).containsExactly(b);
        assertThat(second.path("currentPage").intValue()).isEqualTo(2);

        call(carol, "GET", "/user/callbacks?types=Alarm", null, 400);
        call(carol, "GET", "/user/callbacks?pageSize=61", null, 400);
    }

    private String hook(String label, String types) {
        return "{\"label\": \"" + label + "\"" + (types == null ? "" : ", \"type\": " + types)
                + ", \"callback\": {\"webhook\": {\"name\": \"" + label + "\", \"target\": \"https://hooks.example.com/"
                + label.replace(' ', '-') + "\"}}}";
    }

    /** A page of {@code UserCallbacks} as CollectionResult and Paging define it. */
    private ObjectNode page(Pair who, String query, List<JsonNode> items, int total, int totalPage, int current,
            int pageSize, Integer nextOffset) {
        ObjectNode expected = json.createObjectNode();
        ObjectNode links = expected.putObject("_links");
        String base = href(who, "/user/callbacks") + query + "&pageSize=" + pageSize;
        links.putObject("self").put("href", base);
        links.putObject("first").put("href", base);
        if (nextOffset != null) {
            links.putObject("next").put("href", base + "&pageToken=" + java.util.Base64.getUrlEncoder()
                    .withoutPadding().encodeToString(("o:" + nextOffset).getBytes()));
        }
        long lastOffset = total == 0 ? 0 : ((total - 1) / pageSize) * pageSize;
        links.putObject("last").put("href", lastOffset == 0 ? base : base + "&pageToken=" + java.util.Base64
                .getUrlEncoder().withoutPadding().encodeToString(("o:" + lastOffset).getBytes()));
        expected.put("total", total);
        expected.put("totalPage", totalPage);
        expected.put("currentPage", current);
        var array = expected.putObject("_embedded").putArray("callbacks");
        items.forEach(array::add);
        return expected;
    }

    @Test
    void noOtherUserOrAppReachesACallback() {
        String id = create(aliceA, WEBHOOK);
        JsonNode original = call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body();
        String replacement = hook("stolen", null);
        for (Pair other : List.of(aliceB, bobA)) {
            call(other, "GET", "/user/callbacks/" + id, null, 404);
            call(other, "PUT", "/user/callbacks/" + id, replacement, 404);
            call(other, "PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Paused\"}", 404);
            call(other, "DELETE", "/user/callbacks/" + id, null, 404);
            JsonNode list = call(other, "GET", "/user/callbacks", null, 200).body();
            assertThat(list.at("/_embedded/callbacks").findValuesAsString("id")).doesNotContain(id);
        }
        // Without a token, or with one that grants none of the API's scopes.
        for (String[] op : new String[][] {{"GET", "/user/callbacks/" + id, null}, {"GET", "/user/callbacks", null},
                {"POST", "/user/callbacks", replacement}, {"PUT", "/user/callbacks/" + id, replacement},
                {"PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Paused\"}"},
                {"DELETE", "/user/callbacks/" + id, null}}) {
            Answer anonymous = call(null, op[0], op[1], op[2], 401);
            assertThat(anonymous.body().path("code").intValue()).isEqualTo(40100);
            Answer openIdOnly = call(aliceOpenIdOnly, op[0], op[1], op[2], 403);
            assertThat(openIdOnly.body().path("code").intValue()).isEqualTo(40301);
        }
        // The owner's callback is as it was.
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body()).isEqualTo(original);
        // The other pair's own callbacks are theirs alone too.
        String bobs = create(bobA, hook("bob", null));
        call(aliceA, "GET", "/user/callbacks/" + bobs, null, 404);
        assertThat(call(bobA, "GET", "/user/callbacks", null, 200).body().at("/_embedded/callbacks")
                .findValuesAsString("id")).containsExactly(bobs);
    }

    @Test
    void pausingAndResumingChangeTheStatusOnly() {
        String id = create(aliceA, WEBHOOK);
        assertThat(call(aliceA, "PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Paused\"}", 202).body())
                .isEqualTo(reference(aliceA, id, "Paused"));
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body())
                .isEqualTo(userCallback(aliceA, id, WEBHOOK, "Paused"));
        assertThat(destination(id).orElseThrow().state()).isEqualTo(Destination.State.PAUSED);
        // A replacement keeps the status.
        assertThat(call(aliceA, "PUT", "/user/callbacks/" + id, WEBHOOK, 202).body())
                .isEqualTo(reference(aliceA, id, "Paused"));
        assertThat(call(aliceA, "PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Paused\"}", 202).body())
                .isEqualTo(reference(aliceA, id, "Paused"));
        assertThat(call(aliceA, "PUT", "/user/callbacks/" + id + "/status", "{\"status\": \"Running\"}", 202).body())
                .isEqualTo(reference(aliceA, id, "Running"));
        assertThat(destination(id).orElseThrow().state()).isEqualTo(Destination.State.RUNNING);
        for (String bad : List.of("{\"status\": \"Failed\"}", "{\"status\": \"paused\"}", "{}", "{\"status\": 1}",
                "[\"Paused\"]", "\"Paused\"", "{\"status\": null}")) {
            Answer refused = call(aliceA, "PUT", "/user/callbacks/" + id + "/status", bad, 400);
            assertThat(refused.body().path("code").intValue()).as(bad).isEqualTo(40003);
            assertThat(refused.body().path("message").stringValue()).as(bad).contains("status");
        }
        assertThat(call(aliceA, "GET", "/user/callbacks/" + id, null, 200).body().path("status").stringValue())
                .isEqualTo("Running");
    }

    @Test
    void withdrawingTheAppsAccessFailsItsCallbacksForGood() {
        Account dave = user("dave");
        Pair daveA = pair("dave/A", dave, appA, List.of(Scopes.ALERT));
        Pair daveB = pair("dave/B", dave, appB, List.of(Scopes.ALERT));
        String first = create(daveA, WEBHOOK);
        String second = create(daveA, hook("second", null));
        String ofB = create(daveB, hook("other app", null));
        call(daveA, "PUT", "/user/callbacks/" + second + "/status", "{\"status\": \"Paused\"}", 202);

        WebSession browser = new WebSession(port);
        String realm = Brand.PEUGEOT.realm();
        HttpResponse<String> loginPage = browser.get("/am/login?realm=" + realm);
        HttpResponse<String> login = browser.postForm("/am/login", Map.of("email", dave.email(), "password", PASSWORD,
                "realm", realm, "_csrf", WebSession.csrf(loginPage.body())));
        HttpResponse<String> account = browser.follow(login);
        assertThat(account.statusCode()).isEqualTo(200);
        HttpResponse<String> revoke = browser.postForm("/am/account/revoke", Map.of("appId", appA.id(), "realm", realm,
                "_csrf", WebSession.csrf(account.body())));
        assertThat(revoke.statusCode()).isEqualTo(302);

        call(daveA, "GET", "/user/callbacks/" + first, null, 401);
        assertThat(destination(first).orElseThrow().state()).isEqualTo(Destination.State.FAILED);
        assertThat(destination(second).orElseThrow().state()).isEqualTo(Destination.State.FAILED);
        assertThat(destination(ofB).orElseThrow().state()).isEqualTo(Destination.State.RUNNING);

        // The user enrolls the app again: the old callbacks stay failed, cannot be resumed, can be deleted.
        Pair again = pair("dave/A again", dave, appA, List.of(Scopes.ALERT));
        assertThat(call(again, "GET", "/user/callbacks/" + first, null, 200).body())
                .isEqualTo(userCallback(again, first, WEBHOOK, "Failed"));
        for (String status : List.of("Running", "Paused")) {
            Answer refused = call(again, "PUT", "/user/callbacks/" + first + "/status", "{\"status\": \"" + status
                    + "\"}", 400);
            assertThat(refused.body().path("code").intValue()).isEqualTo(40000);
            assertThat(refused.body().path("message").stringValue()).contains("failed").contains("create a new");
        }
        assertThat(call(again, "PUT", "/user/callbacks/" + first, WEBHOOK, 202).body())
                .isEqualTo(reference(again, first, "Failed"));
        call(again, "DELETE", "/user/callbacks/" + second, null, 204);
        assertThat(call(daveB, "GET", "/user/callbacks/" + ofB, null, 200).body().path("status").stringValue())
                .isEqualTo("Running");
        String fresh = create(again, WEBHOOK);
        assertThat(destination(fresh).orElseThrow().state()).isEqualTo(Destination.State.RUNNING);
    }

    @Test
    void theDeliveryEngineFindsTheCallbackAsDeclared() {
        String id = create(aliceA, WEBHOOK);
        assertThat(destination(id)).contains(new Destination(id, aliceA.owner(), "Home", Destination.State.RUNNING,
                new Destination.Webhook(URI.create("https://receiver.example.com/hooks/odomo")), List.of(
                        new Destination.Attribute(Destination.Attribute.Kind.HEADER, "X-Vehicle-Id", "$Vin"),
                        new Destination.Attribute(Destination.Attribute.Kind.HEADER, "Authorization", "Bearer s3cr3t"),
                        new Destination.Attribute(Destination.Attribute.Kind.BODY, "callback", "$CallbackLabel"),
                        new Destination.Attribute(Destination.Attribute.Kind.QUERY, "monitor", "$MonitorID")),
                DeliveryPolicy.endUser()));
        String ws = create(bobA, "{\"callback\": {\"websocket\": {\"target\": \"wss://ws.example.com/in\"}}}");
        assertThat(destination(ws)).contains(new Destination(ws, bobA.owner(), "", Destination.State.RUNNING,
                new Destination.Websocket(URI.create("wss://ws.example.com/in")), List.of(), DeliveryPolicy.endUser()));

        String push = create(aliceA, "{\"label\": \"phones\", \"callback\": {\"pushnotif\": {\"devices\": [\"d1\", \"d2\","
                + " \"d3\"], \"attributes\": [{\"type\": \"Body\", \"key\": \"car\", \"value\": \"$Vin\"}]}}}");
        assertThat(destination(push)).contains(new Destination(push, aliceA.owner(), "phones",
                Destination.State.RUNNING, new Destination.Push(List.of("d1", "d2", "d3")), List.of(
                        new Destination.Attribute(Destination.Attribute.Kind.BODY, "car", "$Vin")),
                DeliveryPolicy.endUser()));
        DeliveryDestinations callbacks = destinations.stream().filter(d -> d.find(push).isPresent()).findFirst()
                .orElseThrow();
        callbacks.devicesUnregistered(push, List.of("d2", "unknown"));
        assertThat(destination(push).orElseThrow().channel()).isEqualTo(new Destination.Push(List.of("d1", "d3")));
        assertThat(call(aliceA, "GET", "/user/callbacks/" + push, null, 200).body().at("/subscribe/callback/pushnotif"
                + "/devices").toString()).isEqualTo("[\"d1\",\"d3\"]");
        callbacks.devicesUnregistered(push, List.of("d1", "d3"));
        assertThat(destination(push)).isEmpty();
        call(aliceA, "GET", "/user/callbacks/" + push, null, 404);
        assertThat(destination("no-such-callback")).isEmpty();
        callbacks.devicesUnregistered("no-such-callback", List.of("d1"));
    }

    private Optional<Destination> destination(String id) {
        return destinations.stream().map(d -> d.find(id)).flatMap(Optional::stream).findFirst();
    }

    @Test
    void aUserHasAtMostTheCapOfCallbacksPerApp() {
        Pair erin = pair("erin/A", user("erin"), appA, List.of(Scopes.COLLISION));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            ids.add(create(erin, hook("n" + i, null)));
        }
        Answer refused = call(erin, "POST", "/user/callbacks", hook("one-too-many", null), 403);
        assertThat(refused.body().path("code").intValue()).isEqualTo(40300);
        assertThat(refused.body().path("message").stringValue()).contains(Integer.toString(CAP));
        assertThat(call(erin, "GET", "/user/callbacks", null, 200).body().path("total").intValue()).isEqualTo(CAP);
        call(erin, "DELETE", "/user/callbacks/" + ids.get(0), null, 204);
        create(erin, hook("fits again", null));
    }

    // ---- what is refused

    /** A body, and the member the refusal must name. */
    record Refused(String body, String names) {
    }

    static String webhookWith(String target, String attributes) {
        return "{\"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"" + target + "\""
                + (attributes == null ? "" : ", \"attributes\": " + attributes) + "}}}";
    }

    static String header(String key, String value) {
        return "[{\"type\": \"Header\", \"key\": \"" + key + "\", \"value\": \"" + value + "\"}]";
    }

    static final List<Refused> REFUSED = List.of(
            new Refused("{}", "callback"),
            new Refused("{\"callback\": null}", "callback"),
            new Refused("{\"callback\": {}}", "exactly one of webhook, websocket, pushnotif"),
            new Refused("{\"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"https://a.example.com\"},"
                    + " \"websocket\": {\"target\": \"wss://a.example.com\"}}}", "exactly one"),
            new Refused("{\"callback\": {\"webhook\": \"https://a.example.com\"}}", "callback.webhook"),
            new Refused("{\"callback\": {\"webhook\": {\"target\": \"https://a.example.com\"}}}", "callback.webhook.name"),
            new Refused("{\"callback\": {\"webhook\": {\"name\": \"n\"}}}", "callback.webhook.target"),
            new Refused("{\"callback\": {\"webhook\": {\"name\": 5, \"target\": \"https://a.example.com\"}}}",
                    "callback.webhook.name"),
            new Refused("{\"label\": 7, \"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"https://a.example.com\"}}}",
                    "label"),
            new Refused("{\"label\": \"" + "x".repeat(256) + "\", \"callback\": {\"webhook\": {\"name\": \"n\","
                    + " \"target\": \"https://a.example.com\"}}}", "label"),
            new Refused("{\"label\": \"a\\u0000b\", \"callback\": {\"webhook\": {\"name\": \"n\","
                    + " \"target\": \"https://a.example.com\"}}}", "label"),
            new Refused("{\"type\": \"Monitor\", \"callback\": {\"webhook\": {\"name\": \"n\","
                    + " \"target\": \"https://a.example.com\"}}}", "type"),
            new Refused("{\"type\": [\"Alarm\"], \"callback\": {\"webhook\": {\"name\": \"n\","
                    + " \"target\": \"https://a.example.com\"}}}", "type[0]"),
            // Targets.
            new Refused(webhookWith("not a url", null), "callback.webhook.target"),
            new Refused(webhookWith("/relative/path", null), "callback.webhook.target"),
            new Refused(webhookWith("http://receiver.example.com/x", null), "callback.webhook.target"),
            new Refused(webhookWith("ftp://receiver.example.com/x", null), "callback.webhook.target"),
            new Refused(webhookWith("file:///etc/passwd", null), "callback.webhook.target"),
            new Refused(webhookWith("javascript:alert(1)", null), "callback.webhook.target"),
            new Refused(webhookWith("gopher://receiver.example.com:25/x", null), "callback.webhook.target"),
            new Refused(webhookWith("wss://receiver.example.com/x", null), "callback.webhook.target"),
            new Refused(webhookWith("https://user:password@receiver.example.com/x", null), "callback.webhook.target"),
            new Refused(webhookWith("https://receiver.example.com:70000/x", null), "callback.webhook.target"),
            new Refused(webhookWith("https://" + "a".repeat(2100) + ".example.com/", null), "callback.webhook.target"),
            new Refused("{\"callback\": {\"websocket\": {\"target\": \"https://ws.example.com\"}}}",
                    "callback.websocket.target"),
            new Refused("{\"callback\": {\"websocket\": {\"target\": \"ws://ws.example.com\"}}}",
                    "callback.websocket.target"),
            // Addresses that are not public, written as literals or numbers some resolvers read as addresses.
            new Refused(webhookWith("https://169.254.169.254/latest/meta-data/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://10.0.0.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://192.168.1.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://172.16.0.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://100.64.0.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://0.0.0.0/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://[fd00::1]/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://[fe80::1]/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://[::ffff:10.0.0.1]/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://2130706433/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://0x7f.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://127.1/", null), "callback.webhook.target"),
            new Refused(webhookWith("https://224.0.0.1/", null), "callback.webhook.target"),
            // Attributes.
            new Refused(webhookWith("https://a.example.com", "{\"type\": \"Header\"}"), "callback.webhook.attributes"),
            new Refused(webhookWith("https://a.example.com", "[\"X-A: b\"]"), "callback.webhook.attributes[0]"),
            new Refused(webhookWith("https://a.example.com", "[{\"key\": \"k\", \"value\": \"v\"}]"),
                    "callback.webhook.attributes[0].type"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Cookie\", \"key\": \"k\", \"value\": \"v\"}]"),
                    "callback.webhook.attributes[0].type"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"key\": \"\", \"value\": \"v\"}]"),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"value\": \"v\"}]"),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"key\": \"k\"}]"),
                    "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"key\": \"k\", \"value\": 3}]"),
                    "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"key\": \"k\", \"value\": \"$Odometer\"}]"),
                    "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", "[" + String.join(",", java.util.Collections.nCopies(21,
                    "{\"type\": \"Body\", \"key\": \"k\", \"value\": \"v\"}")) + "]"), "callback.webhook.attributes"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Body\", \"key\": \"k\", \"value\": \""
                    + "v".repeat(4097) + "\"}]"), "callback.webhook.attributes[0].value"),
            // Header injection and headers that break the delivery.
            new Refused(webhookWith("https://a.example.com", header("Host", "evil.example.com")),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("content-length", "0")),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("Transfer-Encoding", "chunked")),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("Connection", "close")),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("X-A: b", "c")), "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("X-A\\r\\nHost", "c")),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", header("X-A", "b\\r\\nX-Injected: 1")),
                    "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", header("X-A", "b\\nc")), "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", header("X-A", "caf\u00e9")),
                    "callback.webhook.attributes[0].value"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Query\", \"key\": \"q\\r\\n\", \"value\": \"v\"}]"),
                    "callback.webhook.attributes[0].key"),
            new Refused(webhookWith("https://a.example.com", "[{\"type\": \"Query\", \"key\": \"q\", \"value\": \"a\\u0000\"}]"),
                    "callback.webhook.attributes[0].value"),
            // Websocket and push specifics.
            new Refused("{\"callback\": {\"websocket\": {\"target\": \"wss://ws.example.com\", \"attributes\":"
                    + " [{\"type\": \"Header\", \"key\": \"k\", \"value\": \"v\"}]}}}", "callback.websocket.attributes[0].type"),
            new Refused("{\"callback\": {\"pushnotif\": {}}}", "callback.pushnotif.devices"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": []}}}", "callback.pushnotif.devices"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": \"d1\"}}}", "callback.pushnotif.devices"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"d1\", 2]}}}", "callback.pushnotif.devices[1]"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"d1\", \"d1\"]}}}", "callback.pushnotif.devices[1]"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"\"]}}}", "callback.pushnotif.devices[0]"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [" + String.join(",", java.util.Collections.nCopies(
                    21, "\"d\"")) + "]}}}", "callback.pushnotif.devices"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"d\"], \"attributes\": [{\"type\": \"Query\","
                    + " \"key\": \"k\", \"value\": \"v\"}]}}}", "callback.pushnotif.attributes[0].type"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"d\"], \"attributes\": [{\"key\": \"google.x\","
                    + " \"value\": \"v\"}]}}}", "callback.pushnotif.attributes[0].key"),
            new Refused("{\"callback\": {\"pushnotif\": {\"devices\": [\"d\"], \"attributes\": [{\"key\": \"from\","
                    + " \"value\": \"v\"}]}}}", "callback.pushnotif.attributes[0].key"));

    @Test
    void eachRuleRefusesWithA400NamingTheMember() {
        Pair frank = pair("frank/A", user("frank"), appA, List.of(Scopes.TELEMETRY));
        String id = create(frank, WEBHOOK);
        JsonNode before = call(frank, "GET", "/user/callbacks/" + id, null, 200).body();
        for (Refused r : REFUSED) {
            for (String[] op : new String[][] {{"POST", "/user/callbacks"}, {"PUT", "/user/callbacks/" + id}}) {
                Answer refused = call(frank, op[0], op[1], r.body(), 400);
                assertThat(refused.body().path("code").intValue()).as(r.body()).isEqualTo(40003);
                assertThat(refused.body().path("message").stringValue()).as(r.body()).contains(r.names());
            }
        }
        // Nothing was created or changed.
        assertThat(call(frank, "GET", "/user/callbacks", null, 200).body().path("total").intValue()).isEqualTo(1);
        assertThat(call(frank, "GET", "/user/callbacks/" + id, null, 200).body()).isEqualTo(before);
    }

    @Test
    void malformedAndHostileBodiesAre400sNever500s() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("not JSON", "callback=webhook");
        bodies.put("truncated", "{\"callback\": {\"webhook\": {");
        bodies.put("trailing garbage", hook("x", null) + " {}");
        bodies.put("two documents", hook("x", null) + hook("y", null));
        bodies.put("empty", "");
        bodies.put("JSON null", "null");
        bodies.put("an array", "[" + hook("x", null) + "]");
        bodies.put("repeated member", "{\"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"https://a.example.com\","
                + " \"target\": \"https://b.example.com\"}}}");
        bodies.put("deep nesting", "{\"label\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        bodies.put("deep but small", "{\"x\": " + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + ", \"callback\": {}}");
        bodies.put("oversized", "{\"label\": \"x\", \"pad\": \"" + "p".repeat(300 * 1024) + "\", \"callback\": {}}");
        bodies.put("huge number", "{\"label\": 1" + "0".repeat(5000) + ", \"callback\": {}}");
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            Answer refused = call(aliceA.token(), appA.clientId(), "POST", "/user/callbacks", b.getValue(),
                    "application/json", 400);
            assertThat(refused.body().path("code").intValue()).as(b.getKey()).isEqualTo(40003);
        }
        // Not JSON by its content type.
        Answer form = call(aliceA.token(), appA.clientId(), "POST", "/user/callbacks", hook("x", null),
                "application/x-www-form-urlencoded", 415);
        assertThat(form.body().path("code").intValue()).isEqualTo(41500);
        // Ids that cannot be callbacks are simply not found.
        call(aliceA, "GET", "/user/callbacks/" + "a".repeat(5000), null, 404);
        call(aliceA, "GET", "/user/callbacks/%27%20OR%201=1", null, 404);
        call(aliceA, "DELETE", "/user/callbacks/zzz", null, 404);
    }

    @Test
    void everyCallbackOperationAnswersAsPublished() {
        // Runs the scenarios that reach every operation, then checks the whole record.
        aCallbackIsCreatedReadReplacedAndDeleted();
        theListPagesAndFiltersByType();
        pausingAndResumingChangeTheStatusOnly();
        assertThat(problems).as("requests or answers that do not match api-b2c.yaml or the documented error body")
                .isEmpty();
        List<String> untested = new ArrayList<>();
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (op.path().startsWith("/user/callbacks")
                    && validated.getOrDefault(op.key(), Map.of()).keySet().stream().noneMatch(s -> s < 300)) {
                untested.add(op.key());
            }
        }
        assertThat(untested).as("callback operations without a validated 2xx").isEmpty();
    }

    private HttpResponse<String> post(Pair who, String body, String contentType) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE
                    + "/user/callbacks?client_id=" + who.app().clientId())).header("Authorization", "Bearer "
                            + who.token()).header("x-introspect-realm", Brand.PEUGEOT.realm())
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void writeCoverage() throws IOException {
        StringBuilder report = new StringBuilder("# B2C callback operations validated against api-b2c.yaml\n\n"
                + "Requests the API accepted were validated against the documented request body; answers against"
                + " the documented response (errors also against the documented error body).\n\n"
                + "| operation | operationId | 2xx validated | errors validated |\n| --- | --- | --- | --- |\n");
        for (OpenApiSpec.Operation op : spec.operations()) {
            if (!op.path().startsWith("/user/callbacks")) {
                continue;
            }
            Map<Integer, Integer> ok = new TreeMap<>();
            Map<Integer, Integer> errors = new TreeMap<>();
            validated.getOrDefault(op.key(), Map.of()).forEach((s, n) -> (s < 300 ? ok : errors).put(s, n));
            report.append("| `").append(op.key()).append("` | ").append(op.operationId()).append(" | ")
                    .append(ok.isEmpty() ? "-" : ok).append(" | ").append(errors.isEmpty() ? "-" : errors)
                    .append(" |\n");
        }
        report.append("\n## Known defects of the published file relied on\n\n");
        for (KnownSpecDefect d : spec.defectsApplied()) {
            report.append("- `").append(d.name()).append("`: ").append(d.description()).append('\n');
        }
        if (!problems.isEmpty()) {
            report.append("\n## Problems\n\n");
            problems.forEach(p -> report.append("- ").append(p).append('\n'));
        }
        Path out = Path.of("target", "spec-coverage", "b2c-callbacks.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
