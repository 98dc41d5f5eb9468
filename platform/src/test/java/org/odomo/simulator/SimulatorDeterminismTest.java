package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SimulatorDeterminismTest {

    /** A run with a few downlinks on the way, so that their handling is covered too. */
    private static Map<String, List<FakeTransport.Sent>> run(long seed, Duration step) {
        SimFixtures f = new SimFixtures(SimFixtures.settings(seed).withRareEventFactor(50));
        List<SimulatedVehicle> cars = f.everyModel(0);
        cars.forEach(f::add);
        f.run(Duration.ofHours(20), step);
        for (SimulatedVehicle c : cars) {
            f.wakeUp(c.vin());
            f.command(c.vin(), "c-" + c.vin(), "door", "{\"state\":\"Unlocked\"}");
        }
        f.run(Duration.ofHours(28), step);
        return f.transport.all();
    }

    private static void assertSameBytes(Map<String, List<FakeTransport.Sent>> a, Map<String, List<FakeTransport.Sent>> b) {
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((vin, messages) -> assertThat(b.get(vin)).extracting(FakeTransport.Sent::text)
                .as(vin).isEqualTo(messages.stream().map(FakeTransport.Sent::text).toList()));
    }

    @Test
    void theSameSeedAndClockStepsGiveByteIdenticalMessages() {
        Map<String, List<FakeTransport.Sent>> first = run(11, Duration.ofMinutes(5));
        assertThat(first.values().stream().mapToInt(List::size).sum()).isGreaterThan(1000);
        assertSameBytes(first, run(11, Duration.ofMinutes(5)));
    }

    @Test
    void theSizeOfTheClockStepsDoesNotChangeWhatTheCarsSend() {
        assertSameBytes(run(12, Duration.ofMinutes(1)), run(12, Duration.ofMinutes(45)));
    }

    @Test
    void anotherSeedGivesAnotherFleet() {
        Map<String, List<FakeTransport.Sent>> a = run(13, Duration.ofMinutes(10));
        Map<String, List<FakeTransport.Sent>> b = run(14, Duration.ofMinutes(10));
        assertThat(a.values().stream().flatMap(List::stream).map(FakeTransport.Sent::text).toList())
                .isNotEqualTo(b.values().stream().flatMap(List::stream).map(FakeTransport.Sent::text).toList());
    }
}
