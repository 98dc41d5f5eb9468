package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.ProtocolCodec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Remote actions carried out by the car: their effect shows in what the car sends afterwards
 * (status samples, events, trips), programs run at their local time, and a command sent twice is
 * run once. Wednesday 14 January 2026 in Paris is UTC+1: 04:00 local is 03:00Z.
 */
class SimulatorRemoteActionsTest {

    private SimFixtures f = new SimFixtures();
    private final ProtocolCodec codec = new ProtocolCodec();

    /** A car near Paris that has introduced itself, fallen asleep and been woken up. */
    private String awakeCar(SimFixtures fx, String model) {
        SimulatedVehicle v = SimFixtures.car(3, model);
        fx.add(v);
        fx.run(Duration.ofMinutes(15));
        fx.wakeUp(v.vin());
        return v.vin();
    }

    private String awakeCar(String model) {
        return awakeCar(f, model);
    }

    /** Plugged in at home, charge stopped, at the given level, no plans of its own. */
    private Twin pluggedAt(String vin, double level) {
        Twin t = f.fleet.twin(vin);
        t.batteryKwh = t.capacityKwh() * level / 100;
        t.plugged = true;
        t.chargeStatus = Twin.STOPPED;
        t.chargeMode = Twin.MODE_NO;
        t.chargeAt = Twin.NEVER;
        t.chargeTarget = 100;
        t.chargeKw = 7.4;
        t.precondAt = Twin.NEVER;
        return t;
    }

    private JsonNode done(String vin, String id, String action, String params) {
        f.command(vin, id, action, params);
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<JsonNode> progress = f.progress(vin, id);
        JsonNode last = progress.get(progress.size() - 1);
        assertThat(last.path("command").path("status").asString()).isEqualTo("Done");
        return last;
    }

    private static JsonNode command(JsonNode m) {
        return m.path("command");
    }

