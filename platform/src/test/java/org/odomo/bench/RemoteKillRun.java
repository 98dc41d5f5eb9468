package org.odomo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.odomo.OdomoApplication;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.transport.MqttProperties;
import org.odomo.transport.MqttVehicleTransport;
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

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote actions across a {@code kill -9} of the platform: one node runs from the runnable jar
 * ({@code postgres,mqtt} profiles, a database of its own), the simulated fleet runs in this
 * process at real time over MQTT and is never killed. Once every car has talked, the app posts
 * four actions to each car (horn, lights, door, preconditioning: different types, so that none is
 * refused for one of the same type in progress), the node is killed with {@code kill -9} right
 * after the last POST, and started again on the same database.
 *
 * <p>Then, from the API ({@code GET …/remotes/{id}}) and the webhook receiver: every action must
 * be Done within its time-out plus 60 s of its request, none Pending, and on the vehicle side none
 * carried out twice. The cars' uplinks are watched on their way out: an execution is a command
 * entering {@code InProgress} (an {@code InProgress} that does not repeat the one before it for
 * that id, which is what a car answers to a command sent again), and the command downlinks are
 * counted per id, so that the copies beyond the first are the re-sent commands.
 *
 * <p>The cars get every downlink {@code --downlink-delay} after the broker hands it over (30 s by
 * default, a slow mobile network): longer than posting the 1,000 actions takes, so that all of them
 * are pending when the node is killed, whatever the car was quick to do otherwise (2 to 4 s a
 * command). It is also longer than {@code resend-after} (20 s), so that commands are sent again
 * before the car has acknowledged them, and the car meets ids it already has.
 *
 * <p>Usage: {@code RemoteKillRun --db=NAME --jar=PATH --out=DIR [--cars=250] [--timeout=PT2M]
 * [--downlink-delay=PT30S] [--node-java-opts="..."]}. Prints {@code RESULT} lines; exits 1 when an action is not Done in
 * time, stays Pending, or was carried out twice.
 */
public final class RemoteKillRun {

