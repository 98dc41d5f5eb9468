package org.odomo.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.odomo.OdomoApplication;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.support.Services;
import org.odomo.transport.MqttIngestAdapter;
import org.odomo.transport.MqttProperties;
import org.odomo.transport.MqttVehicleTransport;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The project's load generator. One scenario per run, printed as a {@code RESULT} line:
 * <ul>
 * <li>{@code inprocess-h2}: vehicles in the platform's JVM, through the in-process transport, into
 * the embedded file-backed H2 database;</li>
 * <li>{@code mqtt-postgres}: vehicles publishing through Mosquitto (the MQTT vehicle side), the
 * platform consuming the shared subscription into PostgreSQL;</li>
 * <li>{@code mosquitto}: the broker alone, same payloads, same connections, QoS 1 both ways,
 * each message acknowledged on arrival: the ceiling for {@code mqtt-postgres}.</li>
 * </ul>
 * The load is closed-loop: at most {@code --window} messages are sent and not yet acknowledged by
 * the platform (Mosquitto's default queue limit would drop what goes beyond). The rate is that
 * of messages acknowledged and stored during the measurement window, after a warm-up; rows are
 * counted afterwards to check that every message sent was stored, once. The rate is also sampled
 * per 5-second slice of the window ({@code slowest_5s}, {@code fastest_5s}). The process exits 1
 * when that check fails ({@code verified=false}).
 *
 * <p>With {@code --monitors=N} ({@code inprocess-h2} only), each vehicle gets N of
 * {@link BenchMonitors}' monitors before the load starts, and the run also reports what the
 * monitors consumer of the event log did: its CPU per event, evaluations, edge changes, row writes,
 * how far behind the log it was at the end of the window, and the heap its parsed definitions take.
 * With {@code --fleet-monitors=N} instead, the vehicles are put in fleets of {@value #FLEET_SIZE}
 * and each fleet gets N fleet monitors ({@link BenchMonitors#quiet}: the same kinds of triggers,
 * none of which ever changes, with a webhook): N evaluations a message as well, through the fleet
 * monitors' path (membership, the fleet's monitor list, per-vehicle edges); the same figures.
 * With {@code --follow-log=true} ({@code inprocess-h2} only) the load is also held back while the
 * event log's consumers are more than {@code --window} events behind.
 *
 * <p>Usage: {@code IngestBenchmark <scenario> [--vehicles=10000] [--warmup=10] [--seconds=30]
 * [--window=4000] [--generators=2] [--monitors=0]}, plus any {@code --odomo.*} setting for the
 * platform.
 */
public final class IngestBenchmark {

    private final Map<String, String> options;
    private final int vehicles;
    private final int warmup;
    private final int seconds;
    private final int window;
    private final int generators;
    private final int monitors;
    private final int fleetMonitors;
    private final boolean followLog;
    private final List<String> platformArgs = new ArrayList<>();

    private IngestBenchmark(String[] args) {
        options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].replaceFirst("^--", "").split("=", 2);
            if (kv[0].startsWith("odomo.") || kv[0].startsWith("spring.")) {
                platformArgs.add(args[i]);
            } else {
                options.put(kv[0], kv.length > 1 ? kv[1] : "true");
            }
        }
        vehicles = option("vehicles", 10_000);
        warmup = option("warmup", 10);
        seconds = option("seconds", 30);
        window = option("window", 4_000);
        generators = option("generators", 2);
        monitors = option("monitors", 0);
        fleetMonitors = option("fleet-monitors", 0);
        followLog = Boolean.parseBoolean(options.getOrDefault("follow-log", "false"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: IngestBenchmark <inprocess-h2|mqtt-postgres|mosquitto> [--vehicles=N] "
                    + "[--warmup=S] [--seconds=S] [--window=N] [--generators=N] [--odomo.key=value ...]");
            System.exit(2);
        }
        IngestBenchmark bench = new IngestBenchmark(args);
        Map<String, Object> result = switch (args[0]) {
            case "inprocess-h2" -> bench.inProcessH2();
            case "mqtt-postgres" -> bench.mqttPostgres();
            case "mosquitto" -> bench.mosquitto();
            case "h2-writes" -> bench.h2Writes();
            default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
        };
        StringBuilder line = new StringBuilder("RESULT scenario=").append(args[0]);
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        // A run whose messages were not all stored exactly once measured nothing worth a rate.
        System.exit(Boolean.TRUE.equals(result.get("verified")) ? 0 : 1);
    }

    private interface OnPlatform {
        Map<String, Object> run(ConfigurableApplicationContext platform) throws Exception;
    }

    /** Runs a scenario on the platform started on a fresh embedded database, deleted after. */
    private Map<String, Object> onEmbeddedPlatform(OnPlatform scenario) throws Exception {
        Path dataDir = Path.of("target", "bench-data", "h2-" + System.currentTimeMillis());
        List<String> args = new ArrayList<>(List.of("--odomo.data-dir=" + dataDir.toAbsolutePath(),
                "--odomo.transport=in-process", "--logging.level.org.odomo=WARN"));
        args.addAll(platformArgs);
        try (ConfigurableApplicationContext platform = new SpringApplicationBuilder(OdomoApplication.class)
                .web(WebApplicationType.NONE).run(args.toArray(String[]::new))) {
            return scenario.run(platform);
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private Map<String, Object> inProcessH2() throws Exception {
        return onEmbeddedPlatform(platform -> {
            BenchFleet fleet = register(platform.getBean(VehicleRegistry.class));
            declareMonitors(platform, fleet);
            declareFleetMonitors(platform, fleet);
            MonitorCounters before = new MonitorCounters(platform);
            VehicleTransport transport = platform.getBean(VehicleTransport.class);
            VehicleLink[] links = connect(transport, fleet);
            LongAdder completed = new LongAdder();
            LongAdder failed = new LongAdder();
            Load load = new Load(fleet, completed::sum, sequence -> links[(int) (sequence % links.length)]
                    .send(MessageType.TELEMETRY, fleet.message(sequence)).whenComplete((ok, error) -> {
                        if (error != null) {
                            failed.increment();
                        }
                        completed.increment();
                    }));
            if (followLog) {
                JdbcTemplate jdbc = platform.getBean(JdbcTemplate.class);
                load.followLog(() -> {
                    Long behind = jdbc.queryForObject("""
                            SELECT COALESCE(SUM(p.head - c.pos), 0) FROM event_cursor c
                            JOIN event_partition p ON p.part = c.part WHERE c.pos < p.head""", Long.class);
                    return behind == null ? 0 : behind;
                });
            }
            LongSupplier stored = storedCounter(platform);
            MonitorCounters[] window = new MonitorCounters[2];
            Map<String, Object> result = measure(load, stored, () -> window[0] = new MonitorCounters(platform),
                    () -> window[1] = new MonitorCounters(platform));
            drain(load, completed::sum);
            result.putAll(verify(platform, load, stored, failed.sum()));
            if (monitors > 0 || fleetMonitors > 0) {
                result.putAll(monitorFigures(platform, window[0], window[1], Math.max(1, (long) result.get("counted"))));
                long t0 = System.nanoTime();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
                var log = platform.getBean(org.odomo.events.VehicleEventLog.class);
                while (!log.caughtUp() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                result.put("monitors_caught_up", log.caughtUp());
                result.put("monitors_catch_up_s", String.format("%.1f", (System.nanoTime() - t0) / 1e9));
                MonitorCounters after = new MonitorCounters(platform);
                // Over the whole run, once the consumer has handled every message sent: per message.
                double sent = Math.max(1, load.sent());
                result.put("run_events_per_msg", String.format("%.2f", (after.events - before.events) / sent));
                result.put("run_evaluations_per_msg", String.format("%.1f", (after.evaluations - before.evaluations) / sent));
                result.put("run_monitor_cpu_us_per_msg", Math.round((after.cpuSeconds - before.cpuSeconds) * 1e6 / sent));
                result.put("run_extra_rows_per_msg", String.format("%.3f", (after.edgeWrites - before.edgeWrites
                        + after.sampleWrites - before.sampleWrites + 2 * (after.notifications - before.notifications))
                        / sent));
                result.put("run_evaluations", Math.round(after.evaluations - before.evaluations));
                result.put("run_edge_change_pct", String.format("%.2f", 100 * (after.edgeWrites - before.edgeWrites)
                        / Math.max(1, after.evaluations - before.evaluations)));
                result.put("run_notifications", Math.round(after.notifications - before.notifications));
                if (monitors > 0) {
                    result.putAll(indexHeap(platform));
                }
            }
            return result;
        });
    }

    /** The monitors consumer's counters at one time, and how far behind the log's head it is. */
    private static final class MonitorCounters {
        final double events;
        final double evaluations;
        final double edgeWrites;
        final double sampleWrites;
        final double notifications;
        final double cpuSeconds;
        final long lag;

        MonitorCounters(ConfigurableApplicationContext platform) {
            MeterRegistry meters = platform.getBean(MeterRegistry.class);
            events = count(meters, "odomo.monitors.events");
            evaluations = count(meters, "odomo.monitors.evaluations") + count(meters, "odomo.monitors.fleet.evaluations");
            edgeWrites = meters.find("odomo.monitors.writes").tag("table", "b2c_monitor_edge").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            sampleWrites = meters.find("odomo.monitors.writes").tag("table", "b2c_monitor_sample").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            notifications = count(meters, "odomo.monitors.notifications")
                    + count(meters, "odomo.monitors.fleet.notifications");
            cpuSeconds = count(meters, "odomo.monitors.consumer.cpu");
            Long behind = platform.getBean(JdbcTemplate.class).queryForObject("""
                    SELECT COALESCE(SUM(p.head - c.pos), 0) FROM event_cursor c JOIN event_partition p ON p.part = c.part
                    WHERE c.consumer = 'monitors' AND c.pos < p.head""", Long.class);
            lag = behind == null ? 0 : behind;
        }

        private static double count(MeterRegistry meters, String name) {
            return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
        }
    }

    /** What the monitors consumer did during the measurement window, per message stored in it. */
    private Map<String, Object> monitorFigures(ConfigurableApplicationContext platform, MonitorCounters w0,
            MonitorCounters w1, long messages) {
        Map<String, Object> r = new LinkedHashMap<>();
        double events = w1.events - w0.events;
        double evaluations = w1.evaluations - w0.evaluations;
        double edges = w1.edgeWrites - w0.edgeWrites;
        double samples = w1.sampleWrites - w0.sampleWrites;
        // A notification writes its outbox row and its stream's row.
        double notificationRows = 2 * (w1.notifications - w0.notifications);
        r.put("monitors_per_vehicle", monitors);
        r.put("fleet_monitors_per_fleet", fleetMonitors);
        r.put("monitor_events", Math.round(events));
        r.put("monitor_events_per_msg", String.format("%.2f", events / messages));
        r.put("monitor_lag_start", w0.lag);
        r.put("monitor_lag_end", w1.lag);
        r.put("evaluations", Math.round(evaluations));
        r.put("edge_change_pct", String.format("%.2f", 100 * edges / Math.max(1, evaluations)));
        r.put("monitor_cpu_us_per_event", events > 0 ? Math.round((w1.cpuSeconds - w0.cpuSeconds) * 1e6 / events) : 0);
        r.put("monitor_cpu_us_per_evaluation", evaluations > 0
                ? String.format("%.1f", (w1.cpuSeconds - w0.cpuSeconds) * 1e6 / evaluations) : "-");
        r.put("extra_rows_per_event", events > 0 ? String.format("%.3f", (edges + samples + notificationRows) / events)
                : "-");
        r.put("edge_rows_per_event", events > 0 ? String.format("%.3f", edges / events) : "-");
        r.put("sample_rows_per_event", events > 0 ? String.format("%.3f", samples / events) : "-");
        r.put("notification_rows_per_event", events > 0 ? String.format("%.4f", notificationRows / events) : "-");
        return r;
    }

    /**
     * The heap the monitors' parsed definitions take (the only thing about monitors a node keeps in
     * memory), measured on every monitor of the run rather than on the bounded cache, so that it
     * stands out of the noise of a running platform: the heap used after full collections while
     * holding them all (with a cache key each, as the engine keeps them), less before. Also how
     * many the engine's cache holds.
     */
    private static Map<String, Object> indexHeap(ConfigurableApplicationContext platform) throws Exception {
        Object engine = platform.getBean("monitorEngine");
        java.lang.reflect.Field field = engine.getClass().getDeclaredField("definitions");
        field.setAccessible(true);
        var cache = (com.github.benmanes.caffeine.cache.Cache<?, ?>) field.get(engine);
        cache.cleanUp();
        java.lang.reflect.Method parse = engine.getClass().getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        List<String[]> stored = new ArrayList<>();
        platform.getBean(JdbcTemplate.class).query("SELECT id, updated_at, definition FROM b2c_monitor", rs -> {
            stored.add(new String[] {rs.getString(1), rs.getTimestamp(2).toInstant().toString(), rs.getString(3)});
        });
        long before = usedAfterGc();
        Map<String, Object> held = new HashMap<>(stored.size() * 2);
        for (String[] m : stored) {
            held.put(m[0] + "@" + m[1], parse.invoke(null, m[2]));
        }
        stored.clear();
        long after = usedAfterGc();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("index_cached_entries", cache.estimatedSize());
        r.put("index_monitors", held.size());
        r.put("index_heap_mb", String.format("%.1f", (after - before) / 1048576.0));
        r.put("index_bytes_per_monitor", held.isEmpty() ? 0 : (after - before) / held.size());
        held.clear();
        return r;
    }

    private static long usedAfterGc() throws InterruptedException {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // The least of a few full collections: the platform's threads keep allocating meanwhile.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * Declares {@link #monitors} monitors on every vehicle, straight into the monitors' table (as
     * the API would store them: the definition as given, running), in batches.
     */
    private void declareMonitors(ConfigurableApplicationContext platform, BenchFleet fleet) {
        if (monitors <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        JdbcTemplate jdbc = platform.getBean(JdbcTemplate.class);
        Map<String, String> apiIds = new HashMap<>();
        jdbc.query("SELECT vin, api_id FROM vehicle", rs -> {
            apiIds.put(rs.getString(1), rs.getString(2));
        });
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        List<Object[]> rows = new ArrayList<>();
        long declared = 0;
        for (int i = 0; i < fleet.size(); i++) {
            List<String> definitions = BenchMonitors.of(i, fleet.start());
            for (int k = 0; k < monitors; k++) {
                String vin = fleet.car(i).vin();
                rows.add(new Object[] {java.util.UUID.randomUUID().toString(), 1L, "bench", apiIds.get(vin), vin,
                        "bench-callback", definitions.get(k % definitions.size()), "Running", now, now});
            }
            if (rows.size() >= 5_000 || i == fleet.size() - 1) {
                jdbc.batchUpdate("""
                        INSERT INTO b2c_monitor (id, account_id, client_id, vehicle_id, vin, callback_id, definition,
                            status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
                declared += rows.size();
                rows.clear();
            }
        }
        log("declared %d monitors (%d a vehicle) in %.1f s", declared, monitors, (System.nanoTime() - t0) / 1e9);
    }

    static final int FLEET_SIZE = 1000;

    /**
     * Puts the vehicles in fleets of {@link #FLEET_SIZE} of one partner (joined a day before the
     * first message, so that the fleets see all their data) and declares {@link #fleetMonitors}
     * monitors on each fleet, straight into the tables as the API stores them. Paused: they are
     * evaluated as running ones are, and their notifications wait rather than go to a receiver
     * that does not exist.
     */
    private void declareFleetMonitors(ConfigurableApplicationContext platform, BenchFleet fleet) {
        if (fleetMonitors <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        JdbcTemplate jdbc = platform.getBean(JdbcTemplate.class);
        var partner = platform.getBean(org.odomo.apps.PartnerRegistry.class).ensureRegistered(
                new org.odomo.apps.PartnerRegistration("Bench partner", "Bench Co", "bench@example.com", "bench-partner",
                        org.odomo.vehicle.Scopes.DATA, "premium"), "bench-partner-client", "bench-partner-password");
        var directory = platform.getBean(org.odomo.fleet.FleetDirectory.class);
        java.sql.Timestamp joined = java.sql.Timestamp.from(fleet.start().minus(java.time.Duration.ofDays(1)));
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        String subscribe = "\"subscribeParam\": {\"callback\": {\"webhook\": {\"name\": \"bench\","
                + " \"target\": \"https://hooks.example.com/bench\"}}}, ";
        long declared = 0;
        for (int first = 0; first < fleet.size(); first += FLEET_SIZE) {
            String fleetId = directory.create(partner.id(), "Bench fleet " + first, "").id();
            List<Object[]> members = new ArrayList<>();
            for (int i = first; i < Math.min(fleet.size(), first + FLEET_SIZE); i++) {
                members.add(new Object[] {fleet.car(i).vin(), fleetId, joined});
            }
            jdbc.batchUpdate("INSERT INTO fleet_vehicle (vin, fleet_id, joined_at) VALUES (?, ?, ?)", members);
            List<String> definitions = BenchMonitors.quiet(fleet.start());
            List<Object[]> rows = new ArrayList<>();
            for (int k = 0; k < fleetMonitors; k++) {
                String definition = definitions.get(k % definitions.size()).replaceFirst("^\\{\"label\": \"bench\", ",
                        "{\"label\": \"bench\", " + java.util.regex.Matcher.quoteReplacement(subscribe));
                rows.add(new Object[] {java.util.UUID.randomUUID().toString(), fleetId, definition, "Paused", now, now});
            }
            jdbc.batchUpdate("INSERT INTO fleet_monitor (id, fleet_id, definition, status, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", rows);
            declared += rows.size();
        }
        log("declared %d fleet monitors (%d a fleet of %d) in %.1f s", declared, fleetMonitors, FLEET_SIZE,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The embedded database's own ceiling: the rows the platform writes for each message (message,
     * position, state), with the same statements and batches, on two threads as the two ingest
     * workers, but without the platform (no decoding, filtering, merging or JSON).
     */
    private Map<String, Object> h2Writes() throws Exception {
        return onEmbeddedPlatform(platform -> {
            BenchFleet fleet = register(platform.getBean(VehicleRegistry.class));
            javax.sql.DataSource dataSource = platform.getBean(javax.sql.DataSource.class);
            String body = new String(fleet.message(0), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll(",\"credential\":\"[^\"]*\"", "");
            String doc = "{\"state\":\"" + "x".repeat(980) + "\"}";
            LongAdder written = new LongAdder();
            AtomicLong[] rounds = {new AtomicLong(), new AtomicLong()};
            List<Thread> writers = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            for (int w = 0; w < 2; w++) {
                int worker = w;
                Thread t = new Thread(() -> {
                    try (java.sql.Connection c = dataSource.getConnection()) {
                        c.setAutoCommit(false);
                        var messages = c.prepareStatement("""
                                INSERT INTO vehicle_message (vin, msg_id, type, measured_at, received_at, body)
                                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""");
                        var positions = c.prepareStatement("""
                                INSERT INTO position_history (vin, msg_id, measured_at, longitude, latitude, altitude,
                                    heading, signal_quality, fix_type, fix_status, speed)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""");
                        var insertState = c.prepareStatement(
                                "INSERT INTO vehicle_state (vin, doc, version, updated_at) VALUES (?, ?, ?, ?)");
                        var updateState = c.prepareStatement(
                                "UPDATE vehicle_state SET doc = ?, version = ?, updated_at = ? WHERE vin = ? AND version = ?");
                        int mine = vehicles / 2;
                        long sequence = 0;
                        while (running.get()) {
                            long round = rounds[worker].get();
                            var now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
                            for (int i = 0; i < 500; i++, sequence++) {
                                int index = (int) (sequence % mine) * 2 + worker;
                                long n = sequence / mine;
                                String vin = fleet.car(index).vin();
                                var at = now.minusDays(30).plusSeconds(60 * n);
                                messages.setString(1, vin);
                                messages.setString(2, Long.toString(n));
                                messages.setString(3, "telemetry");
                                messages.setObject(4, at);
                                messages.setObject(5, now);
                                messages.setString(6, body);
                                messages.addBatch();
                                positions.setString(1, vin);
                                positions.setString(2, Long.toString(n));
                                positions.setObject(3, at);
                                positions.setDouble(4, 2.35);
                                positions.setDouble(5, 48.85);
                                positions.setDouble(6, 35.0);
                                positions.setInt(7, 90);
                                positions.setInt(8, 4);
                                positions.setString(9, "Acquire");
                                positions.setString(10, "3D");
                                positions.setDouble(11, 50.0);
                                positions.addBatch();
                                var state = n == 0 ? insertState : updateState;
                                if (n == 0) {
                                    state.setString(1, vin);
                                    state.setString(2, doc);
                                    state.setLong(3, 1);
                                    state.setObject(4, now);
                                } else {
                                    state.setString(1, doc);
                                    state.setLong(2, n + 1);
                                    state.setObject(3, now);
                                    state.setString(4, vin);
                                    state.setLong(5, n);
                                }
                                state.addBatch();
                            }
                            messages.executeBatch();
                            positions.executeBatch();
                            insertState.executeBatch();
                            updateState.executeBatch();
                            c.commit();
                            written.add(500);
                            rounds[worker].set(round + 1);
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, "writer-" + w);
                t.setDaemon(true);
                writers.add(t);
            }
            Load load = new Load(fleet, () -> 0, sequence -> { }) {
                @Override
                void start(int count) {
                    writers.forEach(Thread::start);
                }

                @Override
                void stop() throws InterruptedException {
                    running.set(false);
                    for (Thread t : writers) {
                        t.join();
                    }
                }

                @Override
                long sent() {
                    return written.sum();
                }
            };
            Map<String, Object> result = measure(load, written::sum);
            result.put("rows", platform.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM vehicle_message",
                    Long.class));
            result.put("verified", (long) result.get("rows") == written.sum());
            return result;
        });
    }

    private Map<String, Object> mqttPostgres() throws Exception {
        String schema = Services.freshSchema();
        String prefix = Services.freshTopicPrefix();
        Map<String, Object> settings = Services.platform(schema, prefix, "odomo-bench-" + Services.shortId());
        settings.put("spring.datasource.hikari.maximum-pool-size", 6);
        settings.put("logging.level.org.odomo", "WARN");
        platformArgs.forEach(a -> {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            settings.put(kv[0], kv[1]);
        });
        try (ConfigurableApplicationContext platform = Services.startNode(settings)) {
            BenchFleet fleet = register(platform.getBean(VehicleRegistry.class));
            VehicleTransport transport = platform.getBean(VehicleTransport.class);
            VehicleLink[] links = connect(transport, fleet);
            MeterRegistry meters = platform.getBean(MeterRegistry.class);
            var acknowledgedCounter = meters.counter("odomo.mqtt.uplink", "result", "acknowledged");
            LongSupplier acknowledged = () -> (long) acknowledgedCounter.count();
            LongAdder failed = new LongAdder();
            Load load = new Load(fleet, acknowledged, sequence -> links[(int) (sequence % links.length)]
                    .send(MessageType.TELEMETRY, fleet.message(sequence)).whenComplete((ok, error) -> {
                        if (error != null) {
                            failed.increment();
                        }
                    }));
            LongSupplier stored = storedCounter(platform);
            Map<String, Object> result = measure(load, stored);
            drain(load, acknowledged);
            result.putAll(verify(platform, load, stored, failed.sum()));
            result.put("connections", platform.getBean(MqttProperties.class).connections());
            result.put("not_acknowledged",
                    (long) meters.counter("odomo.mqtt.uplink", "result", "not-acknowledged").count());
            return result;
        }
    }

    private Map<String, Object> mosquitto() throws Exception {
        String prefix = Services.freshTopicPrefix();
        MqttProperties settings = new MqttProperties(Services.MQTT_HOST, Services.MQTT_PORT, prefix,
                option("connections", 4), "odomo-bench-" + Services.shortId(), null, null, null, 0, 4);
        List<BenchFleet.Car> cars = new ArrayList<>();
        for (int i = 0; i < vehicles; i++) {
            cars.add(new BenchFleet.Car(BenchFleet.vin(i), "x".repeat(43)));
        }
        BenchFleet fleet = new BenchFleet(cars, start());
        LongAdder received = new LongAdder();
        List<Mqtt5AsyncClient> consumers = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            // As the platform's uplink connections, minus the platform: acknowledge on arrival.
            Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier(settings.platformClientId(i))
                    .serverHost(settings.host()).serverPort(settings.port()).buildAsync();
            c.publishes(MqttGlobalPublishFilter.ALL, publish -> {
                publish.acknowledge();
                received.increment();
            }, Runnable::run, true);
            c.connectWith().cleanStart(true).restrictions().receiveMaximum(settings.receiveMaximum())
                    .applyRestrictions().send().get(10, TimeUnit.SECONDS);
            c.subscribeWith().topicFilter(settings.topics().sharedUplinkFilter(MqttIngestAdapter.SHARE_GROUP))
                    .qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
            consumers.add(c);
        }
        try (MqttVehicleTransport transport = new MqttVehicleTransport(settings)) {
            VehicleLink[] links = connect(transport, fleet);
            LongAdder failed = new LongAdder();
            Load load = new Load(fleet, received::sum, sequence -> links[(int) (sequence % links.length)]
                    .send(MessageType.TELEMETRY, fleet.message(sequence)).whenComplete((ok, error) -> {
                        if (error != null) {
                            failed.increment();
                        }
                    }));
            Map<String, Object> result = measure(load, received::sum);
            drain(load, received::sum);
            result.put("sent", load.sent());
            result.put("received", received.sum());
            result.put("send_failures", failed.sum());
            result.put("connections", settings.connections());
            result.put("verified", received.sum() == load.sent() && failed.sum() == 0);
            return result;
        } finally {
            consumers.forEach(c -> c.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join());
        }
    }

    /** Registers the fleet, on two threads, and checks that its messages are valid protocol messages. */
    private BenchFleet register(VehicleRegistry registry) throws Exception {
        long t0 = System.nanoTime();
        BenchFleet.Car[] cars = new BenchFleet.Car[vehicles];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < vehicles; i++) {
            int index = i;
            done.add(CompletableFuture.runAsync(() -> {
                var registered = registry.register(new NewVehicle(BenchFleet.vin(index), Brand.PEUGEOT, "P-E208", null,
                        PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.PARTNER)));
                cars[index] = new BenchFleet.Car(registered.vehicle().vin(), registered.credential());
            }, pool));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        BenchFleet fleet = new BenchFleet(List.of(cars), start());
        new ProtocolCodec().decode(fleet.message(0));
        log("registered %d vehicles in %.1f s; a message is %d bytes", vehicles, (System.nanoTime() - t0) / 1e9,
                fleet.message(0).length);
        return fleet;
    }

    private static VehicleLink[] connect(VehicleTransport transport, BenchFleet fleet) {
        VehicleLink[] links = new VehicleLink[fleet.size()];
        for (int i = 0; i < links.length; i++) {
            links[i] = transport.connect(fleet.car(i).vin(), bytes -> { });
        }
        return links;
    }

    /** Runs the load through the warm-up, then measures the rate of {@code counted} over the window. */
    private Map<String, Object> measure(Load load, LongSupplier counted) throws InterruptedException {
        return measure(load, counted, () -> { }, () -> { });
    }

    /** The same, running {@code atStart} and {@code atEnd} as the window opens and closes. */
    private Map<String, Object> measure(Load load, LongSupplier counted, Runnable atStart, Runnable atEnd)
            throws InterruptedException {
        load.start(generators);
        Thread.sleep(warmup * 1000L);
        atStart.run();
        long[] cpu0 = machineCpu();
        Map<String, Long> services0 = serviceCpuTicks();
        long jvm0 = jvmCpuNanos();
        long c0 = counted.getAsLong();
        long t0 = System.nanoTime();
        long last = c0;
        long lastT = t0;
        double slowest = Double.MAX_VALUE;
        double fastest = 0;
        for (int s = 5; s <= seconds; s += 5) {
            Thread.sleep(5000);
            long c = counted.getAsLong();
            long t = System.nanoTime();
            double rate = (c - last) / ((t - lastT) / 1e9);
            slowest = Math.min(slowest, rate);
            fastest = Math.max(fastest, rate);
            log("  %3d s: %,.0f messages/s", s, rate);
            last = c;
            lastT = t;
        }
        Thread.sleep(Math.max(0, seconds * 1000L - (System.nanoTime() - t0) / 1_000_000));
        atEnd.run();
        long c1 = counted.getAsLong();
        long t1 = System.nanoTime();
        long jvm1 = jvmCpuNanos();
        Map<String, Long> services1 = serviceCpuTicks();
        long[] cpu1 = machineCpu();
        load.stop();
        Map<String, Object> result = new LinkedHashMap<>();
        double elapsed = (t1 - t0) / 1e9;
        result.put("vehicles", vehicles);
        result.put("window_s", String.format("%.1f", elapsed));
        result.put("counted", c1 - c0);
        result.put("rate", Math.round((c1 - c0) / elapsed));
        // A window shorter than one slice has no slice figures.
        result.put("slowest_5s", fastest > 0 || slowest == 0 ? Math.round(slowest) : "-");
        result.put("fastest_5s", fastest > 0 || slowest == 0 ? Math.round(fastest) : "-");
        // CPU spent per message by this JVM (platform and load generator), and how busy the
        // machine's cores were: other processes (database, broker, anything else) included.
        result.put("jvm_cpu_us_per_msg", c1 > c0 ? Math.round((jvm1 - jvm0) / 1000.0 / (c1 - c0)) : 0);
        for (String service : List.of("postgres", "mosquitto")) {
            long ticks = services1.getOrDefault(service, 0L) - services0.getOrDefault(service, 0L);
            // Clock ticks are 1/100 s on Linux.
            result.put(service + "_cpu_us_per_msg", c1 > c0 ? Math.round(ticks * 10_000.0 / (c1 - c0)) : 0);
        }
        long total = cpu1[0] - cpu0[0];
        result.put("machine_busy_pct", total > 0 ? Math.round(100.0 * (total - (cpu1[1] - cpu0[1])) / total) : 0);
        return result;
    }

    /** CPU time (clock ticks) used so far by the PostgreSQL and Mosquitto processes of this machine. */
    private static Map<String, Long> serviceCpuTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (var procs = java.nio.file.Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = java.nio.file.Files.readString(p.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String service = name.startsWith("postgres") ? "postgres" : name.equals("mosquitto") ? "mosquitto" : null;
                    if (service != null) {
                        ticks.merge(service, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    }
                } catch (Exception e) {
                    // The process ended meanwhile.
                }
            });
        } catch (Exception e) {
            // Not Linux: no figures.
        }
        return ticks;
    }

    /** The embedded database of a run grows by gigabytes: it goes with the run. */
    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Total and idle (including I/O wait) jiffies of all cores, from /proc/stat; zeros elsewhere. */
    private static long[] machineCpu() {
        try {
            String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    private static void drain(Load load, LongSupplier processed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (processed.getAsLong() < load.sent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Counts the rows: every message sent must be stored, once. */
    private static Map<String, Object> verify(ConfigurableApplicationContext platform, Load load, LongSupplier stored,
            long sendFailures) {
        long rows = platform.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM vehicle_message",
                Long.class);
        long positions = platform.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM position_history",
                Long.class);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", load.sent());
        result.put("stored", stored.getAsLong());
        result.put("rows", rows);
        result.put("position_rows", positions);
        result.put("send_failures", sendFailures);
        result.put("verified", rows == load.sent() && positions == rows && stored.getAsLong() == rows && sendFailures == 0);
        return result;
    }

    private static LongSupplier storedCounter(ConfigurableApplicationContext platform) {
        var stored = platform.getBean(MeterRegistry.class).counter("odomo.ingest.messages", "outcome", "stored");
        return () -> (long) stored.count();
    }

    private static Instant start() {
        // Measurement times in the past, one minute apart per vehicle: as a fleet catching up.
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(30, ChronoUnit.DAYS);
    }

    private int option(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    static void log(String format, Object... args) {
        System.out.println("BENCH " + String.format(format, args));
    }

    /** Generator threads sending the fleet's messages, never more than the window ahead of {@code processed}. */
    private class Load {
        private final LongSupplier processed;
        private final LongConsumer send;
        private final AtomicLong next = new AtomicLong();
        private final LongAdder sent = new LongAdder();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running;
        /** Events of the log not yet handled by every consumer, as last sampled; -1: not followed. */
        private volatile long backlog = -1;

        Load(BenchFleet fleet, LongSupplier processed, LongConsumer send) {
            this.processed = processed;
            this.send = send;
        }

        /**
         * Also holds the load back while the event log's consumers are more than {@link #window}
         * events behind, sampled every 50 ms: the rate is then what ingestion and the consumers
         * sustain together, not what ingestion alone takes in while a consumer falls behind.
         */
        void followLog(LongSupplier behind) {
            backlog = 0;
            Thread sampler = new Thread(() -> {
                while (true) {
                    try {
                        backlog = behind.getAsLong();
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // The database is closing: the run is over.
                        return;
                    }
                }
            }, "log-backlog");
            sampler.setDaemon(true);
            sampler.start();
        }

        void start(int count) {
            running = true;
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(this::run, "load-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void run() {
            while (running) {
                if (sent.sum() - processed.getAsLong() >= window || backlog > window) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                sent.increment();
                send.accept(next.getAndIncrement());
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join();
            }
        }

        long sent() {
            return sent.sum();
        }
    }
}
