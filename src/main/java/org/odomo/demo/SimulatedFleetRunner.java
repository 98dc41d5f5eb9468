package org.odomo.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The embedded default's demo: seeds the demo accounts and vehicles on first start and runs the
 * simulated fleet. The simulated cars keep their credentials and state in
 * {@code <data-dir>/simulator/fleet.json}, as real cars keep theirs on board, so a restart
 * resumes them where they were.
 */
@Component
class SimulatedFleetRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SimulatedFleetRunner.class);

    private final DemoProperties demo;
    private final SimulatorProperties simulator;
    private final DemoSeeder seeder;
    private final VehicleRegistry registry;
    private final VehicleTransport transport;
    private final ProtocolCodec codec;
    private final Path dataDir;
    private volatile FleetSimulator fleet;
    private ScheduledExecutorService saver;
    private volatile boolean running;

    SimulatedFleetRunner(DemoProperties demo, SimulatorProperties simulator, DemoSeeder seeder,
            VehicleRegistry registry, VehicleTransport transport, ProtocolCodec codec,
            @Value("${odomo.data-dir}") String dataDir) {
        this.demo = demo;
        this.simulator = simulator;
        this.seeder = seeder;
        this.registry = registry;
        this.transport = transport;
        this.codec = codec;
        this.dataDir = Path.of(dataDir);
    }

    Path fleetFile() {
        return dataDir.resolve("simulator").resolve("fleet.json");
    }

    @Override
    public void start() {
        running = true;
        if (!demo.enabled() && !simulator.enabled()) {
            return;
        }
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(simulator.seed())
                .withTimeFactor(simulator.timeFactor());
        Path file = fleetFile();
        if (simulator.enabled() && Files.exists(file)) {
            fleet = FleetSimulator.load(file, transport, codec, settings);
            long unknown = fleet.vehicles().stream().filter(v -> registry.findCached(v.vin()).isEmpty()).count();
            if (unknown > 0) {
                log.warn("{} simulated vehicles of {} are not registered on this database; their messages will be "
                        + "rejected (delete {} to seed a new fleet)", unknown, file, file);
            }
        } else {
            DemoFleet plan = new DemoFleet(simulator.seed(), Math.max(simulator.vehicles(), 18));
            List<DemoSeeder.SeededCar> seeded = seeder.seed(plan, demo.password());
            writeActivationCodes(seeded);
            if (!simulator.enabled()) {
                return;
            }
            fleet = new FleetSimulator(transport, codec, settings);
            for (DemoSeeder.SeededCar car : seeded) {
                fleet.add(new SimulatedVehicle(car.car().vin(), car.car().modelCode(), car.credential(),
                        car.car().privacy(), ConnectedService.dataCoveredBy(car.car().services()),
                        car.car().homeLongitude(), car.car().homeLatitude()));
            }
            FleetSimulator.save(fleet, file);
        }
        fleet.start();
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulator-save");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(this::save, 60, 60, TimeUnit.SECONDS);
        log.info("simulated fleet running: {} vehicles, time factor {}", fleet.vehicles().size(),
                simulator.timeFactor());
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

    @Override
    public void stop() {
        running = false;
        if (saver != null) {
            saver.shutdownNow();
        }
        FleetSimulator f = fleet;
        if (f != null) {
            f.close();
            save();
            fleet = null;
        }
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
