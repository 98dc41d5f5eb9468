package org.odomo.trip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.trip.TripMessages.drive;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.odomo.events.VehicleEventLog;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.state.RetentionProperties;
import org.odomo.state.VehicleHistory;
import org.odomo.support.EventConsumers;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Trips built from messages sent through the ingest gateway, on the embedded database. */
@SpringBootTest
@ActiveProfiles("test")
class TripTrackingTests {

    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    TripQueries trips;
    @Autowired
    TripRetention tripRetention;
    @Autowired
    VehicleHistory history;
    @Autowired
    TripStore store;
    @Autowired
    RetentionProperties retention;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TripTracker tracker;

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));

    @Autowired
    VehicleEventLog events;

    /** Sends the message and waits until the trips have taken it in. */
    private IngestOutcome send(ObjectNode message) {
        IngestOutcome outcome = gateway.submit(TestVehicles.bytes(message)).join();
        EventConsumers.awaitCaughtUp(events);
        return outcome;
    }

    private RegisteredVehicle car(String model, PrivacyMode mode, ConnectedService... services) {
        return TestVehicles.register(registry, model, mode, services);
    }

    private double updates(String how) {
        return meters.counter("odomo.trips.updates", "how", how).count();
    }

    private List<Trip> all(String vin) {
        return trips.trips(vin, null, null, 0, 100);
    }

    /** The trip without what differs between two vehicles given the same drive. */
    static Trip comparable(Trip t) {
        return new Trip(null, null, null, null, t.startedAt(), t.stoppedAt(), t.startPosition(), t.stopPosition(),
                t.duration(), t.distance(), t.startMileage(), t.startEnergies(), t.endEnergies(), t.energyConsumptions(),
                t.kinetic(), t.segments(), t.done(), t.faults());
    }

    private Trip referenceTrip(String model, String energy) {
        RegisteredVehicle ref = car(model, PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        drive(ref.vehicle().vin(), ref.credential(), "m", t0, 10, energy).forEach(this::send);
        List<Trip> list = all(ref.vehicle().vin());
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    @Test
    void aTripInOrder() {
        RegisteredVehicle v = car("P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        List<ObjectNode> messages = new ArrayList<>(drive(vin, v.credential(), "m", t0, 10, "Electric"));
        messages.add(0, TripMessages.alert(vin, v.credential(), "a-before", t0.minusSeconds(600), "AddWasherFluid"));
        messages.add(3, TripMessages.alert(vin, v.credential(), "a-during", t0.plusSeconds(45), "RiskOfIce"));
        messages.add(5, TripMessages.collision(vin, v.credential(), "c-during", t0.plusSeconds(75)));
        messages.add(TripMessages.collision(vin, v.credential(), "c-after", t0.plusSeconds(1000)));

        double rebuilt = updates("rebuilt");
        double appended = updates("appended");
        // While it goes on, the trip is there, not done.
        for (int i = 0; i < 8; i++) {
            assertThat(send(messages.get(i))).isEqualTo(IngestOutcome.STORED);
        }
        Trip running = all(vin).get(0);
        assertThat(running.done()).isFalse();
        assertThat(running.stoppedAt()).isNull();
        assertThat(running.startedAt()).isEqualTo(t0);
        assertThat(running.duration()).isEqualTo(120); // to m004, the latest sample
        messages.subList(8, messages.size()).forEach(m -> assertThat(send(m)).isEqualTo(IngestOutcome.STORED));

        // In order, every sample after the Start was appended to the open trip; nothing was rebuilt.
        assertThat(updates("rebuilt")).isEqualTo(rebuilt);
        assertThat(updates("appended")).isEqualTo(appended + 11);

        List<Trip> list = all(vin);
        assertThat(list).hasSize(1);
        Trip t = list.get(0);
        assertThat(t.id()).isEqualTo(running.id());
        assertThat(t.vin()).isEqualTo(vin);
        assertThat(t.done()).isTrue();
        assertThat(t.faults()).isEmpty();
        assertThat(t.startedAt()).isEqualTo(t0);
        assertThat(t.stoppedAt()).isEqualTo(t0.plusSeconds(330));
        assertThat(t.duration()).isEqualTo(330);
        assertThat(t.distance()).isEqualTo(2.75);
        assertThat(t.startMileage()).isEqualTo(1000.0);
        assertThat(t.startPosition().longitude()).isEqualTo(2.35);
        assertThat(t.startPosition().createdAt()).isEqualTo(t0);
        assertThat(t.stopPosition().longitude()).isEqualTo(2.383);
        assertThat(t.startEnergies()).containsExactly(new Trip.LiteEnergy("Electric", "ElectricEnergy", 80.0, 240));
        assertThat(t.endEnergies()).containsExactly(new Trip.LiteEnergy("Electric", "ElectricEnergy", 78.9, 236));
        // 1.1 points of the e-208's 48.1 kWh over 2.75 km
        assertThat(t.energyConsumptions()).containsExactly(
                new Trip.EnergyConsumption("Electric", "ElectricEnergy", 0.529, 19240.0));
        assertThat(t.kinetic()).isEqualTo(new Trip.Kinetic(30.0, 40.0));
        assertThat(t.segments()).containsExactly(new Trip.Segment("Electric", 100, 2.75));
        assertThat(t.createdAt()).isNotNull();
        assertThat(t.updatedAt()).isAfterOrEqualTo(t.createdAt());

        assertThat(trips.count(vin, null, null)).isEqualTo(1);
        assertThat(trips.count(vin, t0.plusSeconds(1), null)).isZero();
        assertThat(trips.trip(vin, t.id())).contains(t);
        assertThat(trips.trip(TestVehicles.newVin(), t.id())).isEmpty();
        assertThat(trips.waypointCount(vin, t.id())).isEqualTo(12);
        assertThat(trips.waypoints(vin, t.id(), 10, 5)).extracting(VehicleHistory.PositionRecord::messageId)
                .containsExactly("m010", "m011");
        assertThat(trips.alerts(vin, t.id())).extracting(VehicleHistory.AlertRecord::type)
                .containsExactly("RiskOfIce");
        assertThat(trips.collisions(vin, t.id())).extracting(VehicleHistory.CollisionRecord::occurredAt)
                .containsExactly(t0.plusSeconds(75));
    }

    @Test
    void theSameTripOutOfOrderWithDuplicatesAndItsStopFirst() {
        Trip reference = referenceTrip("P-E208", "Electric");

        RegisteredVehicle v = car("P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        List<ObjectNode> messages = drive(vin, v.credential(), "m", t0, 10, "Electric");
        ObjectNode stop = messages.get(messages.size() - 1);
        List<ObjectNode> rest = new ArrayList<>(messages.subList(0, messages.size() - 1));
        // The car repeats its ignition events under new ids.
        rest.add(TripMessages.sample(vin, v.credential(), "m000-again", t0.plusSeconds(1), "Start", true, 2.35, 48.85,
                0, 1000, "Electric", 80));
        rest.add(TripMessages.sample(vin, v.credential(), "m011-again", t0.plusSeconds(335), "Stop", true, 2.383, 48.85,
                0, 1002.75, "Electric", 78.9));
        Collections.shuffle(rest, new Random(42));

        assertThat(send(stop)).isEqualTo(IngestOutcome.STORED);
        List<Trip> afterStop = all(vin);
        assertThat(afterStop).hasSize(1);
        assertThat(afterStop.get(0).faults()).containsExactly(new Trip.Fault("Unstarted", null));
        assertThat(afterStop.get(0).duration()).isZero();
        assertThat(afterStop.get(0).done()).isTrue();
        String id = afterStop.get(0).id();
        double rebuilt = updates("rebuilt");

        for (int i = 0; i < rest.size(); i++) {
            assertThat(send(rest.get(i))).isEqualTo(IngestOutcome.STORED);
            if (i % 4 == 0) {
                // re-delivered by the broker: the same message again
                assertThat(send(rest.get(i / 2))).isEqualTo(IngestOutcome.DUPLICATE);
            }
        }
        assertThat(send(stop)).isEqualTo(IngestOutcome.DUPLICATE);
        assertThat(updates("rebuilt")).isGreaterThan(rebuilt);

        List<Trip> list = all(vin);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).id()).isEqualTo(id);
        assertThat(comparable(list.get(0))).isEqualTo(comparable(reference));
    }

    @Test
    void aStartWithoutStopBeforeANewerTripAndALateSampleAcrossIt() {
        RegisteredVehicle v = car("P-308", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        List<ObjectNode> first = drive(vin, v.credential(), "a", t0, 10, "Fuel");
        List<ObjectNode> second = drive(vin, v.credential(), "b", t0.plusSeconds(3600), 4, "Fuel");
        ObjectNode late = first.get(10);
        first.subList(0, 10).forEach(this::send); // its Stop never comes, its last sample comes late
        second.forEach(this::send);

        List<Trip> list = all(vin);
        assertThat(list).hasSize(2);
        Trip older = list.get(1);
        assertThat(older.faults()).containsExactly(new Trip.Fault("Unfinished", null));
        assertThat(older.done()).isTrue();
        assertThat(older.stoppedAt()).isEqualTo(t0.plusSeconds(270));
        assertThat(older.distance()).isEqualTo(2.25);
        assertThat(older.kinetic().maxSpeed()).isEqualTo(39.0);
        assertThat(older.segments()).containsExactly(new Trip.Segment("Thermal", 100, 2.25));
        assertThat(list.get(0).faults()).isEmpty();

        send(late);
        List<Trip> after = all(vin);
        assertThat(after).hasSize(2);
        assertThat(after.get(1).id()).isEqualTo(older.id());
        assertThat(after.get(1).stoppedAt()).isEqualTo(t0.plusSeconds(300));
        assertThat(after.get(1).distance()).isEqualTo(2.5);
        assertThat(after.get(1).kinetic().maxSpeed()).isEqualTo(40.0);
        assertThat(after.get(0)).isEqualTo(list.get(0));
    }

    @Test
    void aCarInDataModeHasTripsWithoutPositions() {
        RegisteredVehicle v = car("P-E208", PrivacyMode.DATA, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        drive(vin, v.credential(), "m", t0, 10, "Electric").forEach(m -> assertThat(send(m)).isEqualTo(IngestOutcome.STORED));

        List<Trip> list = all(vin);
        assertThat(list).hasSize(1);
        Trip t = list.get(0);
        assertThat(t.startPosition()).isNull();
        assertThat(t.stopPosition()).isNull();
        assertThat(t.faults()).containsExactly(new Trip.Fault("DataLacking", "GeoPrivacy"));
        assertThat(t.distance()).isEqualTo(2.75);
        assertThat(t.done()).isTrue();
        assertThat(trips.waypoints(vin, t.id(), 0, 100)).isEmpty();
    }

    @Test
    void carsWithoutTheTripServiceHaveNoTrips() {
        RegisteredVehicle tmts = car("P-308", PrivacyMode.DATA_AND_LOCATION, ConnectedService.TMTS);
        drive(tmts.vehicle().vin(), tmts.credential(), "m", t0, 5, "Fuel").forEach(this::send);
        assertThat(all(tmts.vehicle().vin())).isEmpty();

        // Telemetry (ignition included) is stored, but trips are not part of the service.
        RegisteredVehicle remote = car("P-308", PrivacyMode.DATA_AND_LOCATION, ConnectedService.REMOTE_CONTROL);
        drive(remote.vehicle().vin(), remote.credential(), "m", t0, 5, "Fuel")
                .forEach(m -> assertThat(send(m)).isEqualTo(IngestOutcome.STORED));
        assertThat(all(remote.vehicle().vin())).isEmpty();
        assertThat(trips.count(remote.vehicle().vin(), null, null)).isZero();
    }

    /**
     * Two nodes fed the same vehicle's messages at once agree on its trip: taking turns in order
     * (a shared subscription; appends race on the trip's version), and in any order after the log
     * already holds everything (rebuilds race on the vehicle lock).
     */
    @Test
    void twoNodesOnTheSameVehicle() throws Exception {
        Trip reference = comparable(referenceTrip("P-E208", "Electric"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        for (int seed = 0; seed < 6; seed++) {
            RegisteredVehicle v = car("P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
            String vin = v.vehicle().vin();
            drive(vin, v.credential(), "m", t0, 10, "Electric").forEach(this::send);
            jdbc.update("DELETE FROM trip WHERE vin = ?", vin);

            List<Sample> samples = storedSamples(vin);
            boolean inOrder = seed % 2 == 0;
            Random random = new Random(seed);
            if (!inOrder) {
                Collections.shuffle(samples, random);
            }
            // In order, as if each message had been stored just before its update; else all stored long before.
            Instant receivedAt = inOrder ? Instant.EPOCH : Instant.now();
            TripTracker[] nodes = {node(meters), node(meters)};
            List<Thread> threads = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                int node = n;
                long pause = random.nextLong();
                threads.add(new Thread(() -> {
                    Random jitter = new Random(pause);
                    for (int i = node; i < samples.size(); i += 2) {
                        if (jitter.nextInt(3) == 0) {
                            try {
                                Thread.sleep(jitter.nextInt(3));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        nodes[node].track(vin, samples.get(i), receivedAt);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            List<Trip> list = all(vin);
            assertThat(list).hasSize(1);
            assertThat(comparable(list.get(0))).isEqualTo(reference);
        }
        assertThat(meters.counter("odomo.trips.updates", "how", "appended").count()).isPositive();
        assertThat(meters.counter("odomo.trips.updates", "how", "rebuilt").count()).isPositive();
        assertThat(meters.counter("odomo.trips.failures").count()).isZero();
    }

    private List<Sample> storedSamples(String vin) {
        JsonMapper json = JsonMapper.builder().build();
        List<Sample> samples = new ArrayList<>();
        for (VehicleHistory.StoredMessage m : history.messages(vin, t0.minusSeconds(60), t0.plusSeconds(3600), 100)) {
            JsonNode body = json.readTree(m.body());
            samples.add(Sample.of(m.id(), m.measuredAt(), m.type(), body.get("data"), body.get("event"),
                    PrivacyMode.DATA_AND_LOCATION));
        }
        return samples;
    }

    private TripTracker node(MeterRegistry meters) {
        return new TripTracker(store, events, history, registry, retention, transactions, meters, Optional.empty());
    }

    @Test
    void aVehicleMarkedForRepairHasItsTripsRebuiltFromTheLog() {
        Trip reference = comparable(referenceTrip("P-E208", "Electric"));
        RegisteredVehicle v = car("P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        List<ObjectNode> messages = drive(vin, v.credential(), "m", t0, 10, "Electric");
        messages.subList(0, 4).forEach(this::send);
        TripStore.Row beforeFailure = store.load(store.head(vin).id()).orElseThrow();
        messages.subList(4, messages.size()).forEach(this::send);
        // As if the trip updates had failed from the fifth message on.
        TripStore.Row now = store.load(beforeFailure.id()).orElseThrow();
        assertThat(store.update(new TripStore.Row(now.id(), vin, now.version() + 1, beforeFailure.acc(),
                now.createdAt(), now.updatedAt()), now.version())).isTrue();
        store.markRepair(vin, new Key(t0.plusSeconds(120), "m004"));
        store.markRepair(vin, new Key(t0.plusSeconds(240), "m008")); // a later point does not move the mark
        assertThat(all(vin).get(0).done()).isFalse();

        tracker.repair();

        List<Trip> list = all(vin);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).id()).isEqualTo(beforeFailure.id());
        assertThat(comparable(list.get(0))).isEqualTo(reference);
        assertThat(store.repairs(1000)).extracting(TripStore.Repair::vin).doesNotContain(vin);
    }

    @Test
    void tripsOlderThanTheRetentionArePurged() {
        RegisteredVehicle v = car("P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        drive(vin, v.credential(), "old", t0, 3, "Electric").forEach(this::send);
        drive(vin, v.credential(), "new", t0.plusSeconds(7200), 3, "Electric").forEach(this::send);
        assertThat(all(vin)).hasSize(2);
        Instant old = Instant.now().minus(Duration.ofDays(70));
        jdbc.update("UPDATE trip SET started_at = ?, last_at = ? WHERE vin = ? AND start_msg_id = 'old000'",
                old.atOffset(ZoneOffset.UTC), old.atOffset(ZoneOffset.UTC), vin);

        assertThat(tripRetention.purge()).isGreaterThanOrEqualTo(1);
        assertThat(all(vin)).extracting(Trip::startedAt).containsExactly(t0.plusSeconds(7200));
    }
}
