package org.odomo.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.simulator.FleetSimulator;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted scenario that reaches every failure cause the platform or the fleet simulator can
 * produce, each checked in the notifications the callback receives (validated against the
 * published webhook template, in order) and in the stored action (GET …/remotes/{rid} and its
 * transitions). The platform's causes come from the checks of REFERENCE.md section 11; the
 * vehicle's from the simulated car's answers (docs/simulator.md, "Commands").
 *
 * <p>Causes of the published RemoteFailedEventStatus that nothing here can produce, and why:
 * <ul>
 * <li>{@code GeneralError}: the platform gives it to a vehicle's {@code Failed} answer without a
 * cause; the simulator always gives one.
 * <li>{@code NotPossibleDueToVehicleStolenState}: the B2C API has no stolen declaration and the
 * simulator no stolen state; the platform only passes it through from a vehicle.
 * <li>{@code TooManyRequestSent}, {@code VehicleErrorOrCidInside}, {@code CidInside},
 * {@code VehicleIsNotLocked}: neither the platform's rules nor the simulator's cars raise them (a
 * real car might; the platform passes them through).
 * <li>{@code VehicleChargingSystemError}: the simulator answers it only when the charge it starts
 * fails, a random draw among its rare events, so a scenario cannot script it.
 * <li>{@code VehicleError} from the car (a command its model lacks) is not reached from the car:
 * the platform refuses what the capability API says the model cannot do before anything is sent,
 * with the same cause; that is the case checked here.
 * </ul>
 * {@code NotPossibleDueToVehiclePrivacyLevel} and {@code NotPossibleDueToVehicleBatteryLevel} under
 * 5 % are what the simulated car would also answer, but the platform's checks come first; the
 * battery cause is reached from the car with a preconditioning under 15 %.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"odomo.oauth.revocation-cache-ttl=0s", "odomo.remotes.sweep-interval=1h",
                "odomo.remotes.wake-ups-per-month=1", "odomo.remotes.max-requests-in-window=5",
                "odomo.remotes.short-time-window=1m", "odomo.remotes.min-battery-level=5",
                "odomo.remotes.answer-timeout=2m"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteFailureScenarioTests extends SimulatedRemoteHarness {

    static final String LOCK = "{\"door\": {\"state\": \"Locked\"}}";
    static final String HORN = "{\"horn\": {\"state\": \"Activated\"}}";
    static final List<String> REFUSED = List.of("Pending/Accepted", "Pending/CheckingVehicle");
    static final List<String> SENT = List.of("Pending/Accepted", "Pending/CheckingVehicle", "Pending/SentToVehicle");

    @Override
    String name() {
        return "remote-failures";
    }

    static List<String> then(List<String> pending, String... rest) {
        List<String> all = new ArrayList<>(pending);
        all.addAll(List.of(rest));
        return all;
    }

    /** Checks the action's notifications, then that its stored history is the same. */
    void expect(Car c, String remoteId, List<String> notifications, Set<String> reached) {
        List<String> got = finished(c, remoteId);
        assertThat(got).as(remoteId).isEqualTo(notifications);
        notifiedAsStored(c, remoteId, got);
        String last = got.get(got.size() - 1);
        reached.add(last.substring(last.indexOf('/') + 1));
    }

    @Test
    void everyReachableFailureCauseIsNotifiedAndStored() {
        Set<String> reached = new TreeSet<>();

        // cars the platform refuses before anything is sent: no simulated car needed
        Car noRights = car("P-E208", PrivacyMode.DATA_AND_LOCATION, Set.of(ConnectedService.TMTS));
        Car petrol = car("P-308");
        Car plane = car("P-E208", PrivacyMode.PLANE, Set.of(ConnectedService.PARTNER));
        // a car with no link at all: it never answers
        Car silent = car("P-E208");

        // simulated cars
        Car busy = car("P-E208");
        Car flooded = car("P-E208");
        Car flat = car("P-E208");
        Car low = car("P-E208");
        Car open = car("P-E208");
        Car leaving = car("P-E208");
        Car unplugged = car("P-E208");
        Car plugged = car("P-E208");
        List<Car> drivers = new ArrayList<>();
        Map<Car, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put(busy, asIs());
        edits.put(flooded, asIs());
        edits.put(flat, s -> s.put("batteryKwh", 1.4)); // 3 % of 48.1 kWh
        // 10 %, and its owner does not plug it in at home (plugged, it would charge and could precondition)
        edits.put(low, s -> s.put("batteryKwh", 4.8).put("plugBelow", 0.0));
        edits.put(open, s -> s.put("locked", false).put("openDoors", 1)); // the driver's door
        edits.put(leaving, asIs());
        edits.put(unplugged, s -> s.put("plugged", false).put("chargeStatus", 0).put("plugBelow", 0.0));
        edits.put(plugged, plugged());
        for (int i = 0; i < 10; i++) {
            Car d = car("P-E208");
            drivers.add(d);
            edits.put(d, asIs());
        }
        FleetSimulator fleet = simulate(edits);

        String missingRights = post(noRights, LOCK);
        String capability = post(petrol, "{\"charging\": {\"immediate\": true}}");
        String privacy = post(plane, LOCK);
        // the car is locked: the first lock is AlreadyDone, the second finds it in progress
        String alreadyDone = post(busy, LOCK);
        String same = post(busy, "{\"door\": {\"state\": \"Unlocked\"}}");
        // five requests of five types within the window, the sixth is one too many
        List<String> five = List.of(post(flooded, HORN), post(flooded, "{\"lights\": {\"on\": true}}"),
                post(flooded, "{\"wakeUp\": {}}"), post(flooded, LOCK),
                post(flooded, "{\"preconditioning\": {\"airConditioning\": {\"immediate\": false}}}"));
        String tooMany = post(flooded, "{\"charging\": {\"immediate\": false}}");
        String platformBattery = post(flat, HORN);
        String carBattery = post(low, "{\"preconditioning\": {\"airConditioning\": {\"immediate\": true}}}");
        String doorsOpen = post(open, LOCK);
        assertThat(fleet.departBy(leaving.vin(), Instant.now())).isTrue();
        String inUse = post(leaving, HORN);
        String external = post(unplugged, "{\"charging\": {\"immediate\": true}}");
        String past = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
        String wrong = post(plugged, "{\"charging\": {\"schedule\": {\"nextDelayedTime\": \"" + past + "\"}}}");
        String waking = post(silent, LOCK);

        expect(noRights, missingRights, then(REFUSED, "Done/Failed/MissingRights"), reached);
        expect(petrol, capability, then(REFUSED, "Done/Failed/VehicleError"), reached);
        expect(plane, privacy, then(REFUSED, "Done/Failed/NotPossibleDueToVehiclePrivacyLevel"), reached);
        expect(busy, same, then(REFUSED, "Done/Failed/SameActionInProgress"), reached);
        expect(busy, alreadyDone, then(SENT, "Done/AlreadyDone"), reached);
        expect(flooded, tooMany, then(REFUSED, "Done/Failed/TooManyRequestInShortTime"), reached);
        for (String id : five) {
            assertThat(finished(flooded, id).subList(0, 3)).isEqualTo(SENT);
        }
        expect(flat, platformBattery, then(REFUSED, "Pending/VehicleBatteryChargeTooLow",
                "Done/Failed/NotPossibleDueToVehicleBatteryLevel"), reached);
        expect(low, carBattery, then(SENT, "Done/Failed/NotPossibleDueToVehicleBatteryLevel"), reached);
        expect(open, doorsOpen, then(SENT, "Done/Failed/DoorsOpen"), reached);
        expect(leaving, inUse, then(SENT, "Done/Failed/VehicleInUse"), reached);
        expect(unplugged, external, then(SENT, "Done/Failed/ExternalChargingSystemError"), reached);
        expect(plugged, wrong, then(SENT, "Done/Failed/WrongCommand"), reached);

        // The driver declines one destination in five, drawn per command: rounds of ten cars until
        // one declines (five rounds at most, the window's limit; all accepted: 0.8^50).
        String canceled = null;
        Car decliner = null;
        for (int round = 0; round < 5 && canceled == null; round++) {
            Map<Car, String> asked = new LinkedHashMap<>();
            for (Car d : drivers) {
                asked.put(d, post(d, "{\"navigation\": {\"positions\": [{\"type\": \"Point\", \"coordinates\":"
                        + " [2.2945, 48.8584]}]}}"));
            }
            for (Map.Entry<Car, String> e : asked.entrySet()) {
                List<String> got = finished(e.getKey(), e.getValue());
                assertThat(got.subList(0, 2)).containsExactly("Pending/CheckingVehicle", "Pending/SentToVehicle");
                assertThat(got.get(2)).isIn("Done/Success", "Done/Failed/CanceledByDriver");
                if (canceled == null && got.get(2).endsWith("CanceledByDriver")) {
                    canceled = e.getValue();
                    decliner = e.getKey();
                }
            }
        }
        assertThat(canceled).as("a destination declined").isNotNull();
        expect(decliner, canceled, List.of("Pending/CheckingVehicle", "Pending/SentToVehicle",
                "Done/Failed/CanceledByDriver"), reached);

        // The car without a link never wakes up: past the answer time-out (2 min), the sweep fails it;
        // its wake-up was the month's only one, so the next action that needs one fails at once.
        assertThat(finishedOrPending(silent, waking)).containsExactly("Pending/Accepted", "Pending/CheckingVehicle",
                "Pending/WakingUpVehicle");
        remotes.sweep(Instant.now().plus(Duration.ofMinutes(3)));
        expect(silent, waking, then(REFUSED, "Pending/WakingUpVehicle", "Done/Failed/VehicleConnectionTimeout"),
                reached);
        String budget = post(silent, HORN);
        expect(silent, budget, then(REFUSED, "Pending/TooManyWakeUpsOverMonth", "Done/Failed/TooManyWakeUpsOverMonth"),
                reached);

        assertThat(reached).containsExactlyInAnyOrder("AlreadyDone", "Failed/MissingRights", "Failed/VehicleError",
                "Failed/NotPossibleDueToVehiclePrivacyLevel", "Failed/SameActionInProgress",
                "Failed/TooManyRequestInShortTime", "Failed/NotPossibleDueToVehicleBatteryLevel", "Failed/DoorsOpen",
                "Failed/VehicleInUse", "Failed/ExternalChargingSystemError", "Failed/WrongCommand",
                "Failed/CanceledByDriver", "Failed/VehicleConnectionTimeout", "Failed/TooManyWakeUpsOverMonth");
    }

    /** The notifications of an action still pending, once it has reached the given count. */
    List<String> finishedOrPending(Car c, String remoteId) {
        await(remoteId + " waking").atMost(Duration.ofSeconds(30))
                .until(() -> of(c, remoteId).size() >= 3);
        return of(c, remoteId).stream().map(r -> published(r).path("remoteEvent").path("eventStatus"))
                .map(s -> s.path("type").asString() + "/" + s.path("status").asString()).toList();
    }
}
