package org.odomo.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.state.RetentionProperties;
import org.odomo.support.EventConsumers;
import org.odomo.trip.Trip;
import org.odomo.trip.TripQueries;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event log through the whole chain on the embedded database: events appended with the
 * stored message before its acknowledgement, none for a duplicate, only received data for a late
 * measurement, and consumers fed every event once and in order per vehicle, by two dispatchers
 * ("nodes") at once and across failures. Small batches, so that a vehicle's events span several.
 */
@SpringBootTest(properties = {"odomo.events.batch-size=7", "odomo.events.failure-backoff=PT0.02S"})
@ActiveProfiles("test")
class EventLogTests {

    /** Records what it handled, once its batch went through; with {@code failFirst}, fails every batch once. */
    static final class Recorder implements VehicleEventConsumer {
        private final String name;
        private final boolean failFirst;
        final List<VehicleEvent> handled = Collections.synchronizedList(new ArrayList<>());
        final Set<String> failedBatches = ConcurrentHashMap.newKeySet();

        Recorder(String name, boolean failFirst) {
            this.name = name;
            this.failFirst = failFirst;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void handle(List<VehicleEvent> batch) {
            VehicleEvent first = batch.get(0);
            if (failFirst && failedBatches.add(first.vin() + '/' + first.messageId() + '/' + first.getClass())) {
                throw new IllegalStateException("failing the batch once");
            }
            handled.addAll(batch);
        }

        List<VehicleEvent> of(String vin) {
            synchronized (handled) {
                return handled.stream().filter(e -> e.vin().equals(vin)).toList();
            }
        }
    }

    @TestConfiguration
    static class Consumers {
        @Bean
        Recorder steady() {
            return new Recorder("test-steady", false);
        }

        @Bean
        Recorder flaky() {
            return new Recorder("test-flaky", true);
        }
    }

    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleEventLog log;
    @Autowired
    EventLogStore store;
    @Autowired
    EventLogProperties settings;
    @Autowired
    RetentionProperties retention;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    Recorder steady;
    @Autowired
    Recorder flaky;
    @Autowired
    TripQueries trips;
    @Autowired
    EventDispatcher dispatcher;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    private RegisteredVehicle car() {
        return TestVehicles.register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
    }

    private ObjectNode telemetry(RegisteredVehicle v, String id, Instant at, double mileage) {
        return TestVehicles.telemetry(v.vehicle().vin(), v.credential(), id, at, 2.35, 48.85, 80, mileage);
    }

    private ObjectNode alert(RegisteredVehicle v, String id, Instant at, String type) {
        ObjectNode m = TestVehicles.envelope(v.vehicle().vin(), v.credential(), id, at, MessageType.EVENT);
        m.putObject("event").put("name", "alertRaised").putObject("alert").put("type", type).put("severity", "Warning");
        return m;
    }

    private IngestOutcome send(ObjectNode message) {
        return gateway.submit(TestVehicles.bytes(message)).join();
    }

    /** The vehicle's events in the log, in log order, read straight from the table. */
    private List<VehicleEvent> logged(String vin) {
        return store.readAfter(store.partitionOf(vin), 0, 100_000).stream().map(EventLogStore.Stored::event)
                .filter(e -> e.vin().equals(vin)).toList();
    }

