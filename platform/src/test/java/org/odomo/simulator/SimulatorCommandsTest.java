package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.PrivacyMode;

import tools.jackson.databind.JsonNode;

class SimulatorCommandsTest {

    private final SimFixtures f = new SimFixtures();

    /** A car that has introduced itself, fallen asleep and been woken up: ready for commands. */
    private String awakeCar(int n, String model) {
        return awakeCar(SimFixtures.car(n, model));
    }

    private String awakeCar(SimulatedVehicle v) {
        f.add(v);
        f.run(Duration.ofMinutes(15));
        f.wakeUp(v.vin());
        return v.vin();
    }

    private JsonNode done(String vin, String id, String action, String params) {
        f.command(vin, id, action, params);
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<JsonNode> progress = f.progress(vin, id);
        assertThat(progress).isNotEmpty();
        JsonNode last = progress.get(progress.size() - 1);
        assertThat(last.path("command").path("status").asString()).isEqualTo("Done");
        return last;
    }

    private static String result(JsonNode done) {
        return done.path("command").path("result").asString();
    }

    private static String cause(JsonNode done) {
        return done.path("command").path("failureCause").asString(null);
    }

    @Test
    void aCommandGoesReceivedInProgressDoneInTime() {
        String vin = awakeCar(1, "P-308");
        Instant sentAt = f.clock.now();
        f.command(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));

