package org.odomo.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import org.odomo.OdomoApplication;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remote action latency: the time from the POST of an action to the arrival of its Done
 * notification at a local webhook receiver, with the fleet simulator at real time (time factor 1)
 * on the in-process link, the platform with its default remote, event-log and delivery settings on
 * the embedded database. Awake cars (introduced, within their 3 minutes) get rounds of horn, lights
 * and door actions, one action per car per round; sleeping cars (idle past the 3 minutes, so their
 * first message is lifecycle Asleep) get one horn each, which needs a wake-up first.
 * Arguments: awake cars (default 30), rounds (3), sleeping cars (30). Prints p50/p95/max per kind.
 */
public final class RemoteBenchmark {

    static final String BASE = "/connectedcar/v4";
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Car(RegisteredVehicle registered, String callbackId) {
        String remotes() {
            return "/user/vehicles/" + registered.vehicle().apiId() + "/callbacks/" + callbackId + "/remotes";
        }
    }

    public static void main(String[] args) throws Exception {
        int awakeCars = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int sleepingCars = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Map<String, Long> done = new ConcurrentHashMap<>();
        Map<String, String> outcome = new ConcurrentHashMap<>();
        Set<String> woken = ConcurrentHashMap.newKeySet();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/", exchange -> {
            long at = System.nanoTime();
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                for (JsonNode m : body.isArray() ? body : List.of(body)) {
                    JsonNode s = m.path("remoteEvent").path("eventStatus");
                    if (s.path("status").asString().equals("WakingUpVehicle")) {
                        woken.add(m.path("remoteEvent").path("remoteActionId").asString());
                    }
                    if (s.path("type").asString().equals("Done")) {
                        String id = m.path("remoteEvent").path("remoteActionId").asString();
                        done.putIfAbsent(id, at);
                        outcome.putIfAbsent(id, s.path("status").asString() + " " + s.path("failureCause").asString(""));
                    }
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class).run(
                "--server.port=0", "--odomo.data-dir=target/bench-remotes/" + System.nanoTime(),
                "--logging.level.root=WARN", "--odomo.operator.username=operator",
                "--odomo.operator.password=remote-bench-operator");
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        AppRegistry apps = context.getBean(AppRegistry.class);
        App app = apps.ensureRegistered(new AppRegistration("Remote bench", "Sends remotes", "Odomo bench",
                "dev@example.com", 1000L, "remote-bench", Scopes.ALL, List.of(Enrollment.REDIRECT), "unlimited"),
                "remote-bench-client", "remote-bench-secret");
        Account user = context.getBean(AccountManagement.class).create(Brand.PEUGEOT, "bench@example.com",
                "bench-password", "Bench", "Remote");
        String token = Enrollment.enroll(port, app.clientId(), "remote-bench-secret", Brand.PEUGEOT.realm(),
                user.email(), "bench-password", List.copyOf(Scopes.ALL), false).accessToken();
        HttpClient http = HttpClient.newHttpClient();
        Api api = new Api(http, port, app.clientId(), token);
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/remotes";
        String callback = api.call("POST", "/user/callbacks", "{\"label\": \"bench\", \"type\": [\"Remote\"],"
                + " \"callback\": {\"webhook\": {\"name\": \"hook\", \"target\": \"" + hook + "\"}}}", 200)
                .path("callbackId").asString();
        List<Car> awake = new ArrayList<>();
        List<Car> sleeping = new ArrayList<>();
        for (int i = 0; i < awakeCars + sleepingCars; i++) {
            RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208",
                    user.id(), PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
            (i < awakeCars ? awake : sleeping).add(new Car(v, callback));
        }

        // The fleet: snapshotted before it starts, the sleeping cars' state set to idle for longer
        // than the 3 minutes, and restored into the fleet that runs.
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(5).withIntroSpreadSeconds(5)
                .withRareEventFactor(0).withStart(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        VehicleTransport transport = context.getBean(VehicleTransport.class);
        ProtocolCodec codec = context.getBean(ProtocolCodec.class);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        try (FleetSimulator draft = new FleetSimulator(transport, codec, settings)) {
            for (Car c : awake) {
                draft.add(simulated(c));
            }
            for (Car c : sleeping) {
                draft.add(simulated(c));
            }
            draft.snapshot(saved);
        }
        ObjectNode snapshot = (ObjectNode) JSON.readTree(saved.toByteArray());
        Set<String> sleepers = new HashSet<>();
        sleeping.forEach(c -> sleepers.add(c.registered().vehicle().vin()));
        for (JsonNode v : snapshot.get("vehicles")) {
            if (sleepers.contains(v.path("vin").asString())) {
                ((ObjectNode) v.get("state")).put("introduced", true).put("introAt", Long.MAX_VALUE).put("awake", true)
                        .put("lastExchange", Instant.now().getEpochSecond() - 400);
            }
        }
        try (FleetSimulator fleet = new FleetSimulator(transport, codec, settings)) {
            fleet.restore(new ByteArrayInputStream(JSON.writeValueAsBytes(snapshot)));
            fleet.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (jdbc.sql("SELECT COUNT(DISTINCT vin) FROM vehicle_event").query(Long.class).single() < awake.size()
                    + sleeping.size() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            // the platform must have taken in every car's first messages
            Thread.sleep(2000);
            System.out.printf("BENCH %d awake and %d sleeping cars talked%n", awake.size(), sleeping.size());

            String[] actions = {"{\"horn\": {\"state\": \"Activated\"}}", "{\"lights\": {\"on\": true}}",
                    "{\"door\": {\"state\": \"Unlocked\"}}"};
            List<Double> awakeSeconds = new ArrayList<>();
            Map<String, Integer> outcomes = new TreeMap<>();
            for (int r = 0; r < rounds; r++) {
                Map<String, Long> posted = new ConcurrentHashMap<>();
                String body = actions[r % actions.length];
                for (Car c : awake) {
                    long t0 = System.nanoTime();
                    posted.put(api.call("POST", c.remotes(), body, 202).path("remoteActionId").asString(), t0);
                }
                awakeSeconds.addAll(waitFor(posted, done, outcome, outcomes, 130));
            }
            Map<String, Long> posted = new ConcurrentHashMap<>();
            for (Car c : sleeping) {
                long t0 = System.nanoTime();
                posted.put(api.call("POST", c.remotes(), actions[0], 202).path("remoteActionId").asString(), t0);
            }
            List<Double> sleepingSeconds = waitFor(posted, done, outcome, outcomes, 130);
            report("awake", awakeSeconds, awakeCars * rounds);
            report("sleeping", sleepingSeconds, sleepingCars);
            System.out.printf("RESULT sleeping actions that went through WakingUpVehicle: %d of %d; awake ones: %d%n",
                    posted.keySet().stream().filter(woken::contains).count(), posted.size(),
                    woken.stream().filter(id -> !posted.containsKey(id)).count());
            System.out.println("RESULT outcomes " + outcomes);
        } finally {
            receiver.stop(0);
            context.close();
        }
        System.exit(0);
    }

    static SimulatedVehicle simulated(Car c) {
        return new SimulatedVehicle(c.registered().vehicle().vin(), "P-E208", c.registered().credential(),
                PrivacyMode.DATA_AND_LOCATION, EnumSet.allOf(DataCategory.class), 2.35, 48.85);
    }

    static List<Double> waitFor(Map<String, Long> posted, Map<String, Long> done, Map<String, String> outcome,
            Map<String, Integer> outcomes, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.keySet().containsAll(posted.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Double> took = new ArrayList<>();
        posted.forEach((id, t0) -> {
            Long t1 = done.get(id);
            if (t1 != null) {
                took.add((t1 - t0) / 1e9);
                outcomes.merge(outcome.get(id).trim(), 1, Integer::sum);
            }
        });
        return took;
    }

    static void report(String kind, List<Double> seconds, int posted) {
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.printf("RESULT %s posted=%d done=0%n", kind, posted);
            return;
        }
        System.out.printf("RESULT %s posted=%d done=%d p50=%.2fs p95=%.2fs max=%.2fs%n", kind, posted, sorted.size(),
                at(sorted, 0.50), at(sorted, 0.95), sorted.get(sorted.size() - 1));
    }

    static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    record Api(HttpClient http, int port, String clientId, String token) {
        JsonNode call(String method, String path, String body, int expected) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + BASE + path
                    + "?client_id=" + clientId)).header("x-introspect-realm", Brand.PEUGEOT.realm())
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }
}