    @Test
    void aStoredMessageHasItsEventsInTheLogWhenItIsAcknowledgedAndADuplicateHasNone() {
        RegisteredVehicle v = car();
        String vin = v.vehicle().vin();
        ObjectNode first = telemetry(v, "m1", t0, 1000);
        ObjectNode charging = telemetry(v, "m2", t0.plusSeconds(60), 1001);
        ((ObjectNode) charging.get("data").get("energies").get(0)).putObject("extension").putObject("electric")
                .putObject("charging").put("status", "InProgress");
        assertThat(send(first)).isEqualTo(IngestOutcome.STORED);
        assertThat(send(charging)).isEqualTo(IngestOutcome.STORED);
        // Acknowledged: already in the log, without waiting for anything.
        List<VehicleEvent> events = logged(vin);
        assertThat(events).hasSize(3);
        VehicleDataReceived m1 = (VehicleDataReceived) events.get(0);
        assertThat(m1).isEqualTo(new VehicleDataReceived(vin, "m1", t0, m1.receivedAt(), "telemetry",
                Set.of("position", "odometer", "energy.Electric", "kinetic", "maintenance"),
                m1.uploadable(), (ObjectNode) first.get("data"), null));
        assertThat(m1.uploadable()).contains(org.odomo.vehicle.DataCategory.TRIP);
        VehicleDataReceived m2 = (VehicleDataReceived) events.get(1);
        assertThat(m2.messageId()).isEqualTo("m2");
        assertThat(m2.changedParts()).containsExactlyInAnyOrder("position", "odometer", "energy.Electric",
                "kinetic", "maintenance");
        assertThat(events.get(2)).isEqualTo(new ChargingStarted(vin, "m2", t0.plusSeconds(60), m2.receivedAt(), 80.0));

        assertThat(send(charging)).isEqualTo(IngestOutcome.DUPLICATE);
        assertThat(logged(vin)).isEqualTo(events);
    }

    @Test
    void aMeasurementOlderThanTheStateChangesNothingAndRaisesNoAlert() {
        RegisteredVehicle v = car();
        String vin = v.vehicle().vin();
        assertThat(send(telemetry(v, "m1", t0, 1000))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(alert(v, "late", t0.minusSeconds(600), "RiskOfIce"))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(telemetry(v, "late-telemetry", t0.minusSeconds(300), 999))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(alert(v, "now", t0.plusSeconds(60), "AddWasherFluid"))).isEqualTo(IngestOutcome.STORED);

        List<VehicleEvent> events = logged(vin);
        assertThat(events).extracting(e -> e.getClass().getSimpleName() + " " + e.messageId()).containsExactly(
                "VehicleDataReceived m1", "VehicleDataReceived late", "VehicleDataReceived late-telemetry",
                "VehicleDataReceived now", "AlertRaised now");
        assertThat(((VehicleDataReceived) events.get(1)).changedParts()).isEmpty();
        assertThat(((VehicleDataReceived) events.get(2)).changedParts()).isEmpty();
        assertThat(events.get(4)).isEqualTo(new AlertRaised(vin, "now", t0.plusSeconds(60), events.get(4).receivedAt(),
                "AddWasherFluid", "Warning"));
    }

    private ObjectNode ignition(RegisteredVehicle v, String id, Instant at, String type, boolean event, double mileage) {
        ObjectNode m = TestVehicles.envelope(v.vehicle().vin(), v.credential(), id, at,
                event ? MessageType.EVENT : MessageType.TELEMETRY);
        if (event) {
            m.putObject("event").put("name", "ignition");
        }
        ObjectNode data = m.putObject("data");
        data.putObject("ignition").put("type", type);
        data.putObject("position").putArray("coordinates").add(2.35).add(48.85).add(35.0);
        data.putObject("odometer").put("mileage", mileage);
        return m;
    }

    @Test
    void eventsEveryConsumerHandledOrPastTheRetentionAreDeletedByTheRetentionJobAndTheLagIsMeasured() {
        RegisteredVehicle v = car();
        String vin = v.vehicle().vin();
        assertThat(send(telemetry(v, "m1", t0, 1000))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(telemetry(v, "m2", t0.plusSeconds(60), 1001))).isEqualTo(IngestOutcome.STORED);
        assertThat(logged(vin)).hasSize(2);
        EventConsumers.awaitCaughtUp(log);
        // The job ran when the node started; make it due again.
        jdbc.update("UPDATE event_log_job SET last_run = ? WHERE name = 'retention'",
                t0.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC));

        dispatcher.retain();

        assertThat(logged(vin)).isEmpty();

        // A consumer that stopped long ago holds events back only until they expire.
        assertThat(send(telemetry(v, "m3", t0.plusSeconds(120), 1002))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(telemetry(v, "m4", t0.plusSeconds(180), 1003))).isEqualTo(IngestOutcome.STORED);
        int part = store.partitionOf(vin);
        jdbc.update("INSERT INTO event_cursor (consumer, part, pos, updated_at) VALUES ('test-gone', ?, 0, ?)", part,
                t0.atOffset(ZoneOffset.UTC));
        try {
            jdbc.update("UPDATE vehicle_event SET appended_at = ? WHERE vin = ? AND msg_id = 'm3'",
                    Instant.now().minus(retention.keep()).minusSeconds(60).atOffset(ZoneOffset.UTC), vin);
            jdbc.update("UPDATE event_log_job SET last_run = ? WHERE name = 'retention'",
                    t0.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC));

