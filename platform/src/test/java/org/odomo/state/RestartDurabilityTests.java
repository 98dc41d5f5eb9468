package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.events.VehicleEventLog;
import org.odomo.support.EventConsumers;
import org.odomo.support.Services;
import org.odomo.trip.Trip;
import org.odomo.trip.TripQueries;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A platform process killed with SIGKILL in the middle of ingestion keeps, once restarted, what it
 * acknowledged: on PostgreSQL everything; on the embedded H2 database everything but at most the
 * last half second, as docs/benchmarks.md (Durability) says: H2 writes committed transactions to
 * its file in the background, every 500 ms. The trips, which consume the event log after the
 * acknowledgement, catch up from their cursor after the restart and miss none of what was kept.
 *
 * <p>The platform runs in a child JVM ({@link CrashingNode}) on the test classpath, ingesting one
 * vehicle's telemetry without end; the test notes the time at which it read each acknowledgement,
 * kills the process, then starts the platform again on the same database and compares.
 */
class RestartDurabilityTests {

    /**
     * The loss window docs/benchmarks.md promises for H2. H2 writes in the background every 500 ms
     * (its WRITE_DELAY), but the writer can lag behind that: a kill once lost about a second of
     * acknowledged messages. The promise is a few seconds, with a margin for a busy machine.
     */
    private static final Duration H2_LOSS_WINDOW = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;

