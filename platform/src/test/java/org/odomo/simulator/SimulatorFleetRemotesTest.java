package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.ProtocolCodec;

import tools.jackson.databind.JsonNode;

/**
 * The fleet owner's remotes as the car carries them out: an immobilized car does not start (no trip,
 * ignition off) until the immobilizer is lifted; a car declared stolen stays awake and reports its
 * position every tracking period (ignition off: {@code shutdown}), and falls asleep again once the
 * declaration is withdrawn.
 */
class SimulatorFleetRemotesTest {

    private final SimFixtures f = new SimFixtures();
    private final ProtocolCodec codec = new ProtocolCodec();

    private String awakeCar() {
        SimulatedVehicle v = SimFixtures.car(5, "P-308");
        f.add(v);
        f.run(Duration.ofMinutes(15));
        f.wakeUp(v.vin());
        return v.vin();
    }

    private String result(String vin, String id, String action, String params) {
        f.command(vin, id, action, params);
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<JsonNode> progress = f.progress(vin, id);
        JsonNode last = progress.get(progress.size() - 1).path("command");
        assertThat(last.path("status").asString()).isEqualTo("Done");
        return last.path("result").asString();
    }

    private long ignitions(String vin, int from) {
        return f.transport.messagesFrom(vin, from).stream().filter(m -> SimFixtures.event(m).equals("ignition"))
                .count();
    }

    @AfterEach
    void everyMessageIsValid() {
        f.transport.all().forEach((vin, sent) -> sent.forEach(s -> codec.decode(s.json())));
    }

    @Test
    void anImmobilizedCarDoesNotStartUntilTheImmobilizerIsLifted() {
        String vin = awakeCar();
        Twin t = f.fleet.twin(vin);
        assertThat(result(vin, "im-1", "immobilization", "{\"activate\":true}")).isEqualTo("Success");
        assertThat(result(vin, "im-2", "immobilization", "{\"activate\":true}")).isEqualTo("AlreadyDone");
        int before = f.transport.count(vin);
        t.tripAt = f.clock.now().getEpochSecond() + 60;
        f.run(Duration.ofMinutes(10), Duration.ofSeconds(10));
        assertThat(t.mode).isEqualTo(Twin.PARKED);
        assertThat(ignitions(vin, before)).isZero();
        assertThat(t.tripAt).as("the next departure is planned").isGreaterThan(f.clock.now().getEpochSecond());

        f.wakeUp(vin);
        assertThat(result(vin, "im-3", "stolen", "{\"immobilization\":{\"activate\":false}}")).isEqualTo("Success");
        int lifted = f.transport.count(vin);
        t.tripAt = f.clock.now().getEpochSecond() + 60;
        f.run(Duration.ofMinutes(5), Duration.ofSeconds(10));
        assertThat(t.mode).isNotEqualTo(Twin.PARKED);
        assertThat(ignitions(vin, lifted)).isPositive();
    }

    @Test
    void aStolenCarStaysAwakeAndReportsItsPositionEveryTrackingPeriod() {
        String vin = awakeCar();
        Twin t = f.fleet.twin(vin);
        // parked for the night: no trip planned meanwhile
        t.tripAt = Twin.NEVER;
        assertThat(result(vin, "st-1", "stolen", "{\"stolen\":true}")).isEqualTo("Success");
        assertThat(result(vin, "st-2", "stolen", "{\"trackingPeriod\":{\"shutdown\":60}}")).isEqualTo("Success");
        int from = f.transport.count(vin);
        Instant start = f.clock.now();
        f.run(Duration.ofMinutes(10), Duration.ofSeconds(5));
        t.tripAt = Twin.NEVER;
        List<JsonNode> sent = f.transport.messagesFrom(vin, from);
        assertThat(sent).noneMatch(m -> SimFixtures.lifecycle(m).equals("Asleep"));
        List<Instant> reports = sent.stream().filter(m -> SimFixtures.type(m).equals("telemetry"))
                .filter(m -> m.path("data").path("position").path("coordinates").isArray())
                .map(m -> Instant.parse(m.path("at").asString())).toList();
        // one a minute, parked with the ignition off
        assertThat(reports).hasSizeBetween(9, 11);
        for (int i = 1; i < reports.size(); i++) {
            assertThat(Duration.between(reports.get(i - 1), reports.get(i))).isEqualTo(Duration.ofSeconds(60));
        }
        assertThat(reports.get(0)).isBetween(start, start.plusSeconds(65));
        assertThat(t.awake).isTrue();

        assertThat(result(vin, "st-3", "stolen", "{\"stolen\":false}")).isEqualTo("Success");
        t.tripAt = Twin.NEVER;
        int withdrawn = f.transport.count(vin);
        f.untilAsleep(vin);
        assertThat(t.awake).isFalse();
        assertThat(f.transport.messagesFrom(vin, withdrawn).stream()
                .filter(m -> SimFixtures.type(m).equals("telemetry")).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void aStolenRemoteOutsideItsRulesIsAWrongCommand() {
        String vin = awakeCar();
        assertThat(result(vin, "w-1", "stolen", "{\"trackingPeriod\":{\"running\":1}}")).isEqualTo("Failed");
        assertThat(result(vin, "w-2", "stolen", "{\"stolen\":\"yes\"}")).isEqualTo("Failed");
        assertThat(result(vin, "w-3", "immobilization", "{}")).isEqualTo("Failed");
        assertThat(f.fleet.twin(vin).stolen).isFalse();
        assertThat(f.fleet.twin(vin).immobilized).isFalse();
    }
}