            dispatcher.retain();

            assertThat(logged(vin)).extracting(VehicleEvent::messageId).containsExactly("m4");
        } finally {
            jdbc.update("DELETE FROM event_cursor WHERE consumer = 'test-gone'");
        }
        assertThat(meters.find("odomo.events.lag").tag("consumer", "test-steady").gauge()).isNotNull();
        assertThat(meters.find("odomo.events.lag.age").tag("consumer", "trips").timeGauge()).isNotNull();
        assertThat(meters.find("odomo.events.appended").counter().count()).isPositive();
    }

    @Test
    void theTripConsumerAnnouncesTheTripsItStartsAndEndsInTheLog() {
        RegisteredVehicle v = car();
        String vin = v.vehicle().vin();
        assertThat(send(ignition(v, "start", t0, "Start", true, 1000))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(ignition(v, "drive", t0.plusSeconds(30), "Start", false, 1000.4))).isEqualTo(IngestOutcome.STORED);
        assertThat(send(ignition(v, "stop", t0.plusSeconds(60), "Stop", true, 1000.8))).isEqualTo(IngestOutcome.STORED);
        EventConsumers.awaitCaughtUp(log);

        List<Trip> trips = this.trips.trips(vin, null, null, 0, 10);
        assertThat(trips).hasSize(1);
        String id = trips.get(0).id();
        List<VehicleEvent> announced = logged(vin).stream()
                .filter(e -> e instanceof TripStarted || e instanceof TripEnded).toList();
        assertThat(announced).hasSize(2);
        assertThat(announced.get(0)).isEqualTo(new TripStarted(vin, "start", t0, announced.get(0).receivedAt(), id));
        assertThat(announced.get(1)).isEqualTo(new TripEnded(vin, "stop", t0.plusSeconds(60),
                announced.get(1).receivedAt(), id, "Stop"));
    }

    @Test
    void twoDispatchersShareTheLogAndEachConsumerSeesEveryEventOnceInOrderPerVehicleThroughFailures() {
        EventDispatcher secondNode = new EventDispatcher(store, new AppendSignal(), List.of(steady, flaky), settings,
                retention, transactions, new SimpleMeterRegistry(), Optional.empty());
        secondNode.start();
        try {
            Map<String, List<String>> sent = new LinkedHashMap<>();
            List<RegisteredVehicle> cars = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                cars.add(car());
                sent.put(cars.get(c).vehicle().vin(), new ArrayList<>());
            }
            List<CompletableFuture<IngestOutcome>> outcomes = new ArrayList<>();
            // Interleaved, one thread: each vehicle's messages reach the pipeline in order.
            for (int i = 0; i < 30; i++) {
                for (RegisteredVehicle car : cars) {
                    String id = "m" + i;
                    sent.get(car.vehicle().vin()).add(id);
                    outcomes.add(gateway.submit(TestVehicles.bytes(telemetry(car, id, t0.plusSeconds(30L * i),
                            1000 + i))));
                }
            }
            outcomes.forEach(o -> assertThat(o.join()).isEqualTo(IngestOutcome.STORED));
            EventConsumers.awaitCaughtUp(log);

            for (Map.Entry<String, List<String>> car : sent.entrySet()) {
                List<VehicleEvent> inLog = logged(car.getKey());
                assertThat(inLog).extracting(VehicleEvent::messageId).isEqualTo(car.getValue());
                assertThat(steady.of(car.getKey())).as("steady consumer, %s", car.getKey()).isEqualTo(inLog);
                assertThat(flaky.of(car.getKey())).as("consumer failing every batch once, %s", car.getKey())
                        .isEqualTo(inLog);
            }
            assertThat(flaky.failedBatches).isNotEmpty();
        } finally {
            secondNode.stop();
        }
    }
}
