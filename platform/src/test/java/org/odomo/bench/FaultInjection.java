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
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.odomo.OdomoApplication;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.transport.MqttProperties;
import org.odomo.transport.MqttVehicleTransport;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
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
 * Fault injection on PostgreSQL and Mosquitto: platform nodes run as separate processes of the
 * runnable jar ({@code postgres,mqtt} profiles), some are killed with {@code kill -9} and started
 * again while vehicles publish through the broker, and the webhook receiver the monitors notify is
 * down part of the time (it answers 503, then refuses connections). This process is never killed:
 * it is the fleet, the receiver and the referee.
 *
 * <p>Every car has a running monitor, {@code vehicle.energy.electric.level lowerThan 50}, and its
 * messages alternate between 60 and 40 %, so that every other message is a rising edge. After the
 * run has drained, the expected notifications are computed offline from what the database holds:
 * the vehicle event log in log order, with the stored message bodies, evaluated as the monitor's
 * edge rule says (an event measured no later than the vehicle's last sample neither fires nor
 * moves the sample), one notification per (monitor, firing event time). The receiver's log, keyed
 * the same way after de-duplication by {@code notificationId}, must equal it; the copies of one
 * notification id beyond the first are the duplicates.
 *
 * <p>Usage: {@code FaultInjection --db=NAME --jar=PATH --out=DIR [--nodes=1] [--kills=0]
 * [--seconds=150] [--cars=60] [--period-ms=2000] [--drain-seconds=240] [--lease=PT30S]
 * [--node-java-opts="..."]}. Prints {@code RESULT}
 * lines; exits 1 when a message or a notification was lost, or when the duplicates exceed the
 * allowance ({@code --max-duplicate-ratio}, 0.001, which a run with kills may exceed by design).
 */
public final class FaultInjection {

    private static final String SECRET = "fault-injection-secret";
    private static final String PASSWORD = "fault-injection-password";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> options = new HashMap<>();
    private final String db;
    private final Path jar;
    private final Path out;
    private final int nodeCount;
    private final int kills;
    private final int seconds;
    private final int carCount;
    private final int periodMillis;
    private final int drainSeconds;
    private final double maxDuplicateRatio;
    private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final String topicPrefix = "odomo-faults-" + runId + "/v1";
    private final long started = System.nanoTime();

    private FaultInjection(String[] args) {
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        db = required("db");
        jar = Path.of(required("jar"));
        out = Path.of(required("out"));
        nodeCount = option("nodes", 1);
        kills = option("kills", 0);
        seconds = option("seconds", 150);
        carCount = option("cars", 60);
        periodMillis = option("period-ms", 2000);
        drainSeconds = option("drain-seconds", 240);
        maxDuplicateRatio = Double.parseDouble(options.getOrDefault("max-duplicate-ratio", "0.001"));
    }

    public static void main(String[] args) throws Exception {
        FaultInjection run = new FaultInjection(args);
        boolean clean = run.run();
        System.exit(clean ? 0 : 1);
    }