    private JsonNode json(String text) {
        return codec.readTree(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode charging(JsonNode m) {
        for (JsonNode e : m.path("data").path("energies")) {
            if (e.path("type").asString().equals("Electric")) {
                return e.path("extension").path("electric").path("charging");
            }
        }
        return MissingNode.getInstance();
    }

    /** The message was measured at that time, within the minute the test clock steps by. */
    private static void within(JsonNode m, Instant expected) {
        assertThat(at(m)).isBetween(expected, expected.plusSeconds(59));
    }

    private static Instant at(JsonNode m) {
        return Instant.parse(m.path("at").asString());
    }

    /** The charging events of the car after a given message index, with their status. */
    private List<JsonNode> chargingEvents(String vin, int from) {
        return f.transport.messagesFrom(vin, from).stream().filter(m -> SimFixtures.event(m).equals("charging")).toList();
    }

    /** Whatever the car sends is a valid protocol message the platform accepts. */
    @AfterEach
    void everyMessageIsValid() {
        f.transport.all().forEach((vin, sent) -> sent.forEach(s -> codec.decode(s.json())));
    }

    // ------------------------------------------------------------------ sent again

    @Test
    void aCommandSentAgainIsAnsweredWithItsProgressAndRunOnce() {
        String vin = awakeCar("P-308");
        Twin t = f.fleet.twin(vin);
        f.command(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        // its acknowledgement was lost: the same command again, while the first is still queued
        f.command(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(f.progress(vin, "c-1")).extracting(m -> command(m).path("status").asString())
                .containsExactly("Received", "Received", "InProgress", "Done");
        assertThat(t.locked).isFalse();

        assertThat(command(done(vin, "c-2", "door", "{\"state\":\"Locked\"}")).path("result").asString())
                .isEqualTo("Success");
        int before = f.transport.count(vin);
        f.command(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<JsonNode> again = f.transport.messagesFrom(vin, before);
        assertThat(again).hasSize(1);
        assertThat(command(again.get(0))).isEqualTo(json("{\"id\":\"c-1\",\"status\":\"Done\",\"result\":\"Success\"}"));
        assertThat(t.locked).as("not unlocked a second time").isTrue();
    }

    @Test
    void aCommandSentAgainWhileInProgressIsAnsweredInProgress() {
        String vin = awakeCar("P-308");
        f.command(vin, "c-h", "horn", "{\"state\":\"Activated\"}");
        f.run(Duration.ofSeconds(1), Duration.ofSeconds(1));
        f.command(vin, "c-h", "horn", "{\"state\":\"Activated\"}");
        f.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(f.progress(vin, "c-h")).extracting(m -> command(m).path("status").asString())
                .containsExactly("Received", "InProgress", "InProgress", "Done");
    }

    @Test
    void aRestoredCarStillKnowsTheCommandsItRan() {
        String vin = awakeCar("P-308");
        done(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        f.fleet.snapshot(saved);

        SimFixtures b = new SimFixtures();
        b.clock.set(f.clock.now());
        b.fleet.restore(new ByteArrayInputStream(saved.toByteArray()));
        b.fleet.twin(vin).locked = true;
        b.command(vin, "c-1", "door", "{\"state\":\"Unlocked\"}");
        b.run(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(b.progress(vin, "c-1")).extracting(SimulatorRemoteActionsTest::command)
                .containsExactly(json("{\"id\":\"c-1\",\"status\":\"Done\",\"result\":\"Success\"}"));
        assertThat(b.fleet.twin(vin).locked).isTrue();
        f = b;
    }

    @Test
    void theCarRemembersALimitedNumberOfCommands() {
        String vin = awakeCar("P-308");
        for (int i = 0; i < Commands.REMEMBERED + 4; i++) {
            done(vin, "h-" + i, "horn", "{\"state\":\"Activated\"}");
        }
        assertThat(f.fleet.twin(vin).recent).hasSize(Commands.REMEMBERED);
        assertThat(f.fleet.twin(vin).recent.peekFirst().id).isEqualTo("h-4");
    }

    // ------------------------------------------------------------------ doors, horn, lights

    @Test
    void aForcedLockSaysWhetherTheKeysInsideWereBlacklisted() {
        String vin = awakeCar("P-308");
        Twin t = f.fleet.twin(vin);
        t.locked = false;
        JsonNode plain = done(vin, "l-1", "door", "{\"state\":\"Locked\"}");
        assertThat(command(plain)).isEqualTo(json("{\"id\":\"l-1\",\"status\":\"Done\",\"result\":\"Success\"}"));
        t.locked = false;
        JsonNode forced = done(vin, "l-2", "door", "{\"state\":\"Locked\",\"forced\":true}");
        assertThat(command(forced).path("result").asString()).isEqualTo("Success");
        assertThat(command(forced).path("feedbackDetail").asString()).isIn("NoCIDBlacklisted", "CIDBlacklisted");
        assertThat(forced.path("data").path("doorsState").path("lockedStates").get(0).asString()).isEqualTo("Locked");
        // with a door open, a forced lock fails too and the car stays unlocked
        t.locked = false;
        t.openDoors = Twin.DRIVER_DOOR;
        JsonNode open = done(vin, "l-3", "door", "{\"state\":\"Locked\",\"forced\":true}");
        assertThat(command(open)).isEqualTo(json(
                "{\"id\":\"l-3\",\"status\":\"Done\",\"result\":\"Failed\",\"failureCause\":\"DoorsOpen\"}"));
        assertThat(open.path("data").path("doorsState").path("lockedStates").get(0).asString()).isEqualTo("Unlocked");
    }

    @Test
    void theLightsFlashAndCanBeSwitchedOffWhileTheyDo() {
        String vin = awakeCar("P-308");
        String on = "[{\"direction\":\"Left\",\"position\":\"Front\",\"status\":\"On\"},"
                + "{\"direction\":\"Right\",\"position\":\"Front\",\"status\":\"On\"},"
                + "{\"direction\":\"Left\",\"position\":\"Rear\",\"status\":\"On\"},"
                + "{\"direction\":\"Right\",\"position\":\"Rear\",\"status\":\"On\"}]";
        f.command(vin, "li-1", "lights", "{\"on\":true}");
        f.run(Duration.ofSeconds(3), Duration.ofSeconds(1));
        JsonNode lit = f.progress(vin, "li-1").get(2);
        assertThat(command(lit).path("result").asString()).isEqualTo("Success");
        assertThat(lit.path("data").path("lightingSystem").path("turn")).isEqualTo(json(on));

        f.command(vin, "li-2", "lights", "{\"on\":false}");
        f.run(Duration.ofSeconds(5), Duration.ofSeconds(1));
        JsonNode off = f.progress(vin, "li-2").get(2);
        assertThat(command(off).path("result").asString()).isEqualTo("Success");
        assertThat(off.path("data").path("lightingSystem").path("turn")).isEqualTo(json(on.replace("On", "Off")));

        assertThat(command(done(vin, "li-3", "lights", "{\"on\":false}")).path("result").asString())
                .isEqualTo("AlreadyDone");
    }

    @Test
    void theHornSoundsOnlyOnAParkedCar() {
        String vin = awakeCar("P-308");
        assertThat(command(done(vin, "h-1", "horn", "{\"state\":\"Activated\"}")))
                .isEqualTo(json("{\"id\":\"h-1\",\"status\":\"Done\",\"result\":\"Success\"}"));
        f.fleet.twin(vin).mode = Twin.DRIVING;
        assertThat(command(done(vin, "h-2", "horn", "{\"state\":\"Activated\"}"))).isEqualTo(json(
                "{\"id\":\"h-2\",\"status\":\"Done\",\"result\":\"Failed\",\"failureCause\":\"VehicleInUse\"}"));
        f.fleet.twin(vin).mode = Twin.PARKED;
    }

    // ------------------------------------------------------------------ charging

    @Test
    void theBatteryLevelRisesWhileCharging() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 40);
        JsonNode start = done(vin, "ch-1", "charging", "{\"immediate\":true}");
        assertThat(charging(start).path("status").asString()).isEqualTo("InProgress");
        int from = f.transport.count(vin);
        double residualBefore = t.batteryKwh;
        f.run(Duration.ofHours(1));

        List<Double> levels = new ArrayList<>();
        for (JsonNode m : f.transport.messagesFrom(vin, from)) {
            JsonNode c = charging(m);
            if (c.path("status").asString().equals("InProgress")) {
                levels.add(m.path("data").path("energies").get(0).path("level").doubleValue());
            }
        }
        assertThat(levels).hasSizeGreaterThan(5);
        assertThat(levels).isSorted();
        assertThat(levels.get(levels.size() - 1)).isGreaterThan(levels.get(0) + 5);
        // 7.4 kW for an hour, less the charger's losses, all below the taper
        assertThat(t.batteryKwh - residualBefore).isBetween(7.4 * 0.8, 7.4);
        assertThat(t.charging()).isTrue();
    }

    @Test
    void aDelayedChargeStartsAtItsTime() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 50);
        Instant startAt = f.clock.now().plus(Duration.ofHours(1));
        JsonNode d = done(vin, "ch-d", "charging", "{\"schedule\":{\"nextDelayedTime\":\"" + startAt + "\"}}");
        assertThat(command(d)).isEqualTo(json("{\"id\":\"ch-d\",\"status\":\"Done\",\"result\":\"Success\"}"));
        assertThat(charging(d).path("status").asString()).isEqualTo("Stopped");
        assertThat(charging(d).path("nextDelayedTime").asString()).isEqualTo("PT1H");
        int from = f.transport.count(vin);

        f.run(Duration.ofMinutes(50));
        assertThat(t.charging()).isFalse();
        assertThat(chargingEvents(vin, from)).isEmpty();
        f.run(Duration.ofMinutes(15));
        List<JsonNode> events = chargingEvents(vin, from);
        assertThat(events).hasSize(1);
        within(events.get(0), startAt);
        assertThat(charging(events.get(0)).path("status").asString()).isEqualTo("InProgress");
        assertThat(t.charging()).isTrue();
    }

    @Test
    void aDelayedTimeInThePastOrWithPreferencesIsAWrongCommand() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 50);
        String wrong = "{\"id\":\"%s\",\"status\":\"Done\",\"result\":\"Failed\",\"failureCause\":\"WrongCommand\"}";
        assertThat(command(done(vin, "w-1", "charging", "{\"schedule\":{\"nextDelayedTime\":\""
                + f.clock.now().minusSeconds(60) + "\"}}"))).isEqualTo(json(wrong.formatted("w-1")));
        assertThat(command(done(vin, "w-2", "charging", "{\"immediate\":true,\"preferences\":{\"type\":\"Partial\"}}")))
                .isEqualTo(json(wrong.formatted("w-2")));
        assertThat(command(done(vin, "w-3", "charging",
                "{\"schedule\":{\"programs\":[{\"start\":\"PT25H\"}]}}"))).isEqualTo(json(wrong.formatted("w-3")));
        assertThat(t.chargeAt).isEqualTo(Twin.NEVER);
        assertThat(t.chargeTarget).isEqualTo(100);
        assertThat(t.hasChargePrograms()).isFalse();
        assertThat(t.charging()).isFalse();
    }

    @Test
    void aPartialChargePreferenceStopsTheChargeAtItsLevel() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 76);
        done(vin, "ch-1", "charging", "{\"immediate\":true}");
        JsonNode pref = done(vin, "ch-p", "charging", "{\"preferences\":{\"type\":\"Partial\",\"level\":\"Level1\"}}");
        assertThat(command(pref).path("result").asString()).isEqualTo("Success");
        assertThat(charging(pref).path("type").asString()).isEqualTo("Partial");
        assertThat(charging(pref).path("chargingPowerLevel").asString()).isEqualTo("Level1");
        assertThat(t.chargeKw).isLessThanOrEqualTo(2.3);
        assertThat(command(done(vin, "ch-p2", "charging", "{\"preferences\":{\"type\":\"Partial\"}}"))
                .path("result").asString()).isEqualTo("AlreadyDone");

