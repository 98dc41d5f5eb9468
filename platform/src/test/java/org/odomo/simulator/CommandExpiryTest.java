package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * The platform gives a command an expiry on the wall clock; an accelerated car lives ahead of it
 * and must see the same time left, stretched by the time factor.
 */
class CommandExpiryTest {

    private static final Instant WALL = Instant.parse("2026-12-07T20:00:00Z");
    private static final long CAR_NOW = Instant.parse("2026-12-08T03:00:00Z").getEpochSecond();

    @Test
    void thirtySecondsLeftAreFiveMinutesOfACarTenTimesFaster() {
        assertThat(FleetSimulator.inCarTime(WALL.plusSeconds(30), CAR_NOW, WALL, 10.0))
                .isEqualTo(Instant.parse("2026-12-08T03:05:00Z"));
    }

    @Test
    void anExpiredCommandStaysExpiredInTheCarsTime() {
        assertThat(FleetSimulator.inCarTime(WALL.minusSeconds(2), CAR_NOW, WALL, 10.0))
                .isEqualTo(Instant.parse("2026-12-08T02:59:40Z"));
    }
}