    private String dbUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + db;
    }

    // ---- the run

    record Car(String vin, String credential, String monitorId) {
    }

    private boolean run() throws Exception {
        Files.createDirectories(out);
        Receiver receiver = new Receiver(freePort());
        receiver.up();
        List<Car> cars = setUp(receiver.port);
        log("%d cars, each with a running monitor notifying http://127.0.0.1:%d/hook", cars.size(), receiver.port);

        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new Node(i, freePort()));
        }
        for (Node n : nodes) {
            n.start();
        }
        for (Node n : nodes) {
            n.awaitReady();
        }
        log("%d node(s) up", nodes.size());

        MqttProperties vehicleSide = new MqttProperties("127.0.0.1", 1883, topicPrefix, 1, "faults-" + runId + "-fleet",
                null, null, Duration.ofMinutes(10), 0, 2);
        Fleet fleet;
        try (MqttVehicleTransport transport = new MqttVehicleTransport(vehicleSide)) {
            fleet = new Fleet(transport, cars);
            long t0 = System.nanoTime();
            Thread traffic = new Thread(fleet::run, "fleet");
            traffic.setDaemon(true);
            traffic.start();
            Thread flapping = new Thread(() -> receiver.flap(t0), "receiver-flaps");
            flapping.setDaemon(true);
            flapping.start();

            // Kills spread over the run, each at least a few seconds after the node came back, so
            // that every one of them lands on a node that is consuming and delivering.
            long lastKill = 0;
            for (int k = 1; k <= kills; k++) {
                Node victim = nodes.get((k - 1) % nodes.size());
                long due = t0 + TimeUnit.SECONDS.toNanos((long) seconds * k / (kills + 1));
                long earliest = victim.readyAt + TimeUnit.SECONDS.toNanos(8);
                sleepUntil(Math.max(due, earliest));
                String inFlight = inFlight(fleet.acknowledged.size());
                victim.kill();
                log("kill -9 number %d: node %d (pid %d) at %.0f s of traffic; just before: %s", k, victim.index,
                        victim.pid, (System.nanoTime() - t0) / 1e9, inFlight);
                victim.start();
                victim.awaitReady();
                lastKill = System.nanoTime();
                log("node %d answering again %.1f s after its start", victim.index, victim.lastStartSeconds);
            }
            // Traffic goes on for a while after the last restart: the restarted node must take it in too.
            sleepUntil(Math.max(t0 + TimeUnit.SECONDS.toNanos(seconds), lastKill + TimeUnit.SECONDS.toNanos(15)));
            fleet.stop();
            traffic.join();
            receiver.steady();
            flapping.interrupt();
            log("traffic stopped after %.0f s: %d messages sent (%d refused by the broker)",
                    (System.nanoTime() - t0) / 1e9, fleet.acknowledged.size(), fleet.failed.sum());

            boolean drained = drain(fleet.acknowledged.size(), receiver);
            log("drained: %s", drained);
        }
        // What each node did since its last start: that every node took a share is what makes a
        // multi-node run one.
        List<String> shares = new ArrayList<>();
        for (Node n : nodes) {
            shares.add(n.meter("odomo.ingest.messages", "outcome:stored") + ":" + n.meter("odomo.delivery.delivered", null));
        }
        for (Node n : nodes) {
            n.stop();
        }
        receiver.down();
        return verify(cars, fleet, receiver, String.join(",", shares));
    }

    // ---- set-up: accounts, vehicles, app, enrollment, callback, monitors

    /**
     * Set up on a platform context of this process (postgres profile, no broker), closed before
     * the nodes start: it also creates the schema.
     */
    private List<Car> setUp(int receiverPort) throws Exception {
        List<String> args = List.of("--spring.datasource.url=" + dbUrl(), "--server.port=0",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--odomo.callbacks.local-targets=loopback",
                "--odomo.delivery.allow-private-targets=true", "--odomo.delivery.allow-insecure-schemes=true",
                "--odomo.events.retention-interval=PT1H");
        List<Car> cars = new ArrayList<>();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class)
                .profiles("postgres").run(args.toArray(String[]::new))) {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            App app = context.getBean(AppRegistry.class).ensureRegistered(new AppRegistration("Fault injection",
                    "Watches cars", "Odomo", "faults@example.com", 1_000_000L, "fault-injection", Scopes.ALL,
                    List.of(Enrollment.REDIRECT), "unlimited"), "fault-injection-client", SECRET);
            Account user = context.getBean(AccountManagement.class).create(Brand.PEUGEOT, "faults@example.com",
                    PASSWORD, "Fault", "Injection");
            String token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), user.email(),
                    PASSWORD, List.copyOf(Scopes.DATA), false).accessToken();
            B2c api = new B2c(port, app.clientId(), token);
            String callbackId = api.call("POST", "/user/callbacks", "{\"label\": \"fault receiver\", \"type\":"
                    + " [\"Monitor\"], \"callback\": {\"webhook\": {\"name\": \"hook\", \"target\":"
                    + " \"http://127.0.0.1:" + receiverPort + "/hook\"}}}", 200).path("callbackId").stringValue();
            VehicleRegistry registry = context.getBean(VehicleRegistry.class);
            for (int i = 0; i < carCount; i++) {
                RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, "P-E208",
                        user.id(), PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
                String monitorId = api.call("POST", "/user/vehicles/" + v.vehicle().apiId() + "/callbacks/"
                        + callbackId + "/monitors", "{\"label\": \"Low battery\", \"attributes\": [{\"type\": \"Body\","
                        + " \"key\": \"vin\", \"value\": \"$Vin\"}, {\"type\": \"Body\", \"key\": \"monitor\", \"value\":"
                        + " \"$MonitorID\"}], \"triggerParam\": {\"triggers\": [{\"name\": \"low\", \"data\": {\"data\":"
                        + " \"vehicle.energy.electric.level\", \"op\": \"lowerThan\", \"value\": [\"50\"]}}],"
                        + " \"boolExp\": \"low\"}}", 202).path("monitorId").stringValue();
                cars.add(new Car(v.vehicle().vin(), v.credential(), monitorId));
            }
        }
        return cars;
    }

    /** The B2C API of the set-up context, as the enrolled app. */
    private record B2c(int port, String clientId, String token) {
        JsonNode call(String method, String path, String body, int expected) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/connectedcar/v4"
                    + path + "?client_id=" + clientId)).header("x-introspect-realm", Brand.PEUGEOT.realm())
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }

    // ---- the platform nodes

    private final class Node {
        final int index;
        final int port;
        Process process;
        long pid;
        volatile long readyAt;
        double lastStartSeconds;
        private long startedAt;

        Node(int index, int port) {
            this.index = index;
            this.port = port;
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            // Restarts are what this run is about: the JVM's quick compiler starts sooner on two busy cores.
            command.addAll(List.of(options.getOrDefault("node-java-opts",
                    "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").split(" ")));
            command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=postgres,mqtt",
                    "--server.port=" + port, "--spring.datasource.url=" + dbUrl(),
                    "--spring.datasource.hikari.maximum-pool-size=8", "--spring.main.banner-mode=off",
                    "--logging.level.root=WARN", "--odomo.operator.password=" + SECRET,
                    "--odomo.mqtt.topic-prefix=" + topicPrefix,
                    // Stable per node: a restarted node resumes its broker sessions and what they hold.
                    "--odomo.mqtt.client-id-prefix=faults-" + runId + "-n" + index,
                    "--odomo.mqtt.session-expiry=PT10M", "--odomo.mqtt.vehicle-accounts=none",
                    // The receiver is a plain-HTTP loopback target, which production refuses.
                    "--odomo.callbacks.local-targets=loopback", "--odomo.delivery.allow-private-targets=true",
                    "--odomo.delivery.allow-insecure-schemes=true",
                    // A stream left leased by a killed node is taken over after this (the default is 2 min).
                    "--odomo.delivery.lease=" + options.getOrDefault("lease", "PT30S"),
                    // The offline replay reads the event log: nothing of it is deleted during the run.
                    "--odomo.events.retention-interval=PT1H"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("node-" + index + ".log").toFile()));
            pb.environment().put("ODOMO_MQTT_VEHICLE_ACCOUNTS", "none");
            readyAt = Long.MAX_VALUE;
            startedAt = System.nanoTime();
            process = pb.start();
            pid = process.pid();
        }

        void awaitReady() throws InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node " + index + " exited with " + process.exitValue()
                            + "; see " + out.resolve("node-" + index + ".log"));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        readyAt = System.nanoTime();
                        lastStartSeconds = (readyAt - startedAt) / 1e9;
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("node " + index + " did not start within 300 s");
        }

        void kill() throws IOException, InterruptedException {
            // SIGKILL, as kill -9: no shutdown hook, no graceful close of anything.
            Process k = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
            k.waitFor();
            process.waitFor();
        }

        /** A counter of the node's meters, read through the operator's actuator endpoint. */
        long meter(String name, String tag) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag)))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                ("operator:" + SECRET).getBytes(StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? JSON.readTree(r.body()).at("/measurements/0/value").asLong() : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    // ---- the fleet

    private final class Fleet {
        final List<VehicleLink> links = new ArrayList<>();
        final List<Car> cars;
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final LongAdder failed = new LongAdder();
        final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        volatile boolean running = true;

        Fleet(MqttVehicleTransport transport, List<Car> cars) {
            this.cars = cars;
            cars.forEach(c -> links.add(transport.connect(c.vin(), bytes -> { })));
        }

        /** Each car sends its next sample every period, the cars spread over the period. */
        void run() {
            long round = 0;
            long next = System.nanoTime();
            while (running) {
                for (int i = 0; i < cars.size() && running; i++) {
                    next += TimeUnit.MILLISECONDS.toNanos(periodMillis) / cars.size();
                    sleepUntil(next);
                    Car car = cars.get(i);
                    String id = "m" + round;
                    // Measured one second apart per car, an hour ago onwards: well within every lifetime.
                    Instant at = base.plusSeconds(round);
                    double level = round % 2 == 0 ? 60 : 40;
                    byte[] body = TestVehicles.bytes(TestVehicles.telemetry(car.vin(), car.credential(), id, at,
                            2.35 + round * 1e-4, 48.85, level, 1000 + round));
                    String key = car.vin() + "/" + id;
                    links.get(i).send(MessageType.TELEMETRY, body).whenComplete((ok, error) -> {
                        if (error == null) {
                            acknowledged.add(key);
                        } else {
                            failed.increment();
                        }
                    });
                }
                round++;
            }
        }

        void stop() {
            running = false;
        }
    }

    // ---- the receiver

    /** One notification as received: its id and its key (monitor, event time in epoch seconds). */
    record Received(String notificationId, String monitorId, long date) {
    }

    private final class Receiver {
        final int port;
        final List<Received> received = new CopyOnWriteArrayList<>();
        final LongAdder requests = new LongAdder();
        final LongAdder refusedWith503 = new LongAdder();
        volatile boolean answer503;
        volatile boolean flapping = true;
        HttpServer server;

        Receiver(int port) {
            this.port = port;
        }

        synchronized void up() throws IOException {
            if (server != null) {
                return;
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", exchange -> {
                requests.increment();
                byte[] bytes;
                try (InputStream in = exchange.getRequestBody()) {
                    bytes = in.readAllBytes();
                }
                if (answer503) {
                    refusedWith503.increment();
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                    return;
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                // Counted once answered: a message whose answer never left was not received.
                JsonNode body = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
                for (JsonNode m : body.isArray() ? body : List.of(body)) {
                    received.add(new Received(m.path("notificationId").stringValue(),
                            m.at("/monitorEvent/monitorId").stringValue(), epochSecond(m.path("date").stringValue())));
                }
            });
            server.start();
        }

        synchronized void down() {
            if (server != null) {
                // Connections refused from now on; the executor's threads go with it.
                server.stop(0);
                ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
                server = null;
            }
        }

        /** Cycles of 30 s: answering 200 for 16 s, 503 for 7 s, refusing connections for 7 s. */
        void flap(long t0) {
            try {
                while (flapping && !Thread.currentThread().isInterrupted()) {
                    up();
                    answer503 = false;
                    Thread.sleep(16_000);
                    if (!flapping) {
                        return;
                    }
                    answer503 = true;
                    log("receiver answers 503 (%.0f s)", (System.nanoTime() - t0) / 1e9);
                    Thread.sleep(7_000);
                    if (!flapping) {
                        return;
                    }
                    answer503 = false;
                    down();
                    log("receiver refuses connections (%.0f s)", (System.nanoTime() - t0) / 1e9);
                    Thread.sleep(7_000);
                    if (!flapping) {
                        return;
                    }
                    log("receiver up (%.0f s)", (System.nanoTime() - t0) / 1e9);
                }
            } catch (InterruptedException e) {
                // The run is over.
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Up and answering 200 until the end. */
        void steady() throws IOException {
            flapping = false;
            answer503 = false;
            up();
        }
    }

    private static long epochSecond(String date) {
        if (date == null) {
            return -1;
        }
        return OffsetDateTime.parse(date).toInstant().getEpochSecond();
    }

    // ---- drain and verification

    /**
     * Waits until every message sent is stored, every consumer has handled the whole log and every
     * notification is delivered or dropped: what is still undone then is what the run lost.
     */
    private boolean drain(long sent, Receiver receiver) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(dbUrl(), "postgres", "")) {
                long stored = single(c, "SELECT COUNT(*) FROM vehicle_message");
                long behind = single(c, "SELECT COUNT(*) FROM event_cursor c JOIN event_partition p ON p.part = c.part"
                        + " WHERE c.pos < p.head");
                long open = single(c, "SELECT COUNT(*) FROM delivery_notification WHERE completed_at IS NULL");
                String now = "stored " + stored + "/" + sent + ", consumer partitions behind " + behind
                        + ", notifications not yet delivered " + open + ", received " + receiver.received.size();
                if (!now.equals(last)) {
                    log("drain: %s", now);
                    last = now;
                }
                if (stored >= sent && behind == 0 && open == 0) {
                    return true;
                }
            }
            Thread.sleep(2000);
        }
        return false;
    }

    /** What was under way just before a kill: that it was not nothing is what makes the kill count. */
    private String inFlight(long sent) {
        try (Connection c = DriverManager.getConnection(dbUrl(), "postgres", "")) {
            return "messages sent and not stored " + (sent - single(c, "SELECT COUNT(*) FROM vehicle_message"))
                    + ", notifications not delivered " + single(c,
                            "SELECT COUNT(*) FROM delivery_notification WHERE completed_at IS NULL")
                    + ", streams leased " + single(c, "SELECT COUNT(*) FROM delivery_stream WHERE lease_owner IS NOT NULL");
        } catch (SQLException e) {
            return "(not read: " + e + ")";
        }
    }

    private boolean verify(List<Car> cars, Fleet fleet, Receiver receiver, String shares) throws Exception {
        Map<String, String> monitorOf = new HashMap<>();
        cars.forEach(c -> monitorOf.put(c.vin(), c.monitorId()));
        Set<String> storedMessages = new HashSet<>();
        long eventRows;
        long distinctEvents;
        Set<String> expected = new HashSet<>();
        Set<String> raised = new HashSet<>();
        long notificationRows;
        long late = 0;
        // The vehicles' own history: each car's stored samples in the order they were measured.
        Map<String, java.util.TreeMap<Instant, Boolean>> measured = new HashMap<>();
        Map<String, Long> outcomes = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(dbUrl(), "postgres", ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT vin, msg_id FROM vehicle_message")) {
                while (rs.next()) {
                    storedMessages.add(rs.getString(1).trim() + "/" + rs.getString(2));
                }
            }
            eventRows = single(c, "SELECT COUNT(*) FROM vehicle_event WHERE type = 'data-received'");
            distinctEvents = single(c, "SELECT COUNT(*) FROM (SELECT DISTINCT vin, msg_id FROM vehicle_event"
                    + " WHERE type = 'data-received') d");
            // The offline replay: the log in its order (a vehicle's events are all in one partition),
            // each event's data from its stored message, the monitor's rule applied to it.
            Map<String, Instant> lastSample = new HashMap<>();
            Map<String, Boolean> satisfied = new HashMap<>();
            try (ResultSet rs = s.executeQuery("""
                    SELECT e.vin, e.measured_at, m.body FROM vehicle_event e
                    JOIN vehicle_message m ON m.vin = e.vin AND m.msg_id = e.msg_id
                    WHERE e.type = 'data-received' ORDER BY e.part, e.pos""")) {
                while (rs.next()) {
                    String vin = rs.getString(1).trim();
                    Instant at = rs.getObject(2, OffsetDateTime.class).toInstant();
                    JsonNode level = JSON.readTree(rs.getString(3)).at("/data/energies/0/level");
                    boolean low = level.isNumber() && level.doubleValue() < 50;
                    measured.computeIfAbsent(vin, v -> new java.util.TreeMap<>()).put(at, low);
                    Instant previous = lastSample.get(vin);
                    if (previous != null && !at.isAfter(previous)) {
                        late++;
                        continue;
                    }
                    lastSample.put(vin, at);
                    boolean was = satisfied.getOrDefault(vin, false);
                    if (low && !was) {
                        expected.add(monitorOf.get(vin) + "@" + at.getEpochSecond());
                    }
                    satisfied.put(vin, low);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT stream_key, event_time FROM delivery_notification")) {
                while (rs.next()) {
                    raised.add(rs.getString(1) + "@" + rs.getObject(2, OffsetDateTime.class).toInstant().getEpochSecond());
                }
            }
            notificationRows = single(c, "SELECT COUNT(*) FROM delivery_notification");
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(outcome, 'WAITING') || COALESCE(':' || drop_reason, ''),"
                    + " COUNT(*) FROM delivery_notification GROUP BY 1 ORDER BY 1")) {
                while (rs.next()) {
                    outcomes.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        // The edges of the measured history: what a monitor would notify if every message had been
        // taken in in the order it was measured. Those missing from the expected set belong to
        // late events, which the rule withholds.
        Set<String> measuredEdges = new HashSet<>();
        measured.forEach((vin, samples) -> {
            boolean was = false;
            for (Map.Entry<Instant, Boolean> e : samples.entrySet()) {
                if (e.getValue() && !was) {
                    measuredEdges.add(monitorOf.get(vin) + "@" + e.getKey().getEpochSecond());
                }
                was = e.getValue();
            }
        });
        long withheld = measuredEdges.stream().filter(k -> !expected.contains(k)).count();
        Set<String> sent = fleet.acknowledged;
        long messagesLost = sent.stream().filter(k -> !storedMessages.contains(k)).count();

        Map<String, Long> copies = new HashMap<>();
        Set<String> receivedKeys = new HashSet<>();
        Map<String, Set<String>> idsPerKey = new HashMap<>();
        for (Received r : receiver.received) {
            copies.merge(r.notificationId(), 1L, Long::sum);
            String key = r.monitorId() + "@" + r.date();
            receivedKeys.add(key);
            idsPerKey.computeIfAbsent(key, k -> new HashSet<>()).add(r.notificationId());
        }
        long duplicates = receiver.received.size() - copies.size();
        long lost = expected.stream().filter(k -> !receivedKeys.contains(k)).count();
        long unexpected = receivedKeys.stream().filter(k -> !expected.contains(k)).count();
        long keysWithSeveralIds = idsPerKey.values().stream().filter(ids -> ids.size() > 1).count();
        long raisedMissing = expected.stream().filter(k -> !raised.contains(k)).count();
        double duplicateRatio = expected.isEmpty() ? 0 : (double) duplicates / expected.size();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("nodes", nodeCount);
        result.put("kills", kills);
        result.put("cars", cars.size());
        result.put("messages_sent", sent.size());
        result.put("messages_refused_by_broker", fleet.failed.sum());
        result.put("messages_stored", storedMessages.size());
        result.put("messages_lost", messagesLost);
        result.put("events", eventRows);
        result.put("events_distinct", distinctEvents);
        // Events the log holds after a later one of the same car (redelivered, or taken in by
        // another node first): the rule says they fire nothing, and the replay applies it.
        result.put("events_late", late);
        result.put("edges_in_measured_order", measuredEdges.size());
        result.put("edges_withheld_as_late", withheld);
        result.put("notifications_expected", expected.size());
        result.put("notifications_raised", notificationRows);
        result.put("raised_missing", raisedMissing);
        result.put("received_messages", receiver.received.size());
        result.put("received_distinct", copies.size());
        result.put("duplicates", duplicates);
        result.put("duplicate_pct", String.format("%.3f", 100 * duplicateRatio));
        result.put("lost", lost);
        result.put("unexpected", unexpected);
        result.put("keys_with_several_ids", keysWithSeveralIds);
        result.put("receiver_requests", receiver.requests.sum());
        result.put("receiver_503", receiver.refusedWith503.sum());
        result.put("outcomes", outcomes.toString().replace(" ", ""));
        result.put("stored:delivered_per_node_since_last_start", shares);
        boolean clean = messagesLost == 0 && eventRows == storedMessages.size() && distinctEvents == eventRows
                && lost == 0 && unexpected == 0 && keysWithSeveralIds == 0 && duplicateRatio <= maxDuplicateRatio;
        result.put("clean", clean);
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        Files.writeString(out.resolve("result.txt"), line + "\n");
        return clean;
    }

    // ---- helpers

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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

    private int option(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }
}
