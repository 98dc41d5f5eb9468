package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.JsonNodeFactory;

class CurrentStateCacheTests {

    private static final String VIN = "VR3UHZKXZMT000001";

    private static Optional<VehicleState> state(long version) {
        return Optional.of(new VehicleState(VIN, JsonNodeFactory.instance.objectNode(), Instant.EPOCH, version));
    }

    @Test
    void servesTheLoadedStateUntilItIsForgotten() {
        CurrentStateCache cache = new CurrentStateCache(Duration.ofMinutes(1));
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.get(VIN, () -> state(loads.incrementAndGet()))).get().extracting(VehicleState::version)
                .isEqualTo(1L);
        assertThat(cache.get(VIN, () -> state(loads.incrementAndGet()))).get().extracting(VehicleState::version)
                .isEqualTo(1L);
        cache.forget(VIN);
        assertThat(cache.get(VIN, () -> state(loads.incrementAndGet()))).get().extracting(VehicleState::version)
                .isEqualTo(2L);
        assertThat(loads).hasValue(2);
    }

    @Test
    void expiresAfterItsTimeToLive() throws InterruptedException {
        CurrentStateCache cache = new CurrentStateCache(Duration.ofMillis(50));
        cache.get(VIN, () -> state(1));
        Thread.sleep(80);
        assertThat(cache.get(VIN, () -> state(2))).get().extracting(VehicleState::version).isEqualTo(2L);
    }

    @Test
    void aReadThatRacedWithAWriteDoesNotCacheTheOlderState() {
        CurrentStateCache cache = new CurrentStateCache(Duration.ofMinutes(1));
        // The write commits and forgets while the read is loading the state it replaced.
        assertThat(cache.get(VIN, () -> {
            cache.forget(VIN);
            return state(1);
        })).get().extracting(VehicleState::version).isEqualTo(1L);
        assertThat(cache.get(VIN, () -> state(2))).get().extracting(VehicleState::version).isEqualTo(2L);
    }

    @Test
    void absentStatesAndAZeroTimeToLiveAreNotCached() {
        CurrentStateCache cache = new CurrentStateCache(Duration.ofMinutes(1));
        assertThat(cache.get(VIN, Optional::empty)).isEmpty();
        assertThat(cache.get(VIN, () -> state(1))).isPresent();
        CurrentStateCache off = new CurrentStateCache(Duration.ZERO);
        off.get(VIN, () -> state(1));
        assertThat(off.get(VIN, () -> state(2))).get().extracting(VehicleState::version).isEqualTo(2L);
    }
}
