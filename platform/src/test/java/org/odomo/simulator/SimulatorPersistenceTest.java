package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

class SimulatorPersistenceTest {

    @TempDir
    Path dir;

    private static byte[] snapshot(FleetSimulator fleet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fleet.snapshot(out);
        return out.toByteArray();
    }

    @Test
    void aRestoredFleetCarriesOnExactlyWhereItsSnapshotLeftOff() {
        SimFixtures a = new SimFixtures(SimFixtures.settings(21));
        List<SimulatedVehicle> cars = a.everyModel(0);
        cars.forEach(a::add);
        a.run(Duration.ofHours(30), Duration.ofMinutes(7));
        byte[] saved = snapshot(a.fleet);
        Map<String, Integer> sentBefore = new java.util.HashMap<>();
        cars.forEach(c -> sentBefore.put(c.vin(), a.transport.count(c.vin())));

        SimFixtures b = new SimFixtures(SimFixtures.settings(21));
        b.clock.set(a.clock.now());
        b.fleet.restore(new ByteArrayInputStream(saved));
        for (SimulatedVehicle c : cars) {
            Twin before = a.fleet.twin(c.vin());
            Twin after = b.fleet.twin(c.vin());
            assertThat(after.odometer).isEqualTo(before.odometer);
            assertThat(after.counter).isEqualTo(before.counter);
            assertThat(after.batteryKwh).isEqualTo(before.batteryKwh);
            assertThat(after.fuel).isEqualTo(before.fuel);
            assertThat(after.lon).isEqualTo(before.lon);
        }

        a.run(Duration.ofHours(30), Duration.ofMinutes(7));
        b.run(Duration.ofHours(30), Duration.ofMinutes(7));
        for (SimulatedVehicle c : cars) {
            List<FakeTransport.Sent> continued = a.transport.sent(c.vin());
            List<String> expected = continued.subList(sentBefore.get(c.vin()), continued.size()).stream()
                    .map(FakeTransport.Sent::text).toList();
            assertThat(b.transport.sent(c.vin())).extracting(FakeTransport.Sent::text).isEqualTo(expected);
        }
    }

    @Test
    void savingAndLoadingAFileKeepsVehiclesCredentialsOdometerAndIds() {
        SimFixtures a = new SimFixtures();
        a.everyModel(0).forEach(a::add);
        a.run(Duration.ofDays(1), Duration.ofMinutes(10));
        Path file = dir.resolve("fleet.json");
        FleetSimulator.save(a.fleet, file);

        SimFixtures b = new SimFixtures();
        b.clock.set(a.clock.now());
        FleetSimulator loaded = FleetSimulator.load(file, b.transport, b.codec, SimFixtures.settings(42), b.clock);
        assertThat(loaded.vehicles()).isEqualTo(a.fleet.vehicles());
        for (SimulatedVehicle v : a.fleet.vehicles()) {
            String vin = v.vin();
            List<JsonNode> old = a.messages(vin);
            String lastId = old.get(old.size() - 1).path("id").asString();
            double lastOdo = a.fleet.twin(vin).odometer;
            assertThat(loaded.twin(vin).odometer).isEqualTo(lastOdo);
            assertThat(loaded.twin(vin).spec.credential()).isEqualTo(v.credential());
            b.clock.advance(Duration.ZERO);
            loaded.twin(vin);
        }
        for (int i = 0; i < 24 * 6; i++) {
            b.clock.advance(Duration.ofMinutes(10));
            loaded.runDue();
        }
        for (SimulatedVehicle v : a.fleet.vehicles()) {
            List<JsonNode> old = a.messages(v.vin());
            String lastId = old.get(old.size() - 1).path("id").asString();
            List<JsonNode> fresh = b.transport.messages(v.vin());
            assertThat(fresh).isNotEmpty();
            assertThat(fresh.get(0).path("id").asString()).as("ids are never reused").isGreaterThan(lastId);
            assertThat(fresh.get(0).path("credential").asString()).isEqualTo(v.credential());
            double firstOdo = fresh.stream().filter(m -> m.path("data").has("odometer")).findFirst()
                    .map(m -> m.path("data").path("odometer").path("mileage").doubleValue()).orElse(Double.MAX_VALUE);
            assertThat(firstOdo).as("odometer never goes back").isGreaterThanOrEqualTo(Geo.round(a.fleet.twin(v.vin()).odometer, 10));
        }
    }

    @Test
    void aSnapshotTakenWhileRunningSetsMessageIdsAside() throws Exception {
        FakeTransport transport = new FakeTransport();
        SimulatorSettings settings = SimFixtures.settings(3).withStart(SimFixtures.START).withTimeFactor(600)
                .withIntroSpreadSeconds(0);
        try (FleetSimulator fleet = new FleetSimulator(transport, new org.odomo.protocol.ProtocolCodec(), settings)) {
            fleet.add(SimFixtures.car(1, "P-308"));
            fleet.start();
            for (int i = 0; i < 200 && transport.count(SimFixtures.vin(1)) < 2; i++) {
                Thread.sleep(10);
            }
            byte[] saved = snapshot(fleet);
            JsonNode state = new org.odomo.protocol.ProtocolCodec().readTree(saved).path("vehicles").get(0).path("state");
            assertThat(state.path("counter").longValue()).isGreaterThanOrEqualTo(100_000 + 2);
        }
    }

    @Test
    void messagesNotYetAcknowledgedAreSavedAndResentWithTheirIds() {
        SimFixtures a = new SimFixtures();
        String vin = a.add(SimFixtures.car(1, "P-308")).vin();
        a.transport.down = true;
        a.run(Duration.ofMinutes(10));
        assertThat(a.fleet.stats().pending()).isEqualTo(3);
        byte[] saved = snapshot(a.fleet);

        SimFixtures b = new SimFixtures();
        b.clock.set(a.clock.now());
        b.fleet.restore(new ByteArrayInputStream(saved));
        b.fleet.runDue();
        assertThat(b.transport.sent(vin)).extracting(FakeTransport.Sent::text)
                .containsAll(a.transport.failed.stream().map(FakeTransport.Sent::text).distinct().toList());
        assertThat(b.fleet.stats().pending()).isZero();
    }

    @Test
    void aCarRestoredLongAfterItsSnapshotParksWhereItWasInsteadOfReplayingTheGap() {
        SimFixtures a = new SimFixtures(SimFixtures.settings(8));
        List<SimulatedVehicle> cars = a.everyModel(0);
        cars.forEach(a::add);
        // stop mid-morning, when some cars are on the road
        a.run(Duration.ofHours(6).plusMinutes(20), Duration.ofMinutes(5));
        byte[] saved = snapshot(a.fleet);

        SimFixtures b = new SimFixtures(SimFixtures.settings(8));
        b.clock.set(a.clock.now().plus(Duration.ofDays(3)));
        b.fleet.restore(new ByteArrayInputStream(saved));
        b.fleet.runDue();
        for (SimulatedVehicle c : cars) {
            for (JsonNode m : b.messages(c.vin())) {
                assertThat(m.path("at").asString()).as("nothing replayed in the past")
                        .isGreaterThanOrEqualTo(b.clock.now().toString());
            }
            assertThat(b.fleet.twin(c.vin()).odometer).isEqualTo(a.fleet.twin(c.vin()).odometer);
        }
        b.run(Duration.ofDays(4), Duration.ofMinutes(10));
        assertThat(cars).allMatch(c -> b.transport.count(c.vin()) > 0);
    }
}
