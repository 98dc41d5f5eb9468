package org.odomo.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.odomo.OdomoApplication;
import org.odomo.apps.PartnerRegistry;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fleet status paging benchmark: a fleet of N vehicles (10,000 by default), each with a current
 * state, paged through {@code GET /connectedcar/v3/fleets/{fid}/status} in full by a partner over
 * HTTP, following the next links. Reports the time of the first page and of the last page (each
 * the median of repeated calls, the last page reached through its link) and of the whole walk, in
 * the same run, so that their ratio shows whether a page's cost depends on where it lies.
 *
 * <p>Arguments: vehicles, page size, repeats, output directory. Spring properties follow as
 * {@code --name=value}.
 */
public final class FleetStatusBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FleetStatusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int vehicles = Integer.parseInt(args[0]);
        int pageSize = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Files.createDirectories(out);
        Path data = Files.createTempDirectory("odomo-fleet-bench");
        List<String> springArgs = new ArrayList<>(List.of("--odomo.data-dir=" + data, "--server.port=0",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--odomo.operator.password=bench-operator", "--odomo.b2b.trusted-proxies=127.0.0.1"));
        springArgs.addAll(Arrays.asList(args).subList(4, args.length));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class)
                .run(springArgs.toArray(String[]::new));
        try {
            int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            run(context, port, vehicles, pageSize, repeats, out);
        } finally {
            context.close();
        }
    }

    private static void run(ConfigurableApplicationContext context, int port, int vehicles, int pageSize,
            int repeats, Path out) throws Exception {
        B2bClient partner = new B2bClient(port, B2bPartners.register(context.getBean(PartnerRegistry.class),
                "fleet-bench", Set.of(Scopes.TELEMETRY, Scopes.POSITION), "unlimited"));
        FleetDirectory fleets = context.getBean(FleetDirectory.class);
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        IngestGateway gateway = context.getBean(IngestGateway.class);
        Fleet fleet = fleets.create(partner.credentials().partner().id(), "Bench fleet", "");
        long setupStart = System.nanoTime();
        List<RegisteredVehicle> cars = new ArrayList<>();
        for (int i = 0; i < vehicles; i++) {
            RegisteredVehicle car = registry.register(new NewVehicle(BenchFleet.vin(i), Brand.PEUGEOT,
                    i % 2 == 0 ? "P-E208" : "P-3008H", null, PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.of(ConnectedService.PARTNER)));
            fleets.addVehicle(fleet.id(), car.vehicle().vin());
            cars.add(car);
        }
        // Measured (a moment ahead) after every vehicle joined the fleet: the fleet sees it.
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        List<CompletableFuture<IngestOutcome>> sent = new ArrayList<>();
        for (int i = 0; i < cars.size(); i++) {
            RegisteredVehicle car = cars.get(i);
            ObjectNode message = TestVehicles.telemetry(car.vehicle().vin(), car.credential(), "f" + i, at,
                    2.3 + i * 1e-5, 48.8, 70, 10_000 + i);
            ObjectNode d = (ObjectNode) message.get("data");
            d.putObject("privacy").put("state", "None");
            d.putObject("doorsState").putArray("lockedStates").add("Locked");
            d.putObject("battery").put("voltage", 12.4);
            sent.add(gateway.submit(TestVehicles.bytes(message)));
            if (sent.size() == 500) {
                awaitStored(sent);
            }
        }
        awaitStored(sent);
        System.out.printf("BENCH %d vehicles in the fleet with a state each, set up in %d s%n", vehicles,
                (System.nanoTime() - setupStart) / 1_000_000_000);

        String first = "/fleets/" + fleet.id() + "/status?pageSize=" + pageSize;
        // Warm-up: one full walk and a few first and last pages (JIT compilation, connection).
        Walk warmUp = walk(partner, first);
        check(warmUp, vehicles);
        String last = path(get(partner, first).path("_links").path("last"));
        for (int i = 0; i < repeats; i++) {
            get(partner, first);
            get(partner, last);
            get(partner, warmUp.lastPage());
        }
        String one = "/fleets/" + fleet.id();
        long[] firstTimes = new long[repeats];
        long[] lastTimes = new long[repeats];
        long[] fleetTimes = new long[repeats];
        // The last page as a client paging forward reaches it: the walk's last next link.
        String lastByNext = warmUp.lastPage();
        long[] lastByNextTimes = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            lastByNextTimes[i] = timed(partner, lastByNext);
            // Alternating, so that all see the same state of the caches and the machine.
            firstTimes[i] = timed(partner, first);
            lastTimes[i] = timed(partner, last);
            // A call without vehicle data (authentication, the fleet): what every page costs besides its items.
            fleetTimes[i] = timed(partner, one);
        }
        // Full walks: each takes longer than the current states stay cached (a second), so each of
        // its pages reads its vehicles' states from the database, as a client paging through once does.
        int walks = 5;
        long[] walkFirst = new long[walks];
        long[] walkLast = new long[walks];
        long[] walkTotal = new long[walks];
        Walk measured = null;
        for (int w = 0; w < walks; w++) {
            measured = walk(partner, first);
            check(measured, vehicles);
            walkFirst[w] = measured.firstPageNanos();
            walkLast[w] = measured.lastPageNanos();
            walkTotal[w] = measured.nanos();
        }
        double firstMs = median(firstTimes) / 1e6;
        double lastMs = median(lastTimes) / 1e6;
        String report = String.format(java.util.Locale.ROOT, """
                vehicles             %d
                page size            %d
                pages                %d
                full walks (%d, states read from the database):
                  first page (median)  %.2f ms
                  last page (median)   %.2f ms
                  last / first         %.2f
                  whole walk (median)  %.2f s (%.2f ms a page)
                repeated calls (%d each, states cached):
                  first page (median)  %.2f ms
                  last page via its link (median)  %.2f ms
                  last page via next links (median)  %.2f ms
                  last / first         %.2f
                  GET fleet (median)   %.2f ms
                %s""", vehicles, pageSize, measured.pages(), walks, median(walkFirst) / 1e6,
                median(walkLast) / 1e6, median(walkLast) / median(walkFirst), median(walkTotal) / 1e9,
                median(walkTotal) / 1e6 / measured.pages(), repeats, firstMs, lastMs,
                median(lastByNextTimes) / 1e6, lastMs / firstMs, median(fleetTimes) / 1e6, Runtime.version());
        System.out.println("BENCH RESULT\n" + report);
        Files.writeString(out.resolve("result.txt"), report);
    }

    private static void awaitStored(List<CompletableFuture<IngestOutcome>> sent) {
        for (CompletableFuture<IngestOutcome> outcome : sent) {
            if (outcome.join() != IngestOutcome.STORED) {
                throw new IllegalStateException("bench data not stored");
            }
        }
        sent.clear();
    }

    private record Walk(int pages, int items, long nanos, String lastPage, long firstPageNanos, long lastPageNanos) {
    }

    private static Walk walk(B2bClient partner, String first) {
        Set<String> vins = new HashSet<>();
        int pages = 0;
        int items = 0;
        long start = System.nanoTime();
        String next = first;
        String lastPage = first;
        long firstPageNanos = 0;
        long lastPageNanos = 0;
        while (next != null) {
            lastPage = next;
            long pageStart = System.nanoTime();
            JsonNode page = get(partner, next);
            lastPageNanos = System.nanoTime() - pageStart;
            if (pages == 0) {
                firstPageNanos = lastPageNanos;
            }
            pages++;
            for (JsonNode status : page.path("_embedded").path("status")) {
                if (!vins.add(status.path("vin").stringValue())) {
                    throw new IllegalStateException("a vehicle twice: " + status.path("vin").stringValue());
                }
                items++;
            }
            next = page.path("_links").has("next") ? path(page.path("_links").path("next")) : null;
        }
        return new Walk(pages, items, System.nanoTime() - start, lastPage, firstPageNanos, lastPageNanos);
    }

    private static void check(Walk walk, int vehicles) {
        if (walk.items() != vehicles) {
            throw new IllegalStateException("the walk saw " + walk.items() + " vehicles of " + vehicles);
        }
    }

    private static long timed(B2bClient partner, String path) {
        long start = System.nanoTime();
        get(partner, path);
        return System.nanoTime() - start;
    }

    private static JsonNode get(B2bClient partner, String path) {
        HttpResponse<String> r = partner.get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A link's path below the API base, without the client_id the client adds itself. */
    private static String path(JsonNode link) {
        URI uri = URI.create(link.path("href").stringValue());
        String query = uri.getRawQuery().replaceAll("(^|&)client_id=[^&]*", "").replaceFirst("^&", "");
        return uri.getRawPath().substring(B2bClient.BASE.length()) + "?" + query;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
