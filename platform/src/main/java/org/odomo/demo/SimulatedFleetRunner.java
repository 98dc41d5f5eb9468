package org.odomo.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.odomo.apps.OperatorProperties;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.simulator.SimulatorStats;
import org.odomo.tls.HttpsConnector;
import org.odomo.tls.TlsProperties;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The embedded default's demo: seeds the demo accounts and vehicles on first start, fills the
 * days before it (the backfill) and runs the simulated fleet live. The simulated cars keep their
 * credentials and state in {@code <data-dir>/simulator/fleet.json}, as real cars keep theirs on
 * board, so a restart resumes them where they were.
 * <p>
 * The backfill runs the same fleet on a manual clock from {@code odomo.demo.backfill} ago up to
 * now, as fast as the platform takes the messages, through the same transport and ingestion as
 * live messages (so trips, alerts and charges are what the platform made of them). It runs on a
 * thread of its own, so the platform serves while it fills; the fleet then goes live from the
 * state the backfill left, and a line in the log says so. The database records how far it got:
 * a restart resumes an unfinished backfill and never starts a finished one again.
 */
@Component
class SimulatedFleetRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SimulatedFleetRunner.class);
    /** Simulated time run per step of the backfill. */
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration SAVE_EVERY = Duration.ofDays(1);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Steps the backfill may run ahead of what the platform has taken. A car keeps a bounded
     * number of unacknowledged messages (and gives up the oldest past it), so the simulation must
     * not outrun the ingestion by more than a few simulated minutes; a few steps in flight keep
     * the ingestion's batches full all the same.
     */
    private static final int STEPS_AHEAD = 5;

    private final DemoProperties demo;
    private final SimulatorProperties simulator;
    private final DemoSeeder seeder;
    private final VehicleRegistry registry;
    private final VehicleTransport transport;
    private final ProtocolCodec codec;
    private final BackfillLedger ledger;
    private final OperatorProperties operator;
    private final Environment environment;
    private final DemoPartner partnerSeeder;
    private final TlsProperties tls;
    private final ObjectProvider<HttpsConnector> https;
    private final Clock clock;
    private final Path dataDir;
    private final Object transitions = new Object();
    private volatile FleetSimulator fleet;
    private volatile Thread backfiller;
    private volatile Backfill lastBackfill;
    private volatile DemoPartner.Seeded demoPartner;
    /** The backfill's clock while it runs, so that a stop records how far it got. */
    private volatile SimClock.Manual backfillClock;
    private volatile long backfillMessagesBefore;
    private volatile ScheduledExecutorService saver;
    private volatile boolean running;
    private volatile boolean liveNow;
    private boolean live;
    private boolean ready;

    /** What a backfill did, once finished. */
    record Backfill(Instant from, Instant to, long messages, Duration took) {
    }

    SimulatedFleetRunner(DemoProperties demo, SimulatorProperties simulator, DemoSeeder seeder,
            VehicleRegistry registry, VehicleTransport transport, ProtocolCodec codec, BackfillLedger ledger,
            OperatorProperties operator, Environment environment, DemoPartner partnerSeeder, TlsProperties tls,
            ObjectProvider<HttpsConnector> https, Optional<Clock> clock, @Value("${odomo.data-dir}") String dataDir) {
        this.demo = demo;
        this.simulator = simulator;
        this.seeder = seeder;
        this.registry = registry;
        this.transport = transport;
        this.codec = codec;
        this.ledger = ledger;
        this.operator = operator;
        this.environment = environment;
        this.partnerSeeder = partnerSeeder;
        this.tls = tls;
        this.https = https;
        this.clock = clock.orElse(Clock.systemUTC());
        this.dataDir = Path.of(dataDir);
    }

    Path fleetFile() {
        return dataDir.resolve("simulator").resolve("fleet.json");
    }

    private SimulatorSettings settings() {
        return SimulatorSettings.defaults().withSeed(simulator.seed()).withTimeFactor(simulator.timeFactor());
    }

    @Override
    public void start() {
        running = true;
        if (!demo.enabled() && !simulator.enabled()) {
            return;
        }
        Path file = fleetFile();
        Optional<BackfillLedger.Entry> entry = demo.enabled() && simulator.enabled() ? ledger.find() : Optional.empty();
        if (simulator.enabled() && Files.exists(file)) {
            seedPartner(new DemoFleet(simulator.seed(), Math.max(simulator.vehicles(), 18)), null);
            if (entry.isPresent() && !entry.get().finished()) {
                // stopped while filling the past: carry on from the last saved point
                SimClock.Manual manual = SimClock.manual(entry.get().reached());
                FleetSimulator past = FleetSimulator.load(file, transport, codec, settings(), manual);
                log.info("demo backfill: resuming from {}", entry.get().reached());
                startBackfill(past, manual, entry.get().windowFrom(), entry.get().messages());
                return;
            }
            goLive(FleetSimulator.load(file, transport, codec, liveSettings()));
            return;
        }
        DemoFleet plan = new DemoFleet(simulator.seed(), Math.max(simulator.vehicles(), 18));
        List<DemoSeeder.SeededCar> seeded = seeder.seed(plan, demo.password());
        writeActivationCodes(seeded);
        Duration window = simulator.enabled() && demo.enabled() && entry.isEmpty() && !seeded.isEmpty()
                ? demo.backfill() : Duration.ZERO;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // the partner's fleets see what their cars send from the start of the backfilled past
        seedPartner(plan, now.minus(window));
        if (!simulator.enabled()) {
            return;
        }
        if (window.isZero()) {
            FleetSimulator f = new FleetSimulator(transport, codec, liveSettings());
            addAll(f, seeded);
            FleetSimulator.save(f, file);
            goLive(f);
            return;
        }
        Instant from = now.minus(window);
        SimClock.Manual manual = SimClock.manual(from);
        FleetSimulator past = new FleetSimulator(transport, codec, settings().withStart(from), manual);
        addAll(past, seeded);
        for (DemoFleet.PlannedCollision c : DemoFleet.plannedCollisions(simulator.seed(), plan.cars, from, window)) {
            if (seeded.stream().anyMatch(s -> s.car().vin().equals(c.vin()))) {
                past.planCollision(c.vin(), c.notBefore());
            }
        }
        FleetSimulator.save(past, file);
        ledger.begin(from);
        log.info("demo backfill: {} vehicles live the {} before now ({} to {}) before going live",
                seeded.size(), window, from, now);
        startBackfill(past, manual, from, 0);
    }

    /** The demo's fleet owner (see {@link DemoPartner}); the demo goes on without it if that fails. */
    /** @param since from when the fleets it creates see their cars' data (null: from now) */
    private void seedPartner(DemoFleet plan, Instant since) {
        if (!demo.enabled()) {
            return;
        }
        try {
            demoPartner = partnerSeeder.ensure(plan, demo.password(), since);
        } catch (IOException | RuntimeException e) {
            log.warn("could not set up the demo fleet owner: {}", e.getMessage(), e);
        }
    }

    private static void addAll(FleetSimulator f, List<DemoSeeder.SeededCar> seeded) {
        for (DemoSeeder.SeededCar car : seeded) {
            f.add(new SimulatedVehicle(car.car().vin(), car.car().modelCode(), car.credential(),
                    car.car().privacy(), ConnectedService.dataCoveredBy(car.car().services()),
                    car.car().homeLongitude(), car.car().homeLatitude()));
        }
    }

    private void startBackfill(FleetSimulator past, SimClock.Manual manual, Instant from, long messagesBefore) {
        fleet = past;
        backfillClock = manual;
        backfillMessagesBefore = messagesBefore;
        Thread t = new Thread(() -> {
            try {
                backfill(past, manual, from, messagesBefore);
            } catch (RuntimeException e) {
                log.error("demo backfill failed; restart to resume it", e);
            }
        }, "demo-backfill");
        t.setDaemon(true);
        backfiller = t;
        t.start();
    }

    /** Runs the fleet from its manual clock's time up to now, then takes it live. */
    private void backfill(FleetSimulator past, SimClock.Manual manual, Instant from, long messagesBefore) {
        long began = System.nanoTime();
        long nextProgress = began + PROGRESS_NANOS;
        Instant nextSave = manual.now().plus(SAVE_EVERY);
        long[] sentAfterStep = new long[STEPS_AHEAD];
        long steps = 0;
        while (running) {
            // wait for the platform to take what was sent STEPS_AHEAD steps ago
            long mustSettle = sentAfterStep[(int) (steps % STEPS_AHEAD)];
            while (running && past.stats().sent() - past.inFlight() < mustSettle) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                past.runDue();
            }
            Instant target = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant at = manual.now();
            if (!at.isBefore(target)) {
                break;
            }
            Instant next = at.plus(STEP).isBefore(target) ? at.plus(STEP) : target;
            manual.set(next);
            past.runDue();
            sentAfterStep[(int) (steps++ % STEPS_AHEAD)] = past.stats().sent();
            if (!next.isBefore(nextSave)) {
                settle(past);
                FleetSimulator.save(past, fleetFile());
                ledger.reached(next, messagesBefore + past.stats().acked());
                nextSave = next.plus(SAVE_EVERY);
            }
            long nanos = System.nanoTime();
            if (nanos >= nextProgress) {
                nextProgress = nanos + PROGRESS_NANOS;
                progress(past, from, next, target, messagesBefore, nanos - began);
            }
        }
        settle(past);
        synchronized (transitions) {
            if (!running) {
                return; // stop() saves where it got to
            }
            Instant reached = manual.now();
            long messages = messagesBefore + past.stats().acked();
            FleetSimulator.save(past, fleetFile());
            past.close();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            ledger.finish(reached, messages, clock.instant());
            lastBackfill = new Backfill(from, reached, messages, took);
            log.info("demo backfill: 100 % — {} to {}, {} messages in {} s", from, reached, messages,
                    took.toSeconds());
            backfillClock = null;
            // the same cars, from the state the past left them in, on the real-time clock
            goLive(FleetSimulator.load(fleetFile(), transport, codec, liveSettings()));
        }
    }

    private static void progress(FleetSimulator past, Instant from, Instant at, Instant to, long messagesBefore,
            long nanos) {
        double share = Math.max(0, Math.min(1, (double) Duration.between(from, at).toSeconds()
                / Math.max(1, Duration.between(from, to).toSeconds())));
        int width = 30;
        int filled = (int) Math.round(share * width);
        SimulatorStats s = past.stats();
        long acked = s.acked();
        double seconds = nanos / 1e9;
        log.info("demo backfill: [{}{}] {} % — simulated {}, {} messages stored ({} a second)",
                "#".repeat(filled), ".".repeat(width - filled), Math.round(share * 100), at,
                messagesBefore + acked, seconds > 0 ? Math.round(acked / seconds) : 0);
    }

    /** Waits until the platform has taken every message sent (bounded: what is left is resent later). */
    private void settle(FleetSimulator past) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (true) {
            past.runDue();
            if (past.inFlight() == 0) {
                return;
            }
            if (!running) {
                return; // stopping: what is unacknowledged is saved and sent again on resuming
            }
            if (System.nanoTime() > deadline) {
                log.warn("demo backfill: {} messages still unacknowledged; they will be sent again", past.inFlight());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The real-time (accelerated) clock starts now (or where a saved fleet was, if later). */
    private SimulatorSettings liveSettings() {
        return settings().withStart(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Runs the fleet on its real-time clock from now on. */
    private void goLive(FleetSimulator f) {
        Path file = fleetFile();
        long unknown = f.vehicles().stream().filter(v -> registry.findCached(v.vin()).isEmpty()).count();
        if (unknown > 0) {
            log.warn("{} simulated vehicles of {} are not registered on this database; their messages will be "
                    + "rejected (delete {} to seed a new fleet)", unknown, file, file);
        }
        fleet = f;
        int leaving = demo.enabled() ? driveNow(f) : 0;
        f.start();
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulator-save");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(this::save, 60, 60, TimeUnit.SECONDS);
        log.info("simulated fleet running: {} vehicles, time factor {}{}", f.vehicles().size(), simulator.timeFactor(),
                leaving > 0 ? ", " + leaving + " leaving on a trip within a minute" : "");
        synchronized (transitions) {
            live = true;
        }
        liveNow = true;
        banner();
    }

    /**
     * Makes the first {@code odomo.demo.drive-now} parked cars that show where they are leave
     * within a minute of real time, the demo drivers' cars first (they come first in the fleet).
     */
    private int driveNow(FleetSimulator f) {
        int wanted = demo.driveNow();
        if (wanted == 0) {
            return 0;
        }
        Instant now = f.clock().now();
        int leaving = 0;
        for (SimulatedVehicle v : f.vehicles()) {
            if (leaving == wanted) {
                break;
            }
            if (v.privacyMode() != PrivacyMode.DATA_AND_LOCATION || !v.upload().contains(DataCategory.POSITION)) {
                continue;
            }
            // a few real seconds apart, the last within half a minute
            double realSeconds = Math.min(30, 5 + 2 * leaving);
            if (f.departBy(v.vin(), now.plusSeconds((long) (realSeconds * simulator.timeFactor())))) {
                leaving++;
            }
        }
        return leaving;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        synchronized (transitions) {
            ready = true;
        }
        banner();
    }

    /** Once the application is ready and the fleet live (in whichever order), says where to look. */
    private void banner() {
        synchronized (transitions) {
            if (!ready || !live || !demo.enabled()) {
                return;
            }
            live = false; // once
        }
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        StringBuilder b = new StringBuilder("\n");
        String rule = "=".repeat(78);
        b.append(rule).append('\n');
        FleetSimulator f = fleet;
        b.append(" Odomo demo ready: ").append(f == null ? 0 : f.vehicles().size()).append(" simulated vehicles live");
        Backfill past = lastBackfill;
        if (past != null) {
            b.append(", with their last ").append(Duration.between(past.from(), past.to()).toDays())
                    .append(" days (").append(past.messages()).append(" messages)");
        }
        b.append('\n');
        b.append(" B2C API        ").append(base).append("/connectedcar/v4/user/vehicles\n");
        b.append(" API docs       ").append(base).append("/docs/b2c/index.html\n");
        b.append(" Account page   ").append(base).append("/am/account?realm=").append(Brand.PEUGEOT.realm())
                .append("  (realm: the brand's, below)\n");
        b.append(" Demo accounts  password ").append(demo.password()).append('\n');
        for (Brand brand : Brand.values()) {
            b.append(String.format("   %-20s %-26s %s%n", brand.realm(), DemoFleet.driverEmail(brand),
                    DemoFleet.fleetEmail(brand)));
        }
        DemoPartner.Seeded partner = demoPartner;
        if (partner != null) {
            partnerBanner(b, partner, base);
        }
        b.append(" Operator       ").append(operator.username()).append(" (password: odomo.operator.password)")
                .append(", admin API ").append(base).append("/admin/v1/apps\n");
        b.append(rule);
        log.info(b.toString());
    }

    /** The B2B lines: where the fleet API is, the demo fleet owner's credentials, a first call. */
    private void partnerBanner(StringBuilder b, DemoPartner.Seeded partner, String base) {
        String b2b = b2bBase();
        b.append(" B2B API        ").append(b2b == null ? "(HTTPS is off: odomo.tls.enabled)" : b2b + "/fleets")
                .append("  (mutual TLS; docs ").append(base).append("/docs/b2b/index.html)\n");
        b.append(" Fleet owner    login ").append(partner.partner().loginId()).append(", password ")
                .append(partner.password()).append(", client id ").append(partner.partner().clientId()).append('\n');
        for (var fleet : partner.fleets()) {
            b.append(String.format("   fleet %s  %s%n", fleet.id(), fleet.name()));
        }
        b.append("   key ").append(partner.key()).append(", certificate ").append(partner.certificate())
                .append(", CA ").append(partner.ca()).append('\n');
        if (b2b != null) {
            b.append("   curl --cert ").append(partner.certificate()).append(" --key ").append(partner.key())
                    .append(" --cacert ").append(partner.ca()).append(" -u ").append(partner.partner().loginId())
                    .append(':').append(partner.password()).append(" \"").append(b2b).append("/fleets?client_id=")
                    .append(partner.partner().clientId()).append("\"\n");
        }
    }

    /** The B2B API's base over HTTPS, or null when the platform serves no HTTPS. */
    private String b2bBase() {
        if (!tls.enabled()) {
            return null;
        }
        int port = tls.port();
        if (port == 0) {
            HttpsConnector connector = https.getIfAvailable();
            if (connector == null) {
                return null;
            }
            try {
                port = connector.port(Duration.ofSeconds(30));
            } catch (IllegalStateException e) {
                return null;
            }
        }
        return "https://localhost:" + port + "/connectedcar/v3";
    }

    /** The demo fleet owner, once set up (for tests). */
    Optional<DemoPartner.Seeded> demoPartner() {
        return Optional.ofNullable(demoPartner);
    }

    private void save() {
        FleetSimulator f = fleet;
        if (f != null) {
            try {
                FleetSimulator.save(f, fleetFile());
            } catch (RuntimeException e) {
                log.warn("could not save the simulated fleet: {}", e.getMessage());
            }
        }
    }

    private void writeActivationCodes(List<DemoSeeder.SeededCar> seeded) {
        List<String> lines = new ArrayList<>();
        for (DemoSeeder.SeededCar car : seeded) {
            if (car.activationCode() != null) {
                lines.add(car.car().brand().realm() + " " + car.car().vin() + " " + car.activationCode());
                log.info("demo vehicle to link by sign-up: realm {} VIN {} activation code {}",
                        car.car().brand().realm(), car.car().vin(), car.activationCode());
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            Path codes = dataDir.resolve("demo").resolve("activation-codes.txt");
            Files.createDirectories(codes.getParent());
            Files.write(codes, lines);
        } catch (IOException e) {
            log.warn("could not write the demo activation codes: {}", e.getMessage());
        }
    }

    /** The running fleet, for tests. */
    FleetSimulator fleet() {
        return fleet;
    }

    /** The backfill this start ran to its end, if any (for tests). */
    Optional<Backfill> lastBackfill() {
        return Optional.ofNullable(lastBackfill);
    }

    /** Whether the fleet runs live (a backfill, if any, is over). */
    boolean isLive() {
        return liveNow;
    }

    @Override
    public void stop() {
        synchronized (transitions) {
            running = false;
        }
        Thread t = backfiller;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (saver != null) {
            saver.shutdownNow();
        }
        FleetSimulator f = fleet;
        if (f != null) {
            f.close();
            save();
            SimClock.Manual manual = backfillClock;
            if (manual != null) {
                // an unfinished backfill resumes from the state just saved
                ledger.reached(manual.now(), backfillMessagesBefore + f.stats().acked());
                log.info("demo backfill: stopped at {}; the next start resumes it", manual.now());
            }
            fleet = null;
        }
        liveNow = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Start after, and stop before, the ingestion pipeline and the transports.
        return Integer.MAX_VALUE - 500;
    }
}
