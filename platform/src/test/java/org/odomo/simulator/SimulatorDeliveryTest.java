package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SimulatorDeliveryTest {

    @Test
    void aMessageThatFailedIsResentLaterByteForByteWithTheSameId() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();
        f.transport.down = true;
        f.run(Duration.ofMinutes(10));
        SimulatorStats down = f.fleet.stats();
        assertThat(down.failed()).isGreaterThanOrEqualTo(3);
        assertThat(down.pending()).isEqualTo(3);
        assertThat(down.acked()).isZero();
        assertThat(f.transport.sent(vin)).isEmpty();

        f.transport.down = false;
        f.run(Duration.ofMinutes(30));
        SimulatorStats up = f.fleet.stats();
        assertThat(up.pending()).isZero();
        assertThat(up.acked()).isEqualTo(f.transport.count(vin));
        assertThat(f.transport.sent(vin)).extracting(FakeTransport.Sent::text)
                .containsAll(f.transport.failed.stream().map(FakeTransport.Sent::text).distinct().toList());
        assertThat(f.messages(vin)).extracting(m -> m.path("id").asString()).doesNotHaveDuplicates();
    }

    @Test
    void aCarKeepsABoundedRetryQueueAndCountsWhatItGivesUp() {
        SimulatorSettings settings = new SimulatorSettings(4, 1.0, null, 30, 60, 300, 5, 15, 900, 0.02, 1.0, 100_000, 900);
        SimFixtures f = new SimFixtures(settings);
        String vin = f.add(SimFixtures.car(1, "P-E208")).vin();
        f.transport.down = true;
        f.run(Duration.ofDays(3), Duration.ofMinutes(10));
        SimulatorStats s = f.fleet.stats();
        assertThat(s.pending()).isEqualTo(5);
        assertThat(f.fleet.twin(vin).outbox).hasSize(5);
        assertThat(s.dropped()).isPositive();
        assertThat(s.dropped() + s.pending()).as("every message accounted for").isEqualTo(f.fleet.twin(vin).counter);
    }
}
