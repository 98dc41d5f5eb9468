package org.odomo.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.EventConsumers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every remote action type end to end with the fleet simulator at real time: the API, the downlink,
 * the simulated car's commandProgress through the in-process ingestion, the notifications a local
 * webhook receiver gets (validated against the published webhook template, in order: the Pending
 * statuses of REFERENCE.md section 11, then Done), the stored action and the vehicle's /status
 * afterwards. The cars run side by side, one action type each, so that the test takes about as
 * long as three rounds of commands (the simulated car answers Done 3 to 4 seconds after one).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1s"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteSimulatedEndToEndTests extends SimulatedRemoteHarness {

    static final List<String> SENT = List.of("Pending/Accepted", "Pending/CheckingVehicle", "Pending/SentToVehicle");

    @Override
    String name() {
        return "remote-e2e";
    }

    static List<String> then(List<String> pending, String done) {
        return Stream.concat(pending.stream(), Stream.of(done)).toList();
    }

    JsonNode electric(JsonNode status) {
        for (JsonNode e : status.path("energies")) {
            if (e.path("type").asString().equals("Electric")) {
                return e.path("extension").path("electric");
            }
        }
        throw new AssertionError("no electric energy in " + status);
    }

    @Test
    void everyActionTypeRunsOnASimulatedCar() {
        Car doors = car("P-E208");
        Car horn = car("P-E208");
        Car lights = car("P-E208");
        Car charge = car("P-E208");
        Car schedule = car("P-E208");
        Car climate = car("P-E208");
        Car sleeper = car("P-E208");
        Car navigation = car("P-E208");
        Map<Car, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put(doors, asIs());
        edits.put(horn, asIs());
        edits.put(lights, asIs());
        edits.put(charge, plugged());
        edits.put(schedule, plugged());
        edits.put(climate, asIs());
        edits.put(sleeper, asleep());
        edits.put(navigation, asIs());
        simulate(edits);

        // first round, one action per car, all at once
        String unlock = post(doors, "{\"door\": {\"state\": \"Unlocked\"}}");
        String honk = post(horn, "{\"horn\": {\"state\": \"Activated\"}}");
        String flash = post(lights, "{\"lights\": {\"on\": true}}");
        String start = post(charge, "{\"charging\": {\"immediate\": true}}");
        Instant at = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        String delay = post(schedule, "{\"charging\": {\"schedule\": {\"nextDelayedTime\": \"" + at + "\"}}}");
        String heat = post(climate, "{\"preconditioning\": {\"airConditioning\": {\"immediate\": true}}}");
        String wake = post(sleeper, "{\"wakeUp\": {\"action\": \"WakeUp\"}}");
        String go = post(navigation, "{\"navigation\": {\"positions\": [{\"type\": \"Point\", \"coordinates\":"
                + " [2.2945, 48.8584]}]}}");

        assertThat(finished(doors, unlock)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(horn, honk)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(lights, flash)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(charge, start)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(schedule, delay)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(climate, heat)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(sleeper, wake)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/WakingUpVehicle", "Pending/SentToVehicle", "Done/Success");
        List<String> driver = finished(navigation, go);
        assertThat(driver.subList(0, 2)).containsExactly("Pending/CheckingVehicle", "Pending/SentToVehicle");
        assertThat(driver).hasSize(3);
        assertThat(driver.get(2)).isIn("Done/Success", "Done/Failed/CanceledByDriver");
        notifiedAsStored(doors, unlock, finished(doors, unlock));
        notifiedAsStored(sleeper, wake, finished(sleeper, wake));
        notifiedAsStored(navigation, go, driver);

        EventConsumers.awaitCaughtUp(events);
        await("the status shows the first round").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status(doors).path("doorsState").path("lockedStates").valueStream().map(JsonNode::asString)
                    .toList()).containsExactly("Unlocked");
            assertThat(electric(status(charge)).path("charging").path("status").asString()).isEqualTo("InProgress");
            // the turn lights flash: the Done answer's sample shows them On, front and rear, both sides
            assertThat(status(lights).path("lightingSystem").path("turn").valueStream()
                    .map(t -> t.path("status").asString()).toList()).hasSize(4).containsOnly("On");
            // the status gives the duration until the delayed charge (RFC 3339 duration), as of the sample
            assertThat(Duration.parse(electric(status(schedule)).path("charging").path("nextDelayedTime").asString()))
                    .isBetween(Duration.ofMinutes(175), Duration.ofMinutes(180));
            assertThat(status(climate).path("preconditioning").path("airConditioning").path("status").asString())
                    .isEqualTo("Enabled");
        });

        // second round: the opposite or the rest of each
        String lock = post(doors, "{\"door\": {\"state\": \"Locked\"}}");
        String level = post(charge, "{\"charging\": {\"preferences\": {\"level\": \"Level1\"}}}");
        String partial = post(schedule, "{\"charging\": {\"preferences\": {\"type\": \"Partial\"}}}");
        String program = post(climate, "{\"preconditioning\": {\"airConditioning\": {\"programs\": [{\"slot\": 2,"
                + " \"enabled\": true, \"recurrence\": \"Daily\", \"start\": \"PT7H30M\", \"occurence\": {\"day\":"
                + " [\"Mon\", \"Fri\"]}}]}}}");
        assertThat(finished(doors, lock)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(charge, level)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(schedule, partial)).isEqualTo(then(SENT, "Done/Success"));
        assertThat(finished(climate, program)).isEqualTo(then(SENT, "Done/Success"));

        EventConsumers.awaitCaughtUp(events);
        await("the status shows the second round").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status(doors).path("doorsState").path("lockedStates").valueStream().map(JsonNode::asString)
                    .toList()).containsExactly("Locked");
            // the power level shows while the car charges: Level1 caps a home charge at 2.3 kW
            JsonNode charging = electric(status(charge)).path("charging");
            assertThat(charging.path("chargingPowerLevel").asString()).as(charging.toString()).isEqualTo("Level1");
            // Partial: the charge stops before full (published ChargingType)
            assertThat(electric(status(schedule)).path("charging").path("type").asString()).isEqualTo("Partial");
            JsonNode programs = status(climate).path("preconditioning").path("airConditioning").path("programs");
            assertThat(programs.valueStream().map(p -> p.path("slot").asInt()).toList()).as(programs.toString())
                    .contains(2);
        });

        // third round: the charge stops
        String stop = post(charge, "{\"charging\": {\"immediate\": false}}");
        assertThat(finished(charge, stop)).isEqualTo(then(SENT, "Done/Success"));
        notifiedAsStored(charge, stop, finished(charge, stop));
        EventConsumers.awaitCaughtUp(events);
        await("the charge stopped").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                electric(status(charge)).path("charging").path("status").asString()).isEqualTo("Stopped"));
    }
}
