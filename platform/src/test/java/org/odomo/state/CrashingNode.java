package org.odomo.state;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import org.odomo.OdomoApplication;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.node.ObjectNode;

/**
 * A platform process for {@link RestartDurabilityTests}, meant to be killed: it starts the
 * platform with the given Spring arguments, registers a vehicle, then ingests its telemetry
 * through the in-process path without end, 32 messages in flight, and reports on standard output
 * its vehicle and first measurement time ({@code DURABILITY VIN <vin>}, {@code DURABILITY START
 * <instant>}) and each message the platform acknowledged as stored ({@code DURABILITY ACK <n>}),
 * once the acknowledgement is in hand. Message {@code n} is measured at {@code start + 30 n}
 * seconds, carries the mileage {@code 1000 + n} and shows the ignition on: the vehicle is on one
 * long trip, within the trips' retention.
 */
public final class CrashingNode {

    static final String PREFIX = "DURABILITY ";

    private CrashingNode() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        List<String> springArgs = new ArrayList<>(List.of(args).subList(1, args.length));
        springArgs.add("--spring.main.banner-mode=off");
        ConfigurableApplicationContext platform = new SpringApplicationBuilder(OdomoApplication.class)
                .web(WebApplicationType.NONE).profiles(args[0].split(",")).run(springArgs.toArray(String[]::new));
        RegisteredVehicle v = TestVehicles.register(platform.getBean(VehicleRegistry.class), "P-E208",
                PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(10));
        report(out, "VIN " + vin);
        report(out, "START " + start);
        IngestGateway gateway = platform.getBean(IngestGateway.class);
        Semaphore inFlight = new Semaphore(32);
        for (long n = 0;; n++) {
            inFlight.acquire();
            long id = n;
            ObjectNode message = TestVehicles.telemetry(vin, v.credential(), Long.toString(id),
                    start.plusSeconds(30 * id), 2.35 + id * 1e-5, 48.85, 90 - (id % 80), 1000 + id);
            ((ObjectNode) message.get("data")).putObject("ignition").put("type", "StartUp");
            gateway.submit(TestVehicles.bytes(message))
                    .whenComplete((outcome, error) -> {
                        inFlight.release();
                        report(out, outcome == IngestOutcome.STORED ? "ACK " + id : "NACK " + id + " " + outcome + " " + error);
                    });
        }
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(PREFIX + line);
        }
    }
}
