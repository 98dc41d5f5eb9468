package org.odomo.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.simulator.FleetSimulator;
import org.odomo.simulator.SimClock;
import org.odomo.simulator.SimulatedVehicle;
import org.odomo.simulator.SimulatorSettings;
import org.odomo.vehicle.ConnectedService;

import tools.jackson.databind.JsonNode;

/**
 * The demo promises collisions to show: the default fleet (seed 42, 200 vehicles) living the
 * default 14 days of backfill has at least one, whatever the moment the demo is first started.
 * The simulator runs alone here (no platform): what counts is what the cars send.
 */
class DemoCollisionPlanTests {

    private static final ProtocolCodec CODEC = new ProtocolCodec();

    /** Records the VINs of the collision events sent; acknowledges everything at once. */
    private static final class CollisionRecorder implements VehicleTransport {
        final Map<String, Integer> collisions = new TreeMap<>();
        long messages;

        @Override
        public VehicleLink connect(String vin, Consumer<byte[]> downlink) {
            return new VehicleLink() {
                @Override
                public CompletionStage<Void> send(MessageType type, byte[] json) {
                    messages++;
                    JsonNode m = CODEC.readTree(json);
                    if ("collision".equals(m.path("event").path("name").asString(null))) {
                        collisions.merge(m.path("vin").asString(), 1, Integer::sum);
                    }
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-03-12T21:30:00Z", "2026-07-04T09:10:00Z"})
    void theDefaultFleetCollidesWithinTheDefaultBackfill(String firstStart) {
        Duration window = Duration.ofDays(14);
        Instant now = Instant.parse(firstStart);
        Instant from = now.minus(window);
        DemoFleet plan = new DemoFleet(42, 200);
        CollisionRecorder transport = new CollisionRecorder();
        SimClock.Manual clock = SimClock.manual(from);
        try (FleetSimulator fleet = new FleetSimulator(transport, CODEC,
                SimulatorSettings.defaults().withSeed(42).withStart(from), clock)) {
            int n = 0;
            for (DemoFleet.Car car : plan.cars) {
                fleet.add(new SimulatedVehicle(car.vin(), car.modelCode(), "credential-" + n++, car.privacy(),
                        ConnectedService.dataCoveredBy(car.services()), car.homeLongitude(), car.homeLatitude()));
            }
            var planned = DemoFleet.plannedCollisions(42, plan.cars, from, window);
            planned.forEach(c -> fleet.planCollision(c.vin(), c.notBefore()));
            while (clock.now().isBefore(now)) {
                clock.advance(Duration.ofMinutes(10));
                fleet.runDue();
            }
            Set<String> plannedVins = planned.stream().map(DemoFleet.PlannedCollision::vin).collect(Collectors.toSet());
            assertThat(plannedVins).as("a demo driver's car and two fleet cars").hasSize(3)
                    .anyMatch(vin -> plan.cars.stream().anyMatch(c -> c.vin().equals(vin)
                            && c.ownerEmail().startsWith("driver@")));
            assertThat(transport.messages).isPositive();
            assertThat(transport.collisions.keySet()).as("every planned collision happened within the window")
                    .containsAll(plannedVins);
        }
    }
}