    /** What the killed process reported: its vehicle, each acknowledged message and when the test read it. */
    private record Run(String vin, Instant start, Map<Long, Long> ackReadAtNanos, List<String> refused,
            long killedAtNanos) {

        /** The messages acknowledged at least {@code age} before the kill (all of them for a zero age). */
        Set<Long> acknowledgedBefore(Duration age) {
            long limit = killedAtNanos - age.toNanos();
            return ackReadAtNanos.entrySet().stream().filter(e -> age.isZero() || e.getValue() <= limit)
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void embeddedDatabaseKeepsWhatItAcknowledgedBeforeItsLossWindowAcrossAKill() throws Exception {
        List<String> platform = List.of("--odomo.data-dir=" + dataDir);
        Run run = ingestAndKill("test", platform);

        Set<Long> promised = run.acknowledgedBefore(H2_LOSS_WINDOW);
        assertThat(promised).as("acknowledged more than the loss window before the kill").hasSizeGreaterThan(100);
        try (ConfigurableApplicationContext restarted = restart(new String[] {"test"}, platform)) {
            checkKept(restarted, run, promised);
        }
    }

    @Test
    @Tag("services")
    void postgresKeepsEverythingItAcknowledgedAcrossAKill() throws Exception {
        String schema = Services.freshSchema();
        List<String> platform = Services.postgresSchema(schema).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        Run run = ingestAndKill("test,postgres", platform);

        Set<Long> promised = run.acknowledgedBefore(Duration.ZERO);
        assertThat(promised).hasSizeGreaterThan(100);
        try (ConfigurableApplicationContext restarted = restart(new String[] {"test", "postgres"}, platform)) {
            checkKept(restarted, run, promised);
        }
    }

    /**
     * Every promised message is in the history, with its position; nothing else is there but
     * messages that were sent; the current state is that of the newest message stored.
     */
    private static void checkKept(ConfigurableApplicationContext restarted, Run run, Set<Long> promised) {
        assertThat(run.refused()).as("messages the platform refused").isEmpty();
        assertThat(restarted.getBean(VehicleRegistry.class).find(run.vin())).isPresent();
        JdbcTemplate jdbc = restarted.getBean(JdbcTemplate.class);
        Set<Long> stored = new TreeSet<>(jdbc.queryForList("SELECT msg_id FROM vehicle_message WHERE vin = ?",
                String.class, run.vin()).stream().map(Long::valueOf).toList());
        Set<Long> missing = new TreeSet<>(promised);
        missing.removeAll(stored);
        assertThat(missing).as("acknowledged, then lost").isEmpty();
        long positions = jdbc.queryForObject("SELECT COUNT(*) FROM position_history WHERE vin = ?", Long.class,
                run.vin());
        assertThat(positions).as("one position per stored message").isEqualTo(stored.size());
        long newest = Collections.max(stored);
        VehicleState state = restarted.getBean(VehicleHistory.class).current(run.vin()).orElseThrow();
        assertThat(state.part("odometer").orElseThrow().path("mileage").longValue()).isEqualTo(1000 + newest);

        // Every stored message is in the one trip, up to the newest: the trips lost nothing to the kill.
        EventConsumers.awaitCaughtUp(restarted.getBean(VehicleEventLog.class));
        long first = Collections.min(stored);
        List<Trip> trips = restarted.getBean(TripQueries.class).trips(run.vin(), null, null, 0, 10);
        assertThat(trips).hasSize(1);
        Trip trip = trips.get(0);
        assertThat(trip.done()).isFalse();
        assertThat(trip.startedAt()).isEqualTo(run.start().plusSeconds(30 * first));
        assertThat(trip.startMileage()).isEqualTo(1000.0 + first);
        assertThat(trip.duration()).isEqualTo(30 * (newest - first));
        assertThat(trip.distance()).isEqualTo((double) (newest - first));
    }

    /** Starts {@link CrashingNode} in a child JVM, lets it acknowledge for a while, kills it with SIGKILL. */
    private static Run ingestAndKill(String profiles, List<String> platformArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashingNode.class.getName(), profiles));
        command.addAll(platformArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<Long, Long> acks = new ConcurrentHashMap<>();
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        String[] vin = new String[1];
        Instant[] start = new Instant[1];
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null;) {
                    long now = System.nanoTime();
                    if (line.startsWith(CrashingNode.PREFIX + "ACK ")) {
                        acks.put(Long.parseLong(line.substring((CrashingNode.PREFIX + "ACK ").length())), now);
                    } else if (line.startsWith(CrashingNode.PREFIX + "NACK ")) {
                        refused.add(line);
                    } else if (line.startsWith(CrashingNode.PREFIX + "START ")) {
                        start[0] = Instant.parse(line.substring((CrashingNode.PREFIX + "START ").length()));
                    } else if (line.startsWith(CrashingNode.PREFIX + "VIN ")) {
                        vin[0] = line.substring((CrashingNode.PREFIX + "VIN ").length());
                    } else if (log.size() < 500) {
                        log.add(line);
                    }
                }
            } catch (java.io.IOException e) {
                log.add("output unreadable: " + e);
            }
        }, "crashing-node-output");
        reader.setDaemon(true);
        reader.start();
        long killedAt;
        try {
            // Some hundreds of acknowledgements, the oldest well past H2's loss window, then a kill
            // while messages are in flight.
            long[] firstAck = {0};
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    return true;
                }
                if (firstAck[0] == 0 && !acks.isEmpty()) {
                    firstAck[0] = System.nanoTime();
                }
                return acks.size() >= 300 && System.nanoTime() - firstAck[0] > TimeUnit.SECONDS.toNanos(6);
            });
            assertThat(process.isAlive()).as("platform process running; its output: %s", log).isTrue();
            killedAt = System.nanoTime();
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        // 128 + 9: the process ended by SIGKILL, not by a shutdown of its own.
        assertThat(process.exitValue()).isEqualTo(137);
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(vin[0]).isNotNull();
        return new Run(vin[0], start[0], Map.copyOf(acks), List.copyOf(refused), killedAt);
    }

    private static ConfigurableApplicationContext restart(String[] profiles, List<String> platformArgs) {
        List<String> args = new ArrayList<>(platformArgs);
        args.add("--spring.main.banner-mode=off");
        return new SpringApplicationBuilder(OdomoApplication.class).web(WebApplicationType.NONE).profiles(profiles)
                .run(args.toArray(String[]::new));
    }
}
