package org.odomo.simulator;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;

/**
 * Not a unit test: runs a big fleet against a transport that only counts, and prints the heap the
 * fleet needs and the message rate it sustains. See docs/simulator.md for how to run it.
 * <p>
 * Arguments: vehicles (100000), time factor (120), real seconds (60), then optionally
 * {@code save} to time a snapshot of the whole fleet to a temporary file.
 */
public final class FleetScaleCheck {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    /** Acknowledges everything at once and counts messages and bytes. */
    static final class CountingTransport implements VehicleTransport {
        final LongAdder messages = new LongAdder();
        final LongAdder bytes = new LongAdder();

        @Override
        public VehicleLink connect(String vin, Consumer<byte[]> downlink) {
            return new VehicleLink() {
                @Override
                public CompletionStage<Void> send(MessageType type, byte[] json) {
                    messages.increment();
                    bytes.add(json.length);
                    return DONE;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        int vehicles = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double factor = args.length > 1 ? Double.parseDouble(args[1]) : 120;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        boolean save = args.length > 3 && args[3].equals("save");

        CountingTransport transport = new CountingTransport();
        // Wednesday 14 January 2026, 06:00 in Paris: the morning rush starts within the run
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(2026).withTimeFactor(factor)
                .withStart(Instant.parse("2026-01-14T05:00:00Z"));
        FleetSimulator fleet = new FleetSimulator(transport, new ProtocolCodec(), settings);
        List<VehicleModel> models = VehicleModels.all();
        long t0 = System.nanoTime();
        for (int i = 0; i < vehicles; i++) {
            fleet.add(vehicle(i, models));
        }
        System.out.printf("added %,d vehicles in %.1f s%n", vehicles, (System.nanoTime() - t0) / 1e9);
        printHeap("heap after adding (after GC)");

        fleet.start();
        long start = System.nanoTime();
        long lastCount = 0;
        long lastTime = start;
        long maxLag = 0;
        for (int s = 10; s <= seconds; s += 10) {
            Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
            long now = System.nanoTime();
            long count = transport.messages.sum();
            long lag = fleet.lagSeconds();
            maxLag = Math.max(maxLag, lag);
            SimulatorStats st = fleet.stats();
            System.out.printf("t=%3ds sim=%s msgs=%,d rate=%,.0f/s awake=%,d driving=%,d charging=%,d pending=%d lag=%ds%n",
                    s, st.simulatedTime(), count, (count - lastCount) / ((now - lastTime) / 1e9), st.awake(),
                    st.driving(), st.charging(), st.pending(), lag);
            lastCount = count;
            lastTime = now;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = transport.messages.sum();
        System.out.printf("%,d messages (%,.0f MB) in %.1f s: %,.0f messages/s, %,.0f bytes per message, max lag %d simulated s%n",
                total, transport.bytes.sum() / 1e6, elapsed, total / elapsed,
                transport.bytes.sum() / (double) Math.max(1, total), maxLag);
        printHeap("heap while running (after GC)");
        if (save) {
            Path file = Files.createTempFile("fleet", ".json");
            long s0 = System.nanoTime();
            FleetSimulator.save(fleet, file);
            System.out.printf("snapshot of %,d vehicles: %,.0f MB in %.1f s%n", vehicles, Files.size(file) / 1e6,
                    (System.nanoTime() - s0) / 1e9);
            Files.delete(file);
        }
        fleet.close();
        System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, "
                + Runtime.getRuntime().availableProcessors() + " processors");
    }

    /** Cars around the simulator's cities, mostly "data and location", of every model. */
    private static SimulatedVehicle vehicle(int i, List<VehicleModel> models) {
        City c = City.get(i % City.ALL.size());
        long h = Twin.mix(i * 0x9E3779B97F4A7C15L);
        double dx = ((h & 0xffff) / 65535.0 - 0.5) * 0.5;
        double dy = (((h >>> 16) & 0xffff) / 65535.0 - 0.5) * 0.3;
        int p = (int) ((h >>> 32) % 100);
        PrivacyMode privacy = p < 90 ? PrivacyMode.DATA_AND_LOCATION : p < 97 ? PrivacyMode.DATA : PrivacyMode.PLANE;
        return new SimulatedVehicle(String.format("VF3SCA%011d", i), models.get(i % models.size()).code(),
                "credential-" + i, privacy, EnumSet.allOf(DataCategory.class), c.lon() + dx, c.lat() + dy);
    }

    private static void printHeap(String label) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("%s: %,d MiB%n", label, used >> 20);
    }
}
