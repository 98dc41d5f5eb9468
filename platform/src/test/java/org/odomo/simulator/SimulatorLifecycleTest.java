package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class SimulatorLifecycleTest {

    private static Instant at(JsonNode m) {
        return Instant.parse(m.path("at").asString());
    }

    @Test
    void aNewCarIntroducesItselfThenFallsAsleepThreeMinutesAfterItsLastMessage() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();

        f.run(Duration.ofMinutes(15));

        List<JsonNode> m = f.messages(vin);
        assertThat(m).extracting(SimFixtures::type).containsExactly("lifecycle", "telemetry", "lifecycle");
        assertThat(SimFixtures.lifecycle(m.get(0))).isEqualTo("Awake");
        assertThat(m.get(1).path("data").path("odometer").path("mileage").doubleValue()).isPositive();
        assertThat(SimFixtures.lifecycle(m.get(2))).isEqualTo("Asleep");
        assertThat(at(m.get(2))).isEqualTo(at(m.get(1)).plusSeconds(180));
        assertThat(f.fleet.twin(vin).awake).isFalse();
        assertThat(f.fleet.stats().asleep()).isEqualTo(1);
    }

    @Test
    void aSleepingCarDoesNotHearCommandsButWakesUpOnWakeUp() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();
        f.run(Duration.ofMinutes(15));
        int before = f.transport.count(vin);

        f.command(vin, "c-asleep", "horn", "{\"state\":\"Activated\"}");
        f.run(Duration.ofMinutes(1));
        assertThat(f.transport.count(vin)).as("a sleeping car hears no command").isEqualTo(before);
        assertThat(f.fleet.stats().downlinksIgnored()).isEqualTo(1);

        f.wakeUp(vin);
        List<JsonNode> woken = f.transport.messagesFrom(vin, before);
        assertThat(woken).extracting(SimFixtures::type).containsExactly("lifecycle", "telemetry");
        assertThat(SimFixtures.lifecycle(woken.get(0))).isEqualTo("Awake");
        assertThat(woken.get(1).path("data").has("odometer")).isTrue();
        assertThat(at(woken.get(0))).isEqualTo(f.clock.now());

        f.command(vin, "c-awake", "horn", "{\"state\":\"Activated\"}");
        f.run(Duration.ofMinutes(1));
        assertThat(f.progress(vin, "c-awake")).extracting(m -> m.path("command").path("status").asString())
                .containsExactly("Received", "InProgress", "Done");

        f.run(Duration.ofMinutes(5));
        List<JsonNode> all = f.messages(vin);
        JsonNode last = all.get(all.size() - 1);
        assertThat(SimFixtures.lifecycle(last)).isEqualTo("Asleep");
        assertThat(at(last)).isEqualTo(at(all.get(all.size() - 2)).plusSeconds(180));
    }

    @Test
    void aCarWakesForItsOwnTripAndSaysSo() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();
        f.run(Duration.ofDays(2), Duration.ofMinutes(5));

        List<JsonNode> m = f.messages(vin);
        for (int i = 1; i < m.size(); i++) {
            if (SimFixtures.event(m.get(i)).equals("doors") && SimFixtures.lifecycle(m.get(i - 1)).equals("Asleep")) {
                throw new AssertionError("a sleeping car sent without waking: " + m.get(i));
            }
        }
        boolean awake = false;
        for (JsonNode msg : m) {
            if (SimFixtures.type(msg).equals("lifecycle")) {
                boolean nowAwake = SimFixtures.lifecycle(msg).equals("Awake");
                assertThat(nowAwake).as("Awake and Asleep alternate").isNotEqualTo(awake);
                awake = nowAwake;
            } else {
                assertThat(awake).as("sent while asleep: " + msg).isTrue();
            }
        }
        assertThat(m).anyMatch(msg -> SimFixtures.event(msg).equals("ignition"));
    }
}