        int from = f.transport.count(vin);
        f.run(Duration.ofHours(3));
        List<JsonNode> events = chargingEvents(vin, from);
        assertThat(events).hasSize(1);
        assertThat(charging(events.get(0)).path("status").asString()).isEqualTo("Finished");
        assertThat(events.get(0).path("data").path("energies").get(0).path("level").doubleValue()).isCloseTo(80.0,
                offset(0.1));
        assertThat(t.batteryLevel()).isCloseTo(80.0, offset(0.1));
    }

    @Test
    void chargingProgramsAreKeptShownAndRunAtTheirLocalTime() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 40);
        JsonNode d = done(vin, "ch-prog", "charging", "{\"schedule\":{\"programs\":[{\"start\":\"PT4H\","
                + "\"end\":\"PT5H\",\"enabled\":true,\"occurence\":{\"day\":[\"Wed\"]}}]}}");
        assertThat(command(d).path("result").asString()).isEqualTo("Success");
        assertThat(charging(d).path("schedule")).isEqualTo(json("{\"programs\":[{\"enabled\":true,\"start\":\"PT4H\","
                + "\"end\":\"PT5H\",\"chargeUntilFull\":false,\"occurence\":{\"day\":[\"Wed\"]}}]}"));
        int from = f.transport.count(vin);

        f.run(Duration.ofHours(3));
        List<JsonNode> events = chargingEvents(vin, from);
        assertThat(events).extracting(m -> charging(m).path("status").asString()).containsExactly("InProgress", "Stopped");
        within(events.get(0), Instant.parse("2026-01-14T03:00:00Z"));
        within(events.get(1), Instant.parse("2026-01-14T04:00:00Z"));
        assertThat(t.batteryLevel()).isGreaterThan(45);
        assertThat(t.chargeProgramAt).as("next Wednesday").isEqualTo(Instant.parse("2026-01-21T03:00:00Z").getEpochSecond());
    }

    // ------------------------------------------------------------------ preconditioning

    @Test
    void preconditioningProgramsAreSetDeletedShownAndRunAtTheirTime() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 70);
        JsonNode d = done(vin, "pr-1", "preconditioning", "{\"airConditioning\":{\"programs\":["
                + "{\"slot\":2,\"actionsType\":\"Set\",\"enabled\":true,\"recurrence\":\"None\",\"start\":\"PT5H30M\","
                + "\"occurence\":{\"day\":[\"Wed\",\"Thu\"]}},"
                + "{\"slot\":4,\"enabled\":false,\"start\":\"PT18H\",\"occurence\":{\"day\":[\"Sat\"]}}]}}");
        assertThat(command(d).path("result").asString()).isEqualTo("Success");
        String slot2 = "{\"slot\":2,\"enabled\":true,\"recurrence\":\"None\",\"start\":\"PT5H30M\","
                + "\"occurence\":{\"day\":[\"Wed\",\"Thu\"]}}";
        String slot4 = "{\"slot\":4,\"enabled\":false,\"recurrence\":\"Daily\",\"start\":\"PT18H\","
                + "\"occurence\":{\"day\":[\"Sat\"]}}";
        assertThat(d.path("data").path("preconditioning").path("airConditioning").path("programs"))
                .isEqualTo(json("[" + slot2 + "," + slot4 + "]"));

        // a slot twice: nothing changes
        String twice = "{\"airConditioning\":{\"programs\":[{\"slot\":1,\"start\":\"PT7H\"},{\"slot\":1,\"start\":\"PT8H\"}]}}";
        assertThat(command(done(vin, "pr-2", "preconditioning", twice)).path("failureCause").asString())
                .isEqualTo("WrongCommand");
        assertThat(t.precondProgram(1)).isZero();

        int from = f.transport.count(vin);
        f.run(Duration.ofHours(2).plusMinutes(30));
        List<JsonNode> started = f.transport.messagesFrom(vin, from).stream()
                .filter(m -> SimFixtures.event(m).equals("preconditioning")).toList();
        assertThat(started).isNotEmpty();
        within(started.get(0), Instant.parse("2026-01-14T04:30:00Z"));
        assertThat(started.get(0).path("data").path("preconditioning").path("airConditioning").path("status").asString())
                .isEqualTo("Enabled");
        assertThat(started.get(0).path("data").path("preconditioning").path("airConditioning").path("startingCause")
                .asString()).isEqualTo("Scheduled");
        // a program without recurrence runs once
        assertThat(Program.enabled(t.precondProgram(2))).isFalse();
        assertThat(t.precondProgramAt).isEqualTo(Twin.NEVER);

        JsonNode deleted = done(vin, "pr-3", "preconditioning",
                "{\"airConditioning\":{\"programs\":[{\"slot\":2,\"actionsType\":\"Delete\"}]}}");
        assertThat(deleted.path("data").path("preconditioning").path("airConditioning").path("programs"))
                .isEqualTo(json("[" + slot4 + "]"));
    }

    @Test
    void preconditioningStopsOnRequest() {
        String vin = awakeCar("P-E208");
        Twin t = pluggedAt(vin, 70);
        done(vin, "pi-1", "preconditioning", "{\"airConditioning\":{\"immediate\":true}}");
        assertThat(t.preconditioning()).isTrue();
        JsonNode off = done(vin, "pi-2", "preconditioning", "{\"airConditioning\":{\"immediate\":false}}");
        assertThat(command(off).path("result").asString()).isEqualTo("Success");
        assertThat(off.path("data").path("preconditioning").path("airConditioning").path("status").asString())
                .isEqualTo("Disabled");
        assertThat(command(done(vin, "pi-3", "preconditioning", "{\"airConditioning\":{\"immediate\":false}}"))
                .path("result").asString()).isEqualTo("AlreadyDone");
    }

    // ------------------------------------------------------------------ navigation

    private static String destination(double lon, double lat) {
        return "{\"positions\":[{\"type\":\"Point\",\"coordinates\":[2.30,48.80]},"
                + "{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]}]}";
    }

    /** The outcome of each of 30 destinations sent to the car, by command id. */
    private Map<String, String> navigationOutcomes(SimFixtures fx, String vin) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            String id = "nav-" + i;
            fx.command(vin, id, "navigation", destination(2.2945, 48.8584));
            fx.run(Duration.ofSeconds(10), Duration.ofSeconds(1));
            JsonNode c = command(fx.progress(vin, id).get(2));
            outcomes.put(id, c.path("result").asString() + "/" + c.path("failureCause").asString(""));
        }
        return outcomes;
    }

    @Test
    void driversSometimesDeclineADestinationTheSameWayOnEveryRun() {
        String vin = awakeCar("P-E208");
        Map<String, String> outcomes = navigationOutcomes(f, vin);
        assertThat(outcomes.values()).containsOnly("Success/", "Failed/CanceledByDriver");
        long declined = outcomes.values().stream().filter(o -> o.startsWith("Failed")).count();
        assertThat(declined).isBetween(1L, 15L);

        SimFixtures again = new SimFixtures();
        String sameVin = awakeCar(again, "P-E208");
        assertThat(navigationOutcomes(again, sameVin)).isEqualTo(outcomes);
    }

    @Test
    void aDeclinedDestinationIsNotDrivenTo() {
        String vin = awakeCar("P-E208");
        Twin t = f.fleet.twin(vin);
        for (int i = 0; i < 30; i++) {
            String id = "nav-" + i;
            f.command(vin, id, "navigation", destination(2.2945, 48.8584));
            f.run(Duration.ofSeconds(10), Duration.ofSeconds(1));
            if (command(f.progress(vin, id).get(2)).path("failureCause").asString("").equals("CanceledByDriver")) {
                assertThat(t.hasNav).isFalse();
                return;
            }
            t.hasNav = false;
        }
        throw new AssertionError("no destination declined in 30");
    }

    @Test
    void aTripUnderWayTurnsToAnAcceptedDestinationAndEndsThere() {
        String vin = awakeCar("P-E208");
        Twin t = f.fleet.twin(vin);
        for (int i = 0; i < 3 * 24 * 60 && t.mode != Twin.DRIVING; i++) {
            f.run(Duration.ofMinutes(1));
        }
        assertThat(t.mode).isEqualTo(Twin.DRIVING);
        double lon = Geo.round(Geo.offsetLon(t.lon, t.lat, 200, 8), 1e4);
        double lat = Geo.round(Geo.offsetLat(t.lat, 200, 8), 1e4);
        boolean accepted = false;
        for (int i = 0; i < 30 && !accepted; i++) {
            String id = "go-" + i;
            f.command(vin, id, "navigation", destination(lon, lat));
            f.run(Duration.ofSeconds(6), Duration.ofSeconds(1));
            accepted = command(f.progress(vin, id).get(2)).path("result").asString().equals("Success");
        }
        assertThat(accepted).isTrue();
        assertThat(t.destLon).isEqualTo(lon);
        assertThat(t.destLat).isEqualTo(lat);
        int from = f.transport.count(vin);
        f.run(Duration.ofHours(1), Duration.ofSeconds(30));
        assertThat(f.transport.messagesFrom(vin, from)).anyMatch(m -> SimFixtures.event(m).equals("ignition")
                && m.path("data").path("ignition").path("type").asString().equals("Stop")
                && Math.abs(m.path("data").path("position").path("coordinates").get(0).doubleValue() - lon) < 1e-6
                && Math.abs(m.path("data").path("position").path("coordinates").get(1).doubleValue() - lat) < 1e-6);
    }
}
