package org.odomo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.account.AccountManagement;
import org.odomo.state.VehicleHistory;
import org.odomo.support.EventConsumers;
import org.odomo.trip.Trip;
import org.odomo.trip.TripQueries;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The demo profile's first start fills the past: right after the backfill the demo accounts'
 * cars have trips with waypoints and the fleet has alerts and a collision, stored by the platform
 * from what the cars sent; a restart does not fill it again. The platform runs on a fixed clock
 * (a Thursday evening in Paris, when every car is parked at home), with a small fleet and window.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoBackfillTests {

    private static final Instant NOW = Instant.parse("2026-03-12T21:30:00Z");
    private static final Duration WINDOW = Duration.ofDays(4);
    private static final Instant FROM = NOW.minus(WINDOW);

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return start(dataDir);
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(OdomoApplication.class).profiles("demo")
                .initializers(context -> context.getBeanFactory().registerSingleton("demoTestClock",
                        Clock.fixed(NOW, ZoneOffset.UTC)))
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off",
                        "--odomo.simulator.vehicles=24", "--odomo.simulator.time-factor=60",
                        "--odomo.demo.backfill=P4D", "--odomo.demo.drive-now=2",
                        "--odomo.operator.password=demo-test-operator");
    }

    private static void waitUntil(String what, Duration within, BooleanSupplier condition) {
        await(what).atMost(within).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }

    private static long count(ConfigurableApplicationContext context, String sql, Object... args) {
        return context.getBean(JdbcTemplate.class).queryForObject(sql, Long.class, args);
    }

    private static java.time.OffsetDateTime odt(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private static List<Double> mileages(List<VehicleHistory.StoredMessage> messages) {
        return messages.stream().map(m -> JSON.readTree(m.body()).path("data").path("odometer").path("mileage"))
                .filter(n -> n.isNumber()).map(n -> n.doubleValue()).toList();
    }

    private static double firstMileage(List<VehicleHistory.StoredMessage> messages) {
        return mileages(messages).get(0);
    }

    private static double lastMileage(List<VehicleHistory.StoredMessage> messages) {
        List<Double> all = mileages(messages);
        return all.get(all.size() - 1);
    }

    private static double distanceKm(VehicleHistory.PositionRecord a, VehicleHistory.PositionRecord b) {
        double x = Math.toRadians(b.longitude() - a.longitude()) * Math.cos(Math.toRadians((a.latitude() + b.latitude()) / 2));
        double y = Math.toRadians(b.latitude() - a.latitude());
        return Math.hypot(x, y) * 6371;
    }

    /** The demo drivers' cars whose trips the platform may keep with their positions. */
    private static List<Vehicle> driversCarsWithTrips(ConfigurableApplicationContext context) {
        AccountManagement accounts = context.getBean(AccountManagement.class);
        VehicleRegistry registry = context.getBean(VehicleRegistry.class);
        return java.util.Arrays.stream(Brand.values())
                .flatMap(brand -> registry.ownedBy(accounts.findByEmail(brand, DemoFleet.driverEmail(brand))
                        .orElseThrow().id()).stream())
                .filter(v -> v.privacyMode() == PrivacyMode.DATA_AND_LOCATION && ConnectedService
                        .dataCoveredBy(v.services()).containsAll(Set.of(DataCategory.TRIP, DataCategory.POSITION)))
                .toList();
    }

    /**
     * Stopped midway, the backfill resumes from its last saved point on the next start and leaves
     * the same past as a backfill that ran at one go (messages are sent again with their ids,
     * which the platform recognises).
     */
    @Test
    void anInterruptedBackfillResumesAndLeavesTheSamePast() {
        long messages;
        long trips;
        long positions;
        try (ConfigurableApplicationContext whole = start(dataDir.resolve("whole"))) {
            waitUntil("the backfill to end", Duration.ofMinutes(5), whole.getBean(SimulatedFleetRunner.class)::isLive);
            // Trips are built off the event log: counted once its consumers are past the backfill.
            EventConsumers.awaitHandledSoFar(whole.getBean(JdbcTemplate.class), Duration.ofMinutes(2));
            messages = count(whole, "SELECT COUNT(*) FROM vehicle_message WHERE measured_at < ?", odt(NOW));
            trips = count(whole, "SELECT COUNT(*) FROM trip WHERE started_at < ?", odt(NOW));
            positions = count(whole, "SELECT COUNT(*) FROM position_history WHERE measured_at < ?", odt(NOW));
        }
        Path resumed = dataDir.resolve("resumed");
        try (ConfigurableApplicationContext first = start(resumed)) {
            BackfillLedger ledger = first.getBean(BackfillLedger.class);
            waitUntil("a first day of the past", Duration.ofMinutes(2),
                    () -> ledger.find().orElseThrow().reached().isAfter(FROM.plus(Duration.ofDays(1))));
        }
        try (ConfigurableApplicationContext second = start(resumed)) {
            BackfillLedger.Entry interrupted = second.getBean(BackfillLedger.class).find().orElseThrow();
            SimulatedFleetRunner runner = second.getBean(SimulatedFleetRunner.class);
            waitUntil("the backfill to end", Duration.ofMinutes(5), runner::isLive);
            // Trips are built off the event log: counted once its consumers are past the backfill.
            EventConsumers.awaitHandledSoFar(second.getBean(JdbcTemplate.class), Duration.ofMinutes(2));
            assertThat(interrupted.finished()).as("stopped before its end").isFalse();
            assertThat(runner.lastBackfill().orElseThrow().from()).isEqualTo(FROM);
            assertThat(second.getBean(BackfillLedger.class).find().orElseThrow().finished()).isTrue();
            assertThat(count(second, "SELECT COUNT(*) FROM vehicle_message WHERE measured_at < ?", odt(NOW)))
                    .isEqualTo(messages);
            assertThat(count(second, "SELECT COUNT(*) FROM trip WHERE started_at < ?", odt(NOW))).isEqualTo(trips);
            assertThat(count(second, "SELECT COUNT(*) FROM position_history WHERE measured_at < ?", odt(NOW)))
                    .isEqualTo(positions);
        }
    }

    @Test
    void firstStartFillsThePastOnceAndGoesLive(CapturedOutput output) {
        BackfillLedger.Entry done;
        long storedBefore;
        long tripsBefore;
        try (ConfigurableApplicationContext first = start()) {
            SimulatedFleetRunner runner = first.getBean(SimulatedFleetRunner.class);
            waitUntil("the backfill to end", Duration.ofMinutes(5), runner::isLive);
            // Trips are built off the event log: counted once its consumers are past the backfill.
            EventConsumers.awaitHandledSoFar(first.getBean(JdbcTemplate.class), Duration.ofMinutes(2));

            done = first.getBean(BackfillLedger.class).find().orElseThrow();
            assertThat(done.windowFrom()).isEqualTo(FROM);
            assertThat(done.reached()).isEqualTo(NOW);
            assertThat(done.finished()).isTrue();
            SimulatedFleetRunner.Backfill backfill = runner.lastBackfill().orElseThrow();
            assertThat(backfill.from()).isEqualTo(FROM);
            assertThat(backfill.to()).isEqualTo(NOW);
            assertThat(backfill.messages()).isEqualTo(done.messages()).isPositive();
            // Nothing before the window; every message stored in it was acknowledged to its car
            // (some more were acknowledged without being stored: what a car's services filter out).
            assertThat(count(first, "SELECT COUNT(*) FROM vehicle_message WHERE measured_at < ?", odt(FROM))).isZero();
            storedBefore = count(first, "SELECT COUNT(*) FROM vehicle_message WHERE measured_at < ?", odt(NOW));
            assertThat(storedBefore).isPositive().isLessThanOrEqualTo(backfill.messages());

            // Each demo driver's car that shares its trips drove, with waypoints and consumption.
            TripQueries trips = first.getBean(TripQueries.class);
            List<Vehicle> cars = driversCarsWithTrips(first);
            assertThat(cars).hasSize(2 * Brand.values().length);
            for (Vehicle car : cars) {
                List<Trip> past = trips.trips(car.vin(), FROM, NOW, 0, 500);
                assertThat(past).as(car.vin()).isNotEmpty();
                Trip finished = past.stream().filter(Trip::done).findFirst().orElseThrow();
                assertThat(finished.distance()).as(car.vin()).isPositive();
                assertThat(finished.energyConsumptions()).as(car.vin()).isNotEmpty();
                assertThat(trips.waypointCount(car.vin(), finished.id())).as(car.vin()).isPositive();
            }
            // The fleet's incidents: alerts, and the collisions the backfill plans.
            assertThat(count(first, "SELECT COUNT(*) FROM alert WHERE started_at < ?", odt(NOW))).isPositive();
            assertThat(count(first, "SELECT COUNT(*) FROM collision WHERE occurred_at BETWEEN ? AND ?", odt(FROM),
                    odt(NOW))).isPositive();
            assertThat(count(first, "SELECT COUNT(*) FROM maintenance_record WHERE measured_at < ?", odt(NOW)))
                    .isPositive();
            tripsBefore = count(first, "SELECT COUNT(*) FROM trip WHERE started_at < ?", odt(NOW));

            // Live from there on: the two first demo cars leave at once (drive-now), late as it is.
            String peugeotDriver = DemoFleet.driverEmail(Brand.PEUGEOT);
            List<String> leaving = cars.stream().limit(2).map(Vehicle::vin).toList();
            waitUntil("the drive-now cars to start a trip", Duration.ofSeconds(90), () -> leaving.stream()
                    .allMatch(vin -> count(first, "SELECT COUNT(*) FROM trip WHERE vin = ? AND started_at >= ?", vin,
                            odt(NOW)) > 0));
            assertThat(first.getBean(AccountManagement.class).findByEmail(Brand.PEUGEOT, peugeotDriver)).isPresent();
            // They leave from where the past left them: nothing jumps between the backfill and live.
            VehicleHistory history = first.getBean(VehicleHistory.class);
            for (String vin : leaving) {
                List<VehicleHistory.PositionRecord> past = history.positions(vin, FROM, NOW, 1_000_000);
                VehicleHistory.PositionRecord last = past.get(past.size() - 1);
                VehicleHistory.PositionRecord next = history.positions(vin, NOW, NOW.plus(Duration.ofDays(1)), 1).get(0);
                assertThat(distanceKm(last, next)).as(vin).isLessThan(0.05);
                assertThat(firstMileage(history.messages(vin, NOW, NOW.plus(Duration.ofDays(1)), 1000)))
                        .as(vin).isEqualTo(lastMileage(history.messages(vin, FROM, NOW, 1_000_000)));
            }

            // The ready line says where to go and who to be.
            String port = first.getEnvironment().getProperty("local.server.port");
            waitUntil("the ready banner", Duration.ofSeconds(10), () -> output.getOut().contains("Odomo demo ready"));
            assertThat(output.getOut()).contains("http://localhost:" + port + "/connectedcar/v4/user/vehicles",
                    "http://localhost:" + port + "/docs/b2c/index.html",
                    "http://localhost:" + port + "/am/account?realm=clientsB2CPeugeot",
                    "driver@vauxhall.example", "fleet@opel.example", "password odomo-demo", "operator");
        }

        try (ConfigurableApplicationContext second = start()) {
            SimulatedFleetRunner runner = second.getBean(SimulatedFleetRunner.class);
            waitUntil("the fleet to go live", Duration.ofMinutes(1), runner::isLive);
            assertThat(runner.lastBackfill()).as("no second backfill").isEmpty();
            assertThat(second.getBean(BackfillLedger.class).find()).contains(done);
            assertThat(count(second, "SELECT COUNT(*) FROM vehicle_message WHERE measured_at < ?", odt(NOW)))
                    .isEqualTo(storedBefore);
            assertThat(count(second, "SELECT COUNT(*) FROM trip WHERE started_at < ?", odt(NOW)))
                    .isEqualTo(tripsBefore);
        }
    }
}