    private static final String SECRET = "remote-kill-secret";
    private static final String PASSWORD = "remote-kill-password";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] ACTIONS = {"{\"horn\": {\"state\": \"Activated\"}}", "{\"lights\": {\"on\": true}}",
        "{\"door\": {\"state\": \"Unlocked\"}}", "{\"preconditioning\": {\"airConditioning\": {\"immediate\": true}}}"};

    private final Map<String, String> options = new HashMap<>();
    private final String db;
    private final Path jar;
    private final Path out;
    private final int carCount;
    private final Duration timeout;
    private final Duration downlinkDelay;
    private final java.util.concurrent.ScheduledExecutorService network = Executors.newSingleThreadScheduledExecutor();
    private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final String topicPrefix = "odomo-remote-kill-" + runId + "/v1";
    private final long started = System.nanoTime();
    private long pendingAtKill;

    /** Per command id, as the cars saw it: downlinks received, executions, the last status sent. */
    private final Map<String, AtomicInteger> downlinks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    /** Per action id, from the webhook: when its first Done arrived, its outcome, how many Done. */
    private final Map<String, Long> doneAt = new ConcurrentHashMap<>();
    private final Map<String, String> doneOutcome = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> doneCopies = new ConcurrentHashMap<>();

    private RemoteKillRun(String[] args) {
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        db = required("db");
        jar = Path.of(required("jar"));
        out = Path.of(required("out"));
        carCount = Integer.parseInt(options.getOrDefault("cars", "250"));
        timeout = Duration.parse(options.getOrDefault("timeout", "PT2M"));
        downlinkDelay = Duration.parse(options.getOrDefault("downlink-delay", "PT30S"));
    }

    public static void main(String[] args) throws Exception {
        boolean clean = new RemoteKillRun(args).run();
        System.exit(clean ? 0 : 1);
    }

    private String dbUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + db;
    }

    record Car(RegisteredVehicle registered, String remotes) {
    }

    record Posted(String id, String remotes, long at) {
    }

    private boolean run() throws Exception {
        Files.createDirectories(out);
        HttpServer receiver = receiver();
        Setup setup = setUp(receiver.getAddress().getPort());
        log("%d cars of one user, one Remote callback to http://127.0.0.1:%d/hook, downlinks reach the cars %s"
                + " late", setup.cars.size(), receiver.getAddress().getPort(), downlinkDelay);
        Node node = new Node(freePort());
        node.start();
        node.awaitReady();
        log("node up in %.1f s", node.lastStartSeconds);
        B2c api = new B2c(node.port, setup.clientId, setup.token);

        MqttProperties vehicleSide = new MqttProperties("127.0.0.1", 1883, topicPrefix, 1,
                "remote-kill-" + runId + "-fleet", null, null, Duration.ofMinutes(10), 0, 2);
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(7).withIntroSpreadSeconds(10)
                .withRareEventFactor(0).withStart(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        List<Posted> posted = new ArrayList<>();
        long killedAt;
        double restartSeconds;
        String beforeKill;
        try (MqttVehicleTransport mqtt = new MqttVehicleTransport(vehicleSide);
                FleetSimulator fleet = new FleetSimulator(new Watched(mqtt), new ProtocolCodec(), settings)) {
            for (Car c : setup.cars) {
                fleet.add(new SimulatedVehicle(c.registered().vehicle().vin(), "P-E208", c.registered().credential(),
                        PrivacyMode.DATA_AND_LOCATION, EnumSet.allOf(DataCategory.class), 2.35, 48.85));
            }
            fleet.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long talked = 0;
            while (System.nanoTime() < deadline
                    && (talked = single("SELECT COUNT(DISTINCT vin) FROM vehicle_event")) < setup.cars.size()) {
                Thread.sleep(500);
            }
            log("%d of %d cars talked", talked, setup.cars.size());

            long t0 = System.nanoTime();
            for (String body : ACTIONS) {
                for (Car c : setup.cars) {
                    long at = System.nanoTime();
                    String id = api.call("POST", c.remotes(), body, 202).path("remoteActionId").stringValue();
                    posted.add(new Posted(id, c.remotes(), at));
                }
            }
            log("%d actions posted in %.1f s", posted.size(), (System.nanoTime() - t0) / 1e9);
            beforeKill = state();
            pendingAtKill = single("SELECT COUNT(*) FROM b2c_remote WHERE NOT done");
            node.kill();
            killedAt = System.nanoTime();
            log("kill -9 of the node (pid %d); just before: %s", node.pid, beforeKill);
            node.start();
            node.awaitReady();
            restartSeconds = node.lastStartSeconds;
            log("node answering again %.1f s after its start; now: %s", restartSeconds, state());

            // Every action's time-out plus 60 s after the last request, then a little for the webhook.
            long last = posted.get(posted.size() - 1).at();
            long until = last + timeout.plusSeconds(60).toNanos();
            String previous = "";
            while (System.nanoTime() < until) {
                String now = state();
                if (!now.equals(previous)) {
                    log("%s", now);
                    previous = now;
                }
                if (doneAt.keySet().containsAll(posted.stream().map(Posted::id).toList())) {
                    break;
                }
                Thread.sleep(2000);
            }
        }
        boolean clean = verify(api, posted, killedAt, restartSeconds);
        node.stop();
        receiver.stop(0);
        network.shutdownNow();
        return clean;
    }

    /** Actions not done, commands sent and unacknowledged, from the database. */
    private String state() {
        try {
            return "pending " + single("SELECT COUNT(*) FROM b2c_remote WHERE NOT done") + " (of which sent and"
                    + " unacknowledged " + single("SELECT COUNT(*) FROM b2c_remote WHERE NOT done AND sent_at IS NOT NULL"
                            + " AND NOT acknowledged") + "), done notifications received " + doneAt.size()
                    + ", executions on the cars " + executions.values().stream().mapToInt(AtomicInteger::get).sum();
        } catch (SQLException e) {
            return "(not read: " + e + ")";
        }
    }

    private boolean verify(B2c api, List<Posted> posted, long killedAt, double restartSeconds) throws Exception {
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> apiStatuses = new TreeMap<>();
        int notDone = 0;
        int late = 0;
        int notNotified = 0;
        int doneBeforeKill = 0;
        double maxSeconds = 0;
        int mismatches = 0;
        for (Posted p : posted) {
            JsonNode action = api.call("GET", p.remotes() + "/" + p.id(), "", 200);
            String status = action.path("status").stringValue();
            apiStatuses.merge(status, 1, Integer::sum);
            Long at = doneAt.get(p.id());
            if (at == null) {
                notNotified++;
                continue;
            }
            String outcome = doneOutcome.get(p.id());
            outcomes.merge(outcome, 1, Integer::sum);
            if (!outcome.startsWith(status)) {
                mismatches++;
            }
            double seconds = (at - p.at()) / 1e9;
            maxSeconds = Math.max(maxSeconds, seconds);
            if (seconds > timeout.plusSeconds(60).toSeconds()) {
                late++;
            }
            if (at < killedAt) {
                doneBeforeKill++;
            }
        }
        long pendingInDb = single("SELECT COUNT(*) FROM b2c_remote WHERE NOT done");
        notDone = (int) pendingInDb;
        long executed = posted.stream().filter(p -> executions.containsKey(p.id())).count();
        long twice = executions.values().stream().filter(n -> n.get() > 1).count();
        long sentTotal = posted.stream().mapToLong(p -> downlinks.getOrDefault(p.id(), new AtomicInteger()).get()).sum();
        long resent = posted.stream().mapToLong(p -> Math.max(0, downlinks.getOrDefault(p.id(), new AtomicInteger())
                .get() - 1)).sum();
        long resentActions = posted.stream().filter(p -> downlinks.getOrDefault(p.id(), new AtomicInteger()).get() > 1)
                .count();
        long neverReached = posted.stream().filter(p -> !downlinks.containsKey(p.id())).count();
        long extraDone = doneCopies.values().stream().mapToLong(n -> n.get() - 1).sum();

        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("cars", carCount);
        result.put("actions", posted.size());
        result.put("pending_at_kill", pendingAtKill);
        result.put("done_notified_before_kill", doneBeforeKill);
        result.put("restart_s", String.format("%.1f", restartSeconds));
        result.put("api_status", apiStatuses.toString().replace(" ", ""));
        result.put("done_outcomes", outcomes.toString().replace(" ", ""));
        result.put("pending_in_db", notDone);
        result.put("not_notified", notNotified);
        result.put("api_webhook_mismatches", mismatches);
        result.put("max_request_to_done_s", String.format("%.1f", maxSeconds));
        result.put("later_than_timeout_plus_60s", late);
        result.put("command_downlinks", sentTotal);
        result.put("resent_commands", resent);
        result.put("actions_resent", resentActions);
        result.put("commands_never_reaching_car", neverReached);
        result.put("executed_on_car", executed);
        result.put("executed_twice", twice);
        result.put("done_notifications_beyond_first", extraDone);
        boolean clean = notDone == 0 && notNotified == 0 && late == 0 && twice == 0 && mismatches == 0
                && apiStatuses.keySet().stream().allMatch(s -> s.equals("Success") || s.equals("AlreadyDone")
                        || s.equals("Failed"));
        result.put("clean", clean);
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        Files.writeString(out.resolve("result.txt"), line + "\n");
        return clean;
    }

    // ---- the vehicles' side, watched

    /** The cars' transport, counting command downlinks and executions per command id. */
    private final class Watched implements VehicleTransport {
        private final VehicleTransport inner;

        Watched(VehicleTransport inner) {
            this.inner = inner;
        }

        @Override
        public VehicleLink connect(String vin, Consumer<byte[]> downlink) {
            return watch(inner.connect(vin, seen(downlink)));
        }

        @Override
        public VehicleLink connect(String vin, String credential, Consumer<byte[]> downlink) {
            return watch(inner.connect(vin, credential, seen(downlink)));
        }

        @Override
        public boolean linksProveTheVehicle() {
            return inner.linksProveTheVehicle();
        }

        private Consumer<byte[]> seen(Consumer<byte[]> downlink) {
            return bytes -> {
                JsonNode m = JSON.readTree(bytes);
                if (m.at("/command/id").isString()) {
                    downlinks.computeIfAbsent(m.at("/command/id").stringValue(), k -> new AtomicInteger())
                            .incrementAndGet();
                }
                // One thread, one delay: each car still gets its downlinks in the order they came.
                network.schedule(() -> downlink.accept(bytes), downlinkDelay.toMillis(), TimeUnit.MILLISECONDS);
            };
        }

        private VehicleLink watch(VehicleLink link) {
            return new VehicleLink() {
                @Override
                public CompletionStage<Void> send(MessageType type, byte[] json) {
                    if (type == MessageType.COMMAND_PROGRESS) {
                        JsonNode command = JSON.readTree(json).path("command");
                        String id = command.path("id").stringValue();
                        String status = command.path("status").stringValue();
                        // A car's messages leave in order: a status that repeats the one before is an answer
                        // to a command sent again, an InProgress after anything else is a run.
                        String before = lastStatus.put(id, status);
                        if ("InProgress".equals(status) && !"InProgress".equals(before)) {
                            executions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return link.send(type, json);
                }

                @Override
                public void close() {
                    link.close();
                }
            };
        }
    }

    // ---- the webhook receiver

    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            long at = System.nanoTime();
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readAllBytes();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            JsonNode body = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            for (JsonNode m : body.isArray() ? body : List.of(body)) {
                JsonNode s = m.path("remoteEvent").path("eventStatus");
                if ("Done".equals(s.path("type").asString())) {
                    String id = m.path("remoteEvent").path("remoteActionId").asString();
                    doneAt.putIfAbsent(id, at);
                    doneOutcome.putIfAbsent(id, s.path("status").asString()
                            + (s.path("failureCause").isString() ? ":" + s.path("failureCause").asString() : ""));
                    doneCopies.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        });
        server.start();
        return server;
    }

    // ---- set-up

    record Setup(List<Car> cars, String clientId, String token) {
    }

    /** On a platform context of this process (postgres profile, no broker), closed before the node starts. */
    private Setup setUp(int receiverPort) throws Exception {
        List<String> args = List.of("--spring.datasource.url=" + dbUrl(), "--server.port=0",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--odomo.callbacks.local-targets=loopback",
                "--odomo.delivery.allow-private-targets=true", "--odomo.delivery.allow-insecure-schemes=true");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class)
                .profiles("postgres").run(args.toArray(String[]::new))) {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            App app = context.getBean(AppRegistry.class).ensureRegistered(new AppRegistration("Remote kill",
                    "Sends remotes", "Odomo", "remote-kill@example.com", 1_000_000L, "remote-kill", Scopes.ALL,
                    List.of(Enrollment.REDIRECT), "unlimited"), "remote-kill-client", SECRET);
            Account user = context.getBean(AccountManagement.class).create(Brand.PEUGEOT, "remote-kill@example.com",
                    PASSWORD, "Remote", "Kill");
            String token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(),
                    PASSWORD, List.copyOf(Scopes.ALL), false).accessToken();
            B2c api = new B2c(port, app.clientId(), token);
            String callbackId = api.call("POST", "/user/callbacks", "{\"label\": \"remote receiver\", \"type\":"
                    + " [\"Remote\"], \"callback\": {\"webhook\": {\"name\": \"hook\", \"target\":"
                    + " \"http://127.0.0.1:" + receiverPort + "/hook\"}}}", 200).path("callbackId").stringValue();
            VehicleRegistry registry = context.getBean(VehicleRegistry.class);
            List<Car> cars = new ArrayList<>();
            for (int i = 0; i < carCount; i++) {
                RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208",
                        user.id(), PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
                cars.add(new Car(v, "/user/vehicles/" + v.vehicle().apiId() + "/callbacks/" + callbackId + "/remotes"));
            }
            return new Setup(cars, app.clientId(), token);
        }
    }

    /** The B2C API, as the enrolled app. */
    private record B2c(int port, String clientId, String token) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        JsonNode call(String method, String path, String body, int expected) throws IOException, InterruptedException {
            HttpRequest.BodyPublisher publisher = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/connectedcar/v4" + path + "?client_id=" + clientId))
                    .header("x-introspect-realm", Brand.PEUGEOT.realm()).header("Authorization", "Bearer " + token)
                    .method(method, publisher);
            if (!body.isEmpty()) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }

    // ---- the platform node

    private final class Node {
        final int port;
        Process process;
        long pid;
        double lastStartSeconds;
        private long startedAt;

        Node(int port) {
            this.port = port;
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            // The restart is what this run is about: the JVM's quick compiler starts sooner on two busy cores.
            command.addAll(List.of(options.getOrDefault("node-java-opts",
                    "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").split(" ")));
            command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=postgres,mqtt",
                    "--server.port=" + port, "--spring.datasource.url=" + dbUrl(),
                    "--spring.datasource.hikari.maximum-pool-size=8", "--spring.main.banner-mode=off",
                    "--logging.level.root=WARN", "--odomo.operator.password=" + SECRET,
                    "--odomo.mqtt.topic-prefix=" + topicPrefix,
                    // Stable: the restarted node resumes its broker session and the answers it holds.
                    "--odomo.mqtt.client-id-prefix=remote-kill-" + runId + "-n0",
                    "--odomo.mqtt.session-expiry=PT10M", "--odomo.mqtt.vehicle-accounts=none",
                    "--odomo.remotes.answer-timeout=" + timeout,
                    // The receiver is a plain-HTTP loopback target, which production refuses.
                    "--odomo.callbacks.local-targets=loopback", "--odomo.delivery.allow-private-targets=true",
                    "--odomo.delivery.allow-insecure-schemes=true"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("node.log").toFile()));
            pb.environment().put("ODOMO_MQTT_VEHICLE_ACCOUNTS", "none");
            startedAt = System.nanoTime();
            process = pb.start();
            pid = process.pid();
        }

        void awaitReady() throws InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node exited with " + process.exitValue() + "; see "
                            + out.resolve("node.log"));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        lastStartSeconds = (System.nanoTime() - startedAt) / 1e9;
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("node did not start within 300 s");
        }

        void kill() throws IOException, InterruptedException {
            // SIGKILL, as kill -9: no shutdown hook, no graceful close of anything.
            new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
            process.waitFor();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    // ---- helpers

    private long single(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl(), "postgres", "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void log(String format, Object... args) {
        System.out.printf("BENCH %6.1f s  %s%n", (System.nanoTime() - started) / 1e9, String.format(format, args));
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return value;
    }
}
