package org.odomo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
 * Starts the platform on the embedded database for the read benchmark: one app on a plan whose
 * limits are never reached (so rate-limit accounting runs on every call without refusing), one
 * enrolled user with all data scopes, and vehicles with a full status. Writes the wrk script
 * that calls their status in turn, then serves until killed.
 *
 * <p>Arguments: port, number of vehicles, output directory for the wrk scripts, then any Spring
 * properties ({@code --name=value}).
 */
public final class ReadBenchServer {

    private ReadBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int vehicles = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Path data = Files.createTempDirectory("odomo-read-bench");
        List<String> springArgs = new ArrayList<>(List.of("--odomo.data-dir=" + data, "--server.port=" + port,
                "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--odomo.operator.password=bench-operator"));
        // Further arguments are Spring properties to compare settings (--name=value).
        springArgs.addAll(List.of(args).subList(3, args.length));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class)
                .run(springArgs.toArray(String[]::new));
        AppRegistry apps = context.getBean(AppRegistry.class);
        App app = apps.ensureRegistered(new AppRegistration("Read bench", "Load test", "Odomo", "bench@example.com",
                1_000_000L, "read-bench", Scopes.DATA, List.of(Enrollment.REDIRECT), "unlimited"), "read-bench",
                "read-bench-secret");
        Account user = context.getBean(AccountManagement.class).create(Brand.PEUGEOT, "bench@example.com",
                "bench-password", "Bench", "User");
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        IngestGateway gateway = context.getBean(IngestGateway.class);
        List<String> ids = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        for (int i = 0; i < vehicles; i++) {
            String model = i % 2 == 0 ? "P-E208" : "P-3008H";
            RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model,
                    user.id(), PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
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
        }
        String token = Enrollment.enroll(port, app.clientId(), "read-bench-secret", Brand.PEUGEOT.realm(),
                user.email(), "bench-password", new ArrayList<>(Set.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP)), false)
                .accessToken();
        Files.createDirectories(out);
        StringBuilder lua = new StringBuilder("local ids = {");
        for (String id : ids) {
            lua.append('"').append(id).append("\",");
        }
        lua.append("}\nlocal n = 0\n")
                .append("wrk.headers[\"Authorization\"] = \"Bearer ").append(token).append("\"\n")
                .append("wrk.headers[\"x-introspect-realm\"] = \"clientsB2CPeugeot\"\n")
                .append("local pause = tonumber(os.getenv(\"PAUSE_MS\") or \"0\")\n")
                .append("request = function()\n  n = n + 1\n  local id = ids[(n % #ids) + 1]\n")
                .append("  return wrk.format(\"GET\", \"/connectedcar/v4/user/vehicles/\" .. id .. os.getenv(\"SUFFIX\") ")
                .append(".. \"?client_id=").append(app.clientId()).append("\")\nend\n")
                .append("if pause > 0 then\n  delay = function()\n    return pause\n  end\nend\n");
        Files.writeString(out.resolve("api.lua"), lua.toString());
        Files.writeString(out.resolve("ready"), "ready\n");
        System.out.println("READY");
        Thread.currentThread().join();
    }
}
