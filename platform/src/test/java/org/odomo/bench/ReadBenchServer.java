package org.odomo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.odomo.OdomoApplication;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.protocol.MessageType;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.node.ObjectNode;

/**
 * Starts the platform on the embedded database for the read benchmark, writes the wrk script that
 * reads it, then serves until killed.
 *
 * <p>By default: one app on a plan whose limits are never reached (so rate-limit accounting runs
 * on every call without refusing), one enrolled user with all data scopes, and vehicles with a
 * full status and a trip. With {@code --bench.apps=A --bench.users=U} the vehicles are spread over
 * U users, each enrolled with one of A apps on the {@code premium} plan (so each app's own limits,
 * token checks and caches are in play as in production), and the wrk script takes the callers in
 * turn. With {@code --bench.ingest-rate=R} the server also ingests R telemetry messages a second
 * for vehicles taken in turn, measured now, so that states change and cached states go stale
 * while they are read; the ingestion outcomes are written to {@code ingest.txt} every second.
 *
 * <p>Arguments: port, number of vehicles, output directory for the wrk scripts, then the
 * {@code --bench.*} options above and any Spring properties ({@code --name=value}).
 */
public final class ReadBenchServer {

    private ReadBenchServer() {
    }

    /** One caller of the read API: an app's client id, a user's token for it, one of the user's vehicles. */
    private record Caller(String clientId, String token, String vehicleId) {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int vehicles = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Path data = Files.createTempDirectory("odomo-read-bench");
        List<String> springArgs = new ArrayList<>(List.of("--odomo.data-dir=" + data, "--server.port=" + port,
                "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--odomo.operator.password=bench-operator"));
        int appCount = 0;
        int userCount = 1;
        int ingestRate = 0;
        // Further arguments are the bench's own options, then Spring properties to compare settings (--name=value).
        for (String arg : List.of(args).subList(3, args.length)) {
            if (arg.startsWith("--bench.apps=")) {
                appCount = Integer.parseInt(arg.substring("--bench.apps=".length()));
            } else if (arg.startsWith("--bench.users=")) {
                userCount = Integer.parseInt(arg.substring("--bench.users=".length()));
            } else if (arg.startsWith("--bench.ingest-rate=")) {
                ingestRate = Integer.parseInt(arg.substring("--bench.ingest-rate=".length()));
            } else {
                springArgs.add(arg);
            }
        }
        if (userCount < 1 || userCount > vehicles) {
            throw new IllegalArgumentException("--bench.users must be between 1 and the number of vehicles");
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class)
                .run(springArgs.toArray(String[]::new));
        AppRegistry apps = context.getBean(AppRegistry.class);
        List<App> registered = new ArrayList<>();
        if (appCount == 0) {
            registered.add(apps.ensureRegistered(new AppRegistration("Read bench", "Load test", "Odomo",
                    "bench@example.com", 1_000_000L, "read-bench", Scopes.DATA, List.of(Enrollment.REDIRECT),
                    "unlimited"), "read-bench", "read-bench-secret"));
        } else {
            for (int a = 0; a < appCount; a++) {
                registered.add(apps.ensureRegistered(new AppRegistration("Read bench " + a, "Load test", "Odomo",
                        "bench@example.com", 1_000_000L + a, "read-bench-" + a, Scopes.DATA,
                        List.of(Enrollment.REDIRECT), "premium"), "read-bench-" + a, "read-bench-secret"));
            }
        }
        AccountManagement accounts = context.getBean(AccountManagement.class);
        List<Account> users = new ArrayList<>();
        for (int u = 0; u < userCount; u++) {
            users.add(accounts.create(Brand.PEUGEOT, u == 0 ? "bench@example.com" : "bench" + u + "@example.com",
                    "bench-password", "Bench", "User " + u));
        }
        System.out.printf("BENCH %d apps and %d users created%n", registered.size(), users.size());
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        IngestGateway gateway = context.getBean(IngestGateway.class);
        List<String> ids = new ArrayList<>();
        List<RegisteredVehicle> fleet = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        for (int i = 0; i < vehicles; i++) {
            String model = i % 2 == 0 ? "P-E208" : "P-3008H";
            RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model,
                    users.get(i % userCount).id(), PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
            ObjectNode message = TestVehicles.telemetry(v.vehicle().vin(), v.credential(), "b" + i, at, 2.3 + i * 1e-4,
                    48.8, 70, 10_000 + i);
            ObjectNode d = (ObjectNode) message.get("data");
            d.putObject("privacy").put("state", "None");
            d.putObject("doorsState").putArray("lockedStates").add("Locked");
            d.putObject("environment").putObject("air").put("temp", 12.5);
            d.putObject("battery").put("voltage", 12.4);
            d.putObject("powertrain").put("status", "Stopped");
            // A trip around the sample: ignition on ten minutes before, off just after.
            ObjectNode start = TestVehicles.envelope(v.vehicle().vin(), v.credential(), "s" + i, at.minusSeconds(600),
                    MessageType.EVENT);
            start.putObject("event").put("name", "ignition");
            ObjectNode startData = start.putObject("data");
            startData.putObject("ignition").put("type", "Start");
            startData.putObject("position").putArray("coordinates").add(2.25).add(48.78);
            startData.putObject("odometer").put("mileage", 9_990 + i);
            ObjectNode stop = TestVehicles.envelope(v.vehicle().vin(), v.credential(), "e" + i, at.plusSeconds(5),
                    MessageType.EVENT);
            stop.putObject("event").put("name", "ignition");
            ObjectNode stopData = stop.putObject("data");
            stopData.putObject("ignition").put("type", "Stop");
            stopData.putObject("position").putArray("coordinates").add(2.3 + i * 1e-4).add(48.8);
            stopData.putObject("odometer").put("mileage", 10_000 + i);
            d.putObject("ignition").put("type", "Start");
            for (ObjectNode m : List.of(start, message, stop)) {
                if (gateway.submit(TestVehicles.bytes(m)).join() != IngestOutcome.STORED) {
                    throw new IllegalStateException("bench data not stored");
                }
            }
            ids.add(v.vehicle().apiId());
            fleet.add(v);
        }
        System.out.printf("BENCH %d vehicles with their data%n", fleet.size());
        List<Caller> callers = new ArrayList<>();
        for (int u = 0; u < userCount; u++) {
            App app = registered.get(u % registered.size());
            String token = Enrollment.enroll(port, app.clientId(), "read-bench-secret", Brand.PEUGEOT.realm(),
                    users.get(u).email(), "bench-password",
                    new ArrayList<>(Set.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP)), false).accessToken();
            for (int i = u; i < vehicles; i += userCount) {
                callers.add(new Caller(app.clientId(), token, ids.get(i)));
            }
        }
        Files.createDirectories(out);
        if (ingestRate > 0) {
            ingest(gateway, fleet, ingestRate, out);
        }
        Files.writeString(out.resolve("api.lua"), wrkScript(callers));
        Files.writeString(out.resolve("ready"), "ready\n");
        System.out.println("READY");
        Thread.currentThread().join();
    }

    /**
     * The wrk script: each request takes the next caller (threads start at different places) and
     * calls the path {@code SUFFIX} of its vehicle, or of the vehicle list when {@code SUFFIX} is
     * {@code /list}, or cycles through status, last position, trips, status and the list when it is
     * {@code /mix}; {@code PAUSE_MS} spaces each connection's calls.
     */
    private static String wrkScript(List<Caller> callers) {
        StringBuilder lua = new StringBuilder("local callers = {\n");
        for (Caller c : callers) {
            lua.append("  {\"").append(c.clientId()).append("\", \"Bearer ").append(c.token()).append("\", \"")
                    .append(c.vehicleId()).append("\"},\n");
        }
        lua.append("""
                }
                local n = 0
                local k = 0
                local suffix = os.getenv("SUFFIX")
                local mix = {"/status", "/lastPosition", "/trips", "/status", "/list"}
                local pause = tonumber(os.getenv("PAUSE_MS") or "0")
                local headers = {["x-introspect-realm"] = "clientsB2CPeugeot"}
                function init(args)
                  -- thread_number is set by bench/slices.lua: threads start at different callers
                  n = (thread_number or 0) * 7919
                end
                request = function()
                  n = n + 1
                  k = k + 1
                  local c = callers[(n % #callers) + 1]
                  local path = suffix
                  if suffix == "/mix" then
                    path = mix[(k % #mix) + 1]
                  end
                  headers["Authorization"] = c[2]
                  local url = "/connectedcar/v4/user/vehicles/" .. c[3] .. path
                  if path == "/list" then
                    url = "/connectedcar/v4/user/vehicles"
                  end
                  return wrk.format("GET", url .. "?client_id=" .. c[1], headers)
                end
                if pause > 0 then
                  delay = function()
                    return pause
                  end
                end
                """);
        return lua.toString();
    }

    /**
     * Ingests {@code rate} telemetry messages a second, in ticks of 10 ms, for the vehicles in turn,
     * measured now: each one moves the vehicle, changes its odometer and energy, and replaces its
     * cached state. Counts the outcomes into {@code ingest.txt} every second.
     */
    private static void ingest(IngestGateway gateway, List<RegisteredVehicle> fleet, int rate, Path out) {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        AtomicLong sequence = new AtomicLong();
        LongAdder stored = new LongAdder();
        LongAdder other = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        scheduler.scheduleAtFixedRate(() -> {
            // As many as the rate asks for since the start: a late tick catches up.
            long send = rate * (System.nanoTime() - start) / 1_000_000_000L - sequence.get();
            for (long m = 0; m < send; m++) {
                long s = sequence.getAndIncrement();
                RegisteredVehicle v = fleet.get((int) (s % fleet.size()));
                String vin = v.vehicle().vin();
                ObjectNode message = TestVehicles.telemetry(vin, v.credential(), "live" + s,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        2.3 + (s % 1000) * 1e-4, 48.8, 90 - (s / fleet.size()) % 80, 10_000 + s);
                gateway.submit(TestVehicles.bytes(message)).whenComplete((outcome, error) -> {
                    if (error != null) {
                        if (failed.sum() == 0) {
                            error.printStackTrace();
                        }
                        failed.increment();
                    } else if (outcome == IngestOutcome.STORED) {
                        stored.increment();
                    } else {
                        other.increment();
                    }
                });
            }
        }, 10, 10, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> {
            try {
                // Written aside, then moved: the script never reads half a file.
                Path next = Files.writeString(out.resolve("ingest.txt.next"), "sent=" + sequence.get() + " stored="
                        + stored.sum() + " not_stored=" + other.sum() + " failed=" + failed.sum() + "\n");
                Files.move(next, out.resolve("ingest.txt"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                failed.increment();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }
}