        List<JsonNode> progress = f.progress(vin, "c-1");
        assertThat(progress).extracting(m -> m.path("command").path("status").asString())
                .containsExactly("Received", "InProgress", "Done");
        assertThat(Instant.parse(progress.get(0).path("at").asString())).isEqualTo(sentAt);
        assertThat(Instant.parse(progress.get(2).path("at").asString())).isAfter(sentAt);
        assertThat(result(progress.get(2))).isEqualTo("Success");
        assertThat(progress.get(2).path("data").path("doorsState").path("lockedStates").get(0).asString())
                .isEqualTo("Unlocked");
        assertThat(f.fleet.twin(vin).locked).isFalse();
    }

    @Test
    void lockingALockedCarIsAlreadyDoneAndUnlockingThenLockingSucceeds() {
        String vin = awakeCar(1, "C-C5AX");
        assertThat(f.fleet.twin(vin).locked).isTrue();
        assertThat(result(done(vin, "c-1", "door", "{\"state\":\"Locked\"}"))).isEqualTo("AlreadyDone");
        assertThat(result(done(vin, "c-2", "door", "{\"state\":\"Unlocked\"}"))).isEqualTo("Success");
        assertThat(result(done(vin, "c-3", "door", "{\"state\":\"Unlocked\"}"))).isEqualTo("AlreadyDone");
        JsonNode locked = done(vin, "c-4", "door", "{\"state\":\"Locked\"}");
        assertThat(result(locked)).isEqualTo("Success");
        assertThat(locked.path("data").path("doorsState").path("lockedStates").get(0).asString()).isEqualTo("Locked");
    }

    @Test
    void lockingWithTheTrunkOpenFailsDoorsOpen() {
        String vin = awakeCar(1, "P-308");
        Twin t = f.fleet.twin(vin);
        t.locked = false;
        t.openDoors = Twin.TRUNK;
        JsonNode d = done(vin, "c-1", "door", "{\"state\":\"Locked\"}");
        assertThat(result(d)).isEqualTo("Failed");
        assertThat(cause(d)).isEqualTo("DoorsOpen");
        assertThat(t.locked).isFalse();
    }

    @Test
    void anActionTheModelDoesNotHaveFailsVehicleError() {
        String ice = awakeCar(1, "P-308");
        assertThat(cause(done(ice, "c-1", "charging", "{\"immediate\":true}"))).isEqualTo("VehicleError");
        assertThat(cause(done(ice, "c-3", "teleport", "{}"))).isEqualTo("WrongCommand");
        String noNavigation = awakeCar(2, "C-EC4");
        assertThat(cause(done(noNavigation, "c-2", "navigation",
                "{\"positions\":[{\"type\":\"Point\",\"coordinates\":[2.29,48.86]}]}"))).isEqualTo("VehicleError");
    }

    @Test
    void aLowBatteryElectricCarRefusesPreconditioningAndEverythingWhenNearlyEmpty() {
        String vin = awakeCar(1, "P-E208");
        Twin t = f.fleet.twin(vin);
        t.batteryKwh = t.capacityKwh() * 0.08;
        JsonNode pre = done(vin, "c-1", "preconditioning", "{\"airConditioning\":{\"immediate\":true}}");
        assertThat(result(pre)).isEqualTo("Failed");
        assertThat(cause(pre)).isEqualTo("NotPossibleDueToVehicleBatteryLevel");
        t.batteryKwh = t.capacityKwh() * 0.03;
        assertThat(cause(done(vin, "c-2", "horn", "{\"state\":\"Activated\"}")))
                .isEqualTo("NotPossibleDueToVehicleBatteryLevel");
    }

    @Test
    void anExpiredCommandFailsWithConnectionTimeout() {
        String vin = awakeCar(1, "P-308");
        f.command(vin, "c-old", "horn", "{\"state\":\"Activated\"}", f.clock.now().minusSeconds(5));
        f.run(Duration.ofSeconds(10), Duration.ofSeconds(1));
        List<JsonNode> progress = f.progress(vin, "c-old");
        assertThat(progress).hasSize(1);
        assertThat(result(progress.get(0))).isEqualTo("Failed");
        assertThat(cause(progress.get(0))).isEqualTo("VehicleConnectionTimeout");
    }

    @Test
    void chargingStartsAndStopsOnRequestWhenPlugged() {
        String vin = awakeCar(1, "P-E208");
        Twin t = f.fleet.twin(vin);
        t.batteryKwh = t.capacityKwh() * 0.5;
        t.plugged = false;
        t.chargeStatus = Twin.DISCONNECTED;
        JsonNode unplugged = done(vin, "c-0", "charging", "{\"immediate\":true}");
        assertThat(cause(unplugged)).isEqualTo("ExternalChargingSystemError");

        t.plugged = true;
        t.chargeStatus = Twin.STOPPED;
        t.chargeKw = 7.4;
        int before = f.transport.count(vin);
        JsonNode start = done(vin, "c-1", "charging", "{\"immediate\":true}");
        assertThat(result(start)).isEqualTo("Success");
        JsonNode charging = start.path("data").path("energies").get(0).path("extension").path("electric").path("charging");
        assertThat(charging.path("status").asString()).isEqualTo("InProgress");
        assertThat(charging.path("chargingMode").asString()).isEqualTo("Slow");
        assertThat(charging.path("remainingTime").asString()).startsWith("PT");
        assertThat(charging.path("chargingRate").intValue()).isBetween(20, 80);
        assertThat(f.transport.messagesFrom(vin, before)).anyMatch(m -> SimFixtures.event(m).equals("charging"));
        assertThat(result(done(vin, "c-2", "charging", "{\"immediate\":true}"))).isEqualTo("AlreadyDone");

        JsonNode stop = done(vin, "c-3", "charging", "{\"immediate\":false}");
        assertThat(result(stop)).isEqualTo("Success");
        assertThat(t.chargeStatus).isEqualTo(Twin.STOPPED);
        assertThat(result(done(vin, "c-4", "charging", "{\"immediate\":false}"))).isEqualTo("AlreadyDone");
    }

    @Test
    void preconditioningStartsOnceAndSaysSo() {
        String vin = awakeCar(1, "DS-7ET");
        Twin t = f.fleet.twin(vin);
        t.batteryKwh = t.capacityKwh() * 0.6;
        t.plugged = false;
        t.chargeStatus = Twin.DISCONNECTED;
        int before = f.transport.count(vin);
        JsonNode d = done(vin, "c-1", "preconditioning", "{\"airConditioning\":{\"immediate\":true}}");
        assertThat(result(d)).isEqualTo("Success");
        assertThat(d.path("data").path("preconditioning").path("airConditioning").path("status").asString())
                .isEqualTo("Enabled");
        assertThat(f.transport.messagesFrom(vin, before)).anyMatch(m -> SimFixtures.event(m).equals("preconditioning"));
        assertThat(result(done(vin, "c-2", "preconditioning", "{\"airConditioning\":{\"immediate\":true}}")))
                .isEqualTo("AlreadyDone");
        // preconditioning keeps the car awake and sampling until it ends, then the car sleeps
        f.run(Duration.ofMinutes(20));
        assertThat(t.awake).isTrue();
        f.run(Duration.ofMinutes(20));
        assertThat(t.precondStatus).isEqualTo(Twin.PRE_FINISHED);
        assertThat(t.awake).isFalse();
    }

    @Test
    void navigationSetsTheNextDestination() {
        String vin = awakeCar(1, "P-E208");
        JsonNode d = done(vin, "c-1", "navigation",
                "{\"positions\":[{\"type\":\"Point\",\"coordinates\":[2.2945,48.8584]}]}");
        assertThat(result(d)).isEqualTo("Success");
        Twin t = f.fleet.twin(vin);
        assertThat(t.hasNav).isTrue();
        f.run(Duration.ofDays(2), Duration.ofMinutes(10));
        assertThat(t.hasNav).as("the next trip went there").isFalse();
        assertThat(f.messages(vin)).anyMatch(m -> SimFixtures.event(m).equals("ignition")
                && m.path("data").path("ignition").path("type").asString().equals("Stop")
                && Math.abs(m.path("data").path("position").path("coordinates").get(0).doubleValue() - 2.2945) < 1e-4
                && Math.abs(m.path("data").path("position").path("coordinates").get(1).doubleValue() - 48.8584) < 1e-4);
    }

    @Test
    void aPlaneModeCarRefusesRemoteControl() {
        String vin = awakeCar(SimFixtures.car(1, "P-308", PrivacyMode.PLANE, SimFixtures.ALL));
        JsonNode d = done(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        assertThat(cause(d)).isEqualTo("NotPossibleDueToVehiclePrivacyLevel");
        assertThat(f.fleet.twin(vin).locked).isTrue();
    }

    @Test
    void commandsAreCarriedOutOneAfterTheOther() {
        String vin = awakeCar(1, "P-308");
        f.command(vin, "c-a", "door", "{\"state\":\"Unlocked\"}");
        f.command(vin, "c-b", "door", "{\"state\":\"Locked\"}");
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(result(f.progress(vin, "c-a").get(2))).isEqualTo("Success");
        assertThat(result(f.progress(vin, "c-b").get(2))).isEqualTo("Success");
        Instant aDone = Instant.parse(f.progress(vin, "c-a").get(2).path("at").asString());
        Instant bStarted = Instant.parse(f.progress(vin, "c-b").get(1).path("at").asString());
        assertThat(bStarted).isAfter(aDone);
        assertThat(f.fleet.twin(vin).locked).isTrue();
    }
}
