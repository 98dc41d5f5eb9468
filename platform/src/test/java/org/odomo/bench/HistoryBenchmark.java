package org.odomo.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.OdomoApplication;
import org.odomo.apps.PartnerRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.support.EventConsumers;
import org.odomo.support.Services;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet-wide history lists of the fleet API on a large fleet: {@code vehicles} vehicles in one
 * fleet, each with {@code days} days of alerts and trips written straight into the database in
 * batches (the trips' aggregates copied from a trip the platform built from real messages, moved
 * in time), then {@code GET /fleets/{fid}/alerts} and {@code /trips} timed on their first, second
 * and last pages ({@code pageSize=60}), in turns, several times. The last page is found by
 * following the next links through the whole list, which also times every page.
 * <p>
 * Arguments: port vehicles days repetitions outDir [--bench.db=h2|postgres]
 * [--bench.alerts-per-day=n] [--bench.trips-per-day=n] [Spring properties as --name=value].
 */
public final class HistoryBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final int BATCH = 2000;

    private HistoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int vehicles = Integer.parseInt(args[1]);
        int days = Integer.parseInt(args[2]);
        int repetitions = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Files.createDirectories(out);
        String db = "h2";
        double alertsPerDay = 1;
        double tripsPerDay = 1;
        Path data = Files.createTempDirectory("odomo-history-bench");
        List<String> springArgs = new ArrayList<>(List.of("--odomo.data-dir=" + data, "--server.port=" + port,
                "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--odomo.operator.password=bench-operator", "--odomo.b2b.trusted-proxies=127.0.0.1"));
        for (String arg : List.of(args).subList(5, args.length)) {
            if (arg.startsWith("--bench.db=")) {
                db = arg.substring("--bench.db=".length());
            } else if (arg.startsWith("--bench.alerts-per-day=")) {
                alertsPerDay = Double.parseDouble(arg.substring("--bench.alerts-per-day=".length()));
            } else if (arg.startsWith("--bench.trips-per-day=")) {
                tripsPerDay = Double.parseDouble(arg.substring("--bench.trips-per-day=".length()));
            } else {
                springArgs.add(arg);
            }
        }
        SpringApplicationBuilder builder = new SpringApplicationBuilder(OdomoApplication.class);
        if (db.equals("postgres")) {
            String schema = Services.freshSchema();
            Map<String, Object> settings = new HashMap<>(Services.postgresSchema(schema));
            settings.put("spring.datasource.hikari.maximum-pool-size", 8);
            settings.forEach((k, v) -> springArgs.add("--" + k + "=" + v));
            builder.profiles("postgres");
        }
        ConfigurableApplicationContext context = builder.run(springArgs.toArray(String[]::new));
        try {
            run(context, port, vehicles, days, repetitions, alertsPerDay, tripsPerDay, db, out);
        } finally {
            context.close();
            // The embedded database of a full run takes gigabytes.
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void run(ConfigurableApplicationContext context, int port, int vehicles, int days, int repetitions,
            double alertsPerDay, double tripsPerDay, String db, Path out) throws Exception {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        FleetDirectory fleets = context.getBean(FleetDirectory.class);
        B2bPartners.Credentials partner = B2bPartners.register(context.getBean(PartnerRegistry.class),
                "history-bench", Set.of(Scopes.ALERT, Scopes.TRIP, Scopes.COLLISION, Scopes.POSITION), "unlimited");
        Fleet fleet = fleets.create(partner.partner().id(), "History bench", "");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant from = now.minus(Duration.ofDays(days));

        long t = System.nanoTime();
        List<RegisteredVehicle> cars = new ArrayList<>();
        for (int i = 0; i < vehicles; i++) {
            cars.add(registry.register(new NewVehicle(BenchFleet.vin(i), Brand.PEUGEOT, "P-E208", null,
                    PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER))));
        }
        List<Object[]> members = new ArrayList<>();
        for (RegisteredVehicle car : cars) {
            members.add(new Object[] {car.vehicle().vin(), fleet.id(), Timestamp.from(from.minus(Duration.ofDays(1)))});
        }
        jdbc.batchUpdate("INSERT INTO fleet_vehicle (vin, fleet_id, joined_at) VALUES (?, ?, ?)", members);
        log("%d vehicles registered and in the fleet in %.1f s", vehicles, seconds(t));

        // Recent: the platform refuses messages older than its retention.
        TripTemplate template = tripTemplate(context, cars.get(0), now.minus(Duration.ofHours(1)));
        t = System.nanoTime();
        long alerts = fillAlerts(jdbc, cars, from, days, alertsPerDay);
        log("%d alerts written in %.1f s", alerts, seconds(t));
        t = System.nanoTime();
        long trips = fillTrips(jdbc, cars, from, days, tripsPerDay, template);
        log("%d trips written in %.1f s", trips, seconds(t));
        if (db.equals("postgres")) {
            jdbc.execute("ANALYZE alert");
            jdbc.execute("ANALYZE trip");
            jdbc.execute("ANALYZE fleet_vehicle");
        }

        B2bClient client = new B2bClient(port, partner);
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%s, %d vehicles, %d days: %d alerts, %d trips%n", db, vehicles, days,
                alerts, trips));
        report.append(String.format(Locale.ROOT, "%-8s %7s %10s %10s %10s %10s %10s %8s%n", "list", "pages",
                "walk p50", "first", "second", "last", "count", "last/2nd"));
        for (String list : List.of("alerts", "trips")) {
            report.append(measure(client, fleet.id(), list, repetitions));
        }
        System.out.print(report);
        Files.writeString(out.resolve("results.txt"), report.toString());
    }

    /** Walks a list to its last page, then times first, second and last pages in turns. */
    private static String measure(B2bClient client, String fleetId, String list, int repetitions) {
        String first = "/fleets/" + fleetId + "/" + list + "?pageSize=60";
        long t = System.nanoTime();
        JsonNode page = get(client, first);
        String second = path(page.path("_links").path("next"));
        String last = first;
        List<Double> walk = new ArrayList<>();
        int pages = 1;
        while (page.path("_links").has("next")) {
            last = path(page.path("_links").path("next"));
            long p = System.nanoTime();
            page = get(client, last);
            walk.add(millis(p));
            pages++;
        }
        log("%s: %d pages walked in %.1f s", list, pages, seconds(t));
        double[] firstTimes = new double[repetitions];
        double[] secondTimes = new double[repetitions];
        double[] lastTimes = new double[repetitions];
        // Warm-up: the JIT and the database's caches settle before the timed turns.
        for (int i = 0; i < 3; i++) {
            get(client, first);
            get(client, second);
            get(client, last);
        }
        for (int i = 0; i < repetitions; i++) {
            long a = System.nanoTime();
            get(client, first);
            firstTimes[i] = millis(a);
            long b = System.nanoTime();
            get(client, second);
            secondTimes[i] = millis(b);
            long c = System.nanoTime();
            get(client, last);
            lastTimes[i] = millis(c);
        }
        double firstMedian = median(firstTimes);
        double secondMedian = median(secondTimes);
        double lastMedian = median(lastTimes);
        return String.format(Locale.ROOT, "%-8s %7d %8.1fms %8.1fms %8.1fms %8.1fms %8.1fms %8.2f%n", list, pages,
                median(walk.stream().mapToDouble(Double::doubleValue).toArray()), firstMedian, secondMedian,
                lastMedian, Math.max(0, firstMedian - secondMedian), lastMedian / secondMedian)
                + String.format(Locale.ROOT, "         first %s%n         second %s%n         last %s%n",
                        Arrays.toString(rounded(firstTimes)), Arrays.toString(rounded(secondTimes)),
                        Arrays.toString(rounded(lastTimes)));
    }

    private static JsonNode get(B2bClient client, String path) {
        HttpResponse<String> r = client.get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A link's path and query below the API base, without the client_id the client adds itself. */
    private static String path(JsonNode link) {
        URI uri = URI.create(link.path("href").stringValue());
        String query = uri.getRawQuery().replaceAll("(^|&)client_id=[^&]*", "").replaceAll("^&", "");
        return uri.getRawPath().substring(B2bClient.BASE.length()) + "?" + query;
    }

    // ------------------------------------------------------------------ data

    private static long fillAlerts(JdbcTemplate jdbc, List<RegisteredVehicle> cars, Instant from, int days,
            double perDay) {
        String[] types = {"RiskOfIce", "AddWasherFluid", "AdBlueFault", "AbsBrakingSystemFault"};
        long seconds = Duration.ofDays(days).getSeconds();
        long count = Math.round(cars.size() * days * perDay);
        List<Object[]> batch = new ArrayList<>(BATCH);
        for (long n = 0; n < count; n++) {
            int v = (int) (n % cars.size());
            long k = n / cars.size();
            // Spread evenly over the period, each vehicle at its own times.
            long offset = (long) ((k + (v * 0.618034) % 1) * seconds / Math.max(1, count / cars.size()));
            Instant at = from.plusSeconds(Math.min(offset, seconds - 1));
            Timestamp started = Timestamp.from(at);
            Timestamp ended = Timestamp.from(at.plusSeconds(900));
            batch.add(new Object[] {UUID.randomUUID().toString().replace("-", ""), cars.get(v).vehicle().vin(),
                    types[(int) (n % types.length)], "Warning", false, started, ended, started, ended});
            if (batch.size() == BATCH) {
                insertAlerts(jdbc, batch);
            }
        }
        insertAlerts(jdbc, batch);
        return count;
    }

    private static void insertAlerts(JdbcTemplate jdbc, List<Object[]> batch) {
        if (!batch.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO alert (id, vin, type, severity, active, started_at, end_at, created_at, "
                    + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch);
            batch.clear();
        }
    }

    /** A trip the platform built from messages: its row, whose times are moved to make the others. */
    private record TripTemplate(Map<String, Object> row, Instant start) {
    }

    private static TripTemplate tripTemplate(ConfigurableApplicationContext context, RegisteredVehicle car,
            Instant start) {
        IngestGateway gateway = context.getBean(IngestGateway.class);
        String vin = car.vehicle().vin();
        for (int i = 0; i <= 11; i++) {
            boolean edge = i == 0 || i == 11;
            ObjectNode m = TestVehicles.envelope(vin, car.credential(), "tpl" + i, start.plusSeconds(60L * i),
                    edge ? MessageType.EVENT : MessageType.TELEMETRY);
            if (edge) {
                m.putObject("event").put("name", "ignition");
            }
            ObjectNode d = m.putObject("data");
            d.putObject("ignition").put("type", i == 11 ? "Stop" : "Start");
            d.putObject("position").putArray("coordinates").add(2.3 + 0.004 * i).add(48.8).add(35.0);
            d.putObject("kinetic").put("speed", edge ? 0 : 40).put("moving", !edge);
            d.putObject("odometer").put("mileage", 10_000 + 0.6 * i);
            d.putArray("energies").addObject().put("type", "Electric").put("subType", "ElectricEnergy")
                    .put("level", 80 - 0.5 * i).put("autonomy", 240 - i);
            IngestOutcome outcome = gateway.submit(TestVehicles.bytes(m)).join();
            if (outcome != IngestOutcome.STORED) {
                throw new IllegalStateException("the template trip's message was not stored: " + outcome);
            }
        }
        EventConsumers.awaitCaughtUp(context.getBean(VehicleEventLog.class));
        Map<String, Object> row = context.getBean(JdbcTemplate.class).queryForMap(
                "SELECT * FROM trip WHERE vin = ? ORDER BY started_at LIMIT 1", vin);
        return new TripTemplate(new HashMap<>(row), start);
    }

    private static long fillTrips(JdbcTemplate jdbc, List<RegisteredVehicle> cars, Instant from, int days,
            double perDay, TripTemplate template) {
        long seconds = Duration.ofDays(days).getSeconds();
        long count = Math.round(cars.size() * days * perDay);
        Map<String, Object> r = template.row();
        String acc = (String) r.get("acc");
        List<Object[]> batch = new ArrayList<>(BATCH);
        for (long n = 0; n < count; n++) {
            int v = (int) (n % cars.size());
            long k = n / cars.size();
            long offset = (long) ((k + (v * 0.414214) % 1) * seconds / Math.max(1, count / cars.size()));
            Instant at = from.plusSeconds(Math.min(offset, seconds - 1));
            Duration shift = Duration.between(template.start(), at);
            batch.add(new Object[] {UUID.randomUUID().toString().replace("-", ""), cars.get(v).vehicle().vin(),
                    moved(r.get("started_at"), shift), r.get("start_msg_id"), moved(r.get("last_at"), shift),
                    r.get("last_msg_id"), moved(r.get("stopped_at"), shift), r.get("stop_msg_id"), r.get("done"),
                    r.get("end_reason"), r.get("distance_km"), r.get("duration_s"), r.get("faults"),
                    movedText(acc, shift), 1L, Timestamp.from(at.plusSeconds(660)), Timestamp.from(at.plusSeconds(660))});
            if (batch.size() == BATCH) {
                insertTrips(jdbc, batch);
            }
        }
        insertTrips(jdbc, batch);
        return count;
    }

    private static void insertTrips(JdbcTemplate jdbc, List<Object[]> batch) {
        if (!batch.isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO trip (id, vin, started_at, start_msg_id, last_at, last_msg_id, stopped_at, stop_msg_id,
                        done, end_reason, distance_km, duration_s, faults, acc, version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", batch);
            batch.clear();
        }
    }

    private static Timestamp moved(Object time, Duration shift) {
        Instant at;
        if (time == null) {
            at = null;
        } else if (time instanceof Timestamp ts) {
            at = ts.toInstant();
        } else if (time instanceof java.time.OffsetDateTime odt) {
            at = odt.toInstant();
        } else {
            throw new IllegalStateException("a time column read as " + time.getClass());
        }
        return at == null ? null : Timestamp.from(at.plus(shift));
    }

    /** The aggregates' JSON with every time in it moved. */
    private static String movedText(String json, Duration shift) {
        Matcher m = INSTANT.matcher(json);
        StringBuilder b = new StringBuilder(json.length() + 16);
        while (m.find()) {
            m.appendReplacement(b, Instant.parse(m.group()).plus(shift).toString());
        }
        m.appendTail(b);
        return b.toString();
    }

    // ------------------------------------------------------------------ figures

    private static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double[] rounded(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
    }

    private static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "BENCH " + format + "%n", args);
    }
}
