package org.odomo.simulator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;

import org.odomo.protocol.MessageType;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RemoteType;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remote commands as a car carries them out: {@code Received} at once, {@code InProgress} a second
 * later, {@code Done} when the action is over, one command at a time in the order received. The
 * outcome is decided against the car's state when the action runs: {@code AlreadyDone} when the
 * car is already as asked, {@code Failed} with the API's cause otherwise (doors open, battery too
 * low, action the model does not have, car in use, plane mode, destination declined by the
 * driver), and the effect is applied to the twin, so that it shows in what the car sends next.
 * The {@code Done} message carries a sample of what the command changed.
 *
 * <p>A command that arrives again with an id the car knows (its acknowledgement was lost, the
 * platform sent it again) is not run again: the car answers with where that command is.
 *
 * <p>Charging and preconditioning programs are kept in the twin and run at their local time.
 */
final class Commands {

    /** How many finished commands a car remembers, to answer one sent again. */
    static final int REMEMBERED = 16;
    /** How often a driver declines a destination sent to the car. */
    static final double NAVIGATION_DECLINED = 0.2;
    /** How long the lights flash on a remote. */
    static final long LIGHTS_SECONDS = 10;
    /** The upper power of each charging power level, kW (index 1 to 5; 0: no preference). */
    private static final double[] LEVEL_KW = {Double.MAX_VALUE, 2.3, 3.7, 7.4, 22, Double.MAX_VALUE};
    private static final String[] LEVELS = {"", "Level1", "Level2", "Level3", "Level4", "Level5"};
    private static final long PRECONDITIONING_SECONDS = 30 * 60;

    private static final String SUCCESS = "Success";
    private static final String ALREADY_DONE = "AlreadyDone";
    private static final String FAILED = "Failed";
    private static final String WRONG = "WrongCommand";

    private final Behaviour behaviour;
    private final JsonNodeFactory nodes;

    Commands(Behaviour behaviour, JsonNodeFactory nodes) {
        this.behaviour = behaviour;
        this.nodes = nodes;
    }

    static double levelKw(byte level) {
        return LEVEL_KW[level];
    }

    /** A {@code command} downlink reaching an awake car. Returns false when it cannot even be answered. */
    boolean receive(Twin t, long now, JsonNode command) {
        String id = command.path("id").isString() ? command.path("id").stringValue() : null;
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        Cmd known = find(t, id);
        if (known != null) {
            answerAgain(t, now, known);
            return true;
        }
        String action = command.path("action").isString() ? command.path("action").stringValue() : "";
        JsonNode params = command.get("params");
        Instant expires = null;
        if (command.path("expiresAt").isString()) {
            try {
                expires = Instant.parse(command.path("expiresAt").stringValue());
            } catch (DateTimeParseException e) {
                expires = null;
            }
        }
        Cmd c = new Cmd(id, action, params == null ? nodes.objectNode() : params, Cmd.RECEIVED, Twin.NEVER);
        if (expires != null && expires.getEpochSecond() <= now) {
            done(t, now, c, FAILED, "VehicleConnectionTimeout", 0);
            return true;
        }
        progress(t, now, id, "Received");
        if (t.commands == null) {
            t.commands = new ArrayDeque<>(2);
        }
        if (t.commands.isEmpty()) {
            c.at = now + 1;
        }
        t.commands.addLast(c);
        return true;
    }

    /** The command of that id, queued or done lately; null when the car does not know it. */
    private static Cmd find(Twin t, String id) {
        if (t.commands != null) {
            for (Cmd c : t.commands) {
                if (c.id.equals(id)) {
                    return c;
                }
            }
        }
        if (t.recent != null) {
            for (Cmd c : t.recent) {
                if (c.id.equals(id)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The same progress again, without running anything. */
    private void answerAgain(Twin t, long now, Cmd c) {
        switch (c.phase) {
            case Cmd.RECEIVED -> progress(t, now, c.id, "Received");
            case Cmd.IN_PROGRESS -> progress(t, now, c.id, "InProgress");
            default -> behaviour.out().send(t, now, MessageType.COMMAND_PROGRESS, "command", doneNode(c), null);
        }
    }

    /** Moves the head command to its next phase. */
    void advance(Twin t, long now) {
        Cmd head = t.commands.peekFirst();
        if (head.phase == Cmd.RECEIVED) {
            head.phase = Cmd.IN_PROGRESS;
            head.at = now + duration(head.action);
            progress(t, now, head.id, "InProgress");
            return;
        }
        t.commands.pollFirst();
        execute(t, now, head);
        Cmd next = t.commands.peekFirst();
        if (next != null) {
            next.at = now + 1;
        } else {
            t.commands = null;
        }
    }

    private static long duration(String action) {
        return switch (action) {
            case "door", "navigation" -> 3;
            case "charging", "preconditioning" -> 4;
            default -> 2;
        };
    }

    private static RemoteType remote(String action) {
        for (RemoteType r : RemoteType.values()) {
            if (r.action().equals(action)) {
                return r;
            }
        }
        return null;
    }

    private static String text(JsonNode p, String field) {
        JsonNode v = p.path(field);
        return v.isString() ? v.stringValue() : "";
    }

    private void execute(Twin t, long now, Cmd c) {
        if (c.action.equals("immobilization")) {
            immobilization(t, now, c, c.params.path("activate"));
            return;
        }
        if (c.action.equals("stolen")) {
            stolen(t, now, c, c.params);
            return;
        }
        RemoteType remote = remote(c.action);
        if (remote == null) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (!t.model.supports(remote)) {
            done(t, now, c, FAILED, "VehicleError", 0);
            return;
        }
        if (t.spec.privacyMode() == PrivacyMode.PLANE && remote != RemoteType.WAKE_UP) {
            done(t, now, c, FAILED, "NotPossibleDueToVehiclePrivacyLevel", 0);
            return;
        }
        if (t.motor == Motorization.BEV && t.batteryLevel() < 5 && remote != RemoteType.CHARGING) {
            done(t, now, c, FAILED, "NotPossibleDueToVehicleBatteryLevel", Samples.ENERGIES);
            return;
        }
        JsonNode p = c.params;
        boolean inUse = t.mode != Twin.PARKED;
        switch (remote) {
            case DOOR -> door(t, now, c, p, inUse);
            case HORN -> {
                String state = text(p, "state");
                if (!state.equals("Activated") && !state.equals("Unactivated")) {
                    done(t, now, c, FAILED, WRONG, 0);
                } else if (inUse) {
                    done(t, now, c, FAILED, "VehicleInUse", 0);
                } else {
                    // the horn sounds for a moment: by the time it is done it is silent again
                    done(t, now, c, state.equals("Activated") ? SUCCESS : ALREADY_DONE, null, Samples.POSITION);
                }
            }
            case LIGHTS -> lights(t, now, c, p, inUse);
            case CHARGING -> charging(t, now, c, p);
            case PRECONDITIONING -> preconditioning(t, now, c, p, inUse);
            case WAKE_UP -> done(t, now, c, SUCCESS, null, Samples.FULL);
            case NAVIGATION -> navigation(t, now, c, p);
        }
    }

    // ------------------------------------------------------------------ immobilization, stolen

    /** The immobilizer takes effect at the next start: a car under way is not stopped. */
    private void immobilization(Twin t, long now, Cmd c, JsonNode activate) {
        if (!activate.isBoolean()) {
            done(t, now, c, FAILED, WRONG, 0);
        } else if (t.immobilized == activate.booleanValue()) {
            done(t, now, c, ALREADY_DONE, null, 0);
        } else {
            t.immobilized = activate.booleanValue();
            done(t, now, c, SUCCESS, null, 0);
        }
    }

    /** {@code stolen}: declared or withdrawn, the tracking periods, or the immobilizer. */
    private void stolen(Twin t, long now, Cmd c, JsonNode p) {
        if (p.has("immobilization")) {
            immobilization(t, now, c, p.path("immobilization").path("activate"));
            return;
        }
        if (p.has("trackingPeriod")) {
            JsonNode running = p.path("trackingPeriod").path("running");
            JsonNode shutdown = p.path("trackingPeriod").path("shutdown");
            if (!running.isMissingNode() && (!running.isIntegralNumber() || running.intValue() < 5)
                    || !shutdown.isMissingNode() && (!shutdown.isIntegralNumber() || shutdown.intValue() < 60)) {
                done(t, now, c, FAILED, WRONG, 0);
                return;
            }
            if (!running.isMissingNode()) {
                t.trackRunning = running.intValue();
            }
            if (!shutdown.isMissingNode()) {
                t.trackShutdown = shutdown.intValue();
            }
            if (t.stolen) {
                t.trackAt = now + t.trackingPeriod();
            }
            done(t, now, c, SUCCESS, null, 0);
            return;
        }
        JsonNode declared = p.path("stolen");
        if (!declared.isBoolean()) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (t.stolen == declared.booleanValue()) {
            done(t, now, c, ALREADY_DONE, null, Samples.POSITION);
            return;
        }
        t.stolen = declared.booleanValue();
        // Tracking starts with the answer (which carries the position) and goes on every period;
        // withdrawn, the car falls asleep again once idle.
        t.trackAt = t.stolen ? now + t.trackingPeriod() : Twin.NEVER;
        if (!t.stolen) {
            t.trackRunning = Twin.DEFAULT_TRACK_RUNNING;
            t.trackShutdown = Twin.DEFAULT_TRACK_SHUTDOWN;
        }
        done(t, now, c, SUCCESS, null, Samples.POSITION);
    }

    // ------------------------------------------------------------------ doors, lights

    private void door(Twin t, long now, Cmd c, JsonNode p, boolean inUse) {
        int parts = Samples.DOORS | Samples.ALARM;
        switch (text(p, "state")) {
            case "Locked" -> {
                if (t.locked) {
                    done(t, now, c, ALREADY_DONE, null, parts);
                } else if (inUse) {
                    done(t, now, c, FAILED, "VehicleInUse", parts);
                } else if (t.openDoors != 0) {
                    done(t, now, c, FAILED, "DoorsOpen", parts);
                } else {
                    t.locked = true;
                    if (p.path("forced").asBoolean(false)) {
                        // a forced lock also tries to blacklist the keys left inside
                        c.feedbackDetail = draw(t, c.id, 0x10C4) < 0.5 ? "CIDBlacklisted" : "NoCIDBlacklisted";
                    }
                    done(t, now, c, SUCCESS, null, parts);
                }
            }
            case "Unlocked" -> {
                if (!t.locked) {
                    done(t, now, c, ALREADY_DONE, null, parts);
                } else {
                    t.locked = false;
                    done(t, now, c, SUCCESS, null, parts);
                }
            }
            default -> done(t, now, c, FAILED, WRONG, 0);
        }
    }

    private void lights(Twin t, long now, Cmd c, JsonNode p, boolean inUse) {
        if (!p.path("on").isBoolean()) {
            done(t, now, c, FAILED, WRONG, 0);
        } else if (inUse) {
            done(t, now, c, FAILED, "VehicleInUse", 0);
        } else if (p.path("on").booleanValue()) {
            t.lightsUntil = now + LIGHTS_SECONDS;
            done(t, now, c, SUCCESS, null, Samples.POSITION | Samples.LIGHTING);
        } else if (t.lightsUntil > now) {
            t.lightsUntil = 0;
            done(t, now, c, SUCCESS, null, Samples.POSITION | Samples.LIGHTING);
        } else {
            done(t, now, c, ALREADY_DONE, null, Samples.POSITION | Samples.LIGHTING);
        }
    }

    // ------------------------------------------------------------------ charging

    private void charging(Twin t, long now, Cmd c, JsonNode p) {
        int parts = Samples.ENERGIES;
        JsonNode preferences = p.get("preferences");
        JsonNode schedule = p.get("schedule");
        JsonNode delayedField = p.get("nextDelayedTime");
        JsonNode immediate = p.get("immediate");
        boolean scheduling = schedule != null || delayedField != null;
        if (preferences != null) {
            if (scheduling || immediate != null) {
                done(t, now, c, FAILED, WRONG, 0);
            } else {
                preferences(t, now, c, preferences);
            }
            return;
        }
        if (!scheduling && immediate == null || immediate != null && !immediate.isBoolean()
                || schedule != null && !schedule.isObject()) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        // everything is checked before anything changes
        JsonNode delayed = schedule != null && schedule.has("nextDelayedTime") ? schedule.get("nextDelayedTime") : delayedField;
        long delayedAt = Twin.NEVER;
        if (delayed != null) {
            try {
                delayedAt = delayed.isString() ? Instant.parse(delayed.stringValue()).getEpochSecond() : -1;
            } catch (DateTimeParseException e) {
                delayedAt = -1;
            }
        }
        JsonNode programs = schedule == null ? null : schedule.get("programs");
        long[] parsed = null;
        if (programs != null) {
            if (!programs.isArray() || programs.size() > 4) {
                done(t, now, c, FAILED, WRONG, 0);
                return;
            }
            parsed = new long[4];
            for (int i = 0; i < programs.size(); i++) {
                parsed[i] = Program.parse(programs.get(i));
                if (parsed[i] == Program.INVALID) {
                    done(t, now, c, FAILED, WRONG, 0);
                    return;
                }
            }
        }
        boolean start = immediate != null && immediate.booleanValue();
        if (delayed != null && (delayedAt <= now || programs != null || start)) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (parsed != null) {
            for (int i = 0; i < 4; i++) {
                t.chargeProgram(i + 1, parsed[i]);
            }
            schedulePrograms(t, now);
        }
        if (delayed != null) {
            // charge later: a charge under way stops until then
            if (t.charging() && t.mode == Twin.PARKED) {
                behaviour.stopCharging(t, now);
            }
            t.chargeAt = delayedAt;
        }
        if (immediate == null) {
            done(t, now, c, SUCCESS, null, parts);
            return;
        }
        boolean changed = scheduling;
        if (!t.plugged) {
            done(t, now, c, start ? FAILED : changed ? SUCCESS : ALREADY_DONE,
                    start ? "ExternalChargingSystemError" : null, parts);
        } else if (start) {
            if (t.charging() || t.batteryLevel() >= Behaviour.target(t) - 0.5) {
                done(t, now, c, changed ? SUCCESS : ALREADY_DONE, null, parts);
            } else {
                behaviour.startCharging(t, now, t.mode == Twin.FAST_CHARGING ? Twin.QUICK : Twin.SLOW,
                        t.chargeKw > 0 ? t.chargeKw : t.homeChargerKw);
                boolean ok = t.charging();
                done(t, now, c, ok ? SUCCESS : FAILED, ok ? null : "VehicleChargingSystemError", parts);
            }
        } else if (!t.charging()) {
            done(t, now, c, changed ? SUCCESS : ALREADY_DONE, null, parts);
        } else {
            behaviour.stopCharging(t, now);
            done(t, now, c, SUCCESS, null, parts);
        }
    }

    private void preferences(Twin t, long now, Cmd c, JsonNode p) {
        JsonNode level = p.get("level");
        JsonNode type = p.get("type");
        byte newLevel = t.chargeLevel;
        double newTarget = t.chargeTarget;
        if (!p.isObject() || level == null && type == null) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (level != null) {
            newLevel = -1;
            for (byte i = 1; i < LEVELS.length; i++) {
                if (LEVELS[i].equals(level.isString() ? level.stringValue() : null)) {
                    newLevel = i;
                }
            }
        }
        if (type != null) {
            String s = type.isString() ? type.stringValue() : "";
            newTarget = s.equals("Full") ? 100 : s.equals("Partial") ? 80 : -1;
        }
        if (newLevel < 0 || newTarget < 0) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (newLevel == t.chargeLevel && newTarget == t.chargeTarget) {
            done(t, now, c, ALREADY_DONE, null, Samples.ENERGIES);
            return;
        }
        t.chargeLevel = newLevel;
        t.chargeTarget = newTarget;
        behaviour.chargePreferencesChanged(t, now);
        done(t, now, c, SUCCESS, null, Samples.ENERGIES);
    }

    // ------------------------------------------------------------------ preconditioning

    private void preconditioning(Twin t, long now, Cmd c, JsonNode p, boolean inUse) {
        int parts = Samples.PRECONDITIONING | Samples.ENERGIES;
        JsonNode ac = p.path("airConditioning");
        JsonNode immediate = ac.get("immediate");
        JsonNode programs = ac.get("programs");
        if (!ac.isObject() || immediate == null && programs == null || immediate != null && !immediate.isBoolean()
                || programs != null && (!programs.isArray() || programs.size() > 4)) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        // Set and Delete per slot, each slot once; checked in full before any is applied
        long[] slots = null;
        boolean[] touched = new boolean[5];
        if (programs != null) {
            slots = new long[5];
            for (JsonNode prog : programs) {
                int slot = prog.path("slot").isIntegralNumber() ? prog.path("slot").intValue() : 0;
                String actionsType = prog.has("actionsType") ? text(prog, "actionsType") : "Set";
                if (slot < 1 || slot > 4 || touched[slot]) {
                    done(t, now, c, FAILED, WRONG, 0);
                    return;
                }
                touched[slot] = true;
                if (actionsType.equals("Set")) {
                    slots[slot] = Program.parse(prog);
                    if (slots[slot] == Program.INVALID) {
                        done(t, now, c, FAILED, WRONG, 0);
                        return;
                    }
                } else if (!actionsType.equals("Delete")) {
                    done(t, now, c, FAILED, WRONG, 0);
                    return;
                }
            }
            for (int slot = 1; slot <= 4; slot++) {
                if (touched[slot]) {
                    t.precondProgram(slot, slots[slot]);
                }
            }
            schedulePrograms(t, now);
        }
        boolean changed = programs != null;
        if (immediate == null) {
            done(t, now, c, SUCCESS, null, parts);
        } else if (immediate.booleanValue()) {
            if (t.preconditioning()) {
                done(t, now, c, changed ? SUCCESS : ALREADY_DONE, null, parts);
            } else if (inUse) {
                done(t, now, c, FAILED, "VehicleInUse", parts);
            } else if (t.batteryLevel() < 15 && !t.charging()) {
                done(t, now, c, FAILED, "NotPossibleDueToVehicleBatteryLevel", parts);
            } else {
                behaviour.startPreconditioning(t, now, (byte) 0, PRECONDITIONING_SECONDS);
                done(t, now, c, SUCCESS, null, parts);
            }
        } else if (t.preconditioning()) {
            behaviour.stopPreconditioning(t, now, Twin.PRE_DISABLED);
            done(t, now, c, SUCCESS, null, parts);
        } else {
            done(t, now, c, changed ? SUCCESS : ALREADY_DONE, null, parts);
        }
    }

    // ------------------------------------------------------------------ programs

    /** When the charging and preconditioning programs next start, from now. */
    void schedulePrograms(Twin t, long now) {
        int offset = Climate.utcOffset(t, now);
        long charge = Twin.NEVER;
        long precond = Twin.NEVER;
        for (int i = 1; i <= 4; i++) {
            charge = Math.min(charge, Program.nextStart(t.chargeProgram(i), now, offset));
            precond = Math.min(precond, Program.nextStart(t.precondProgram(i), now, offset));
        }
        t.chargeProgramAt = charge;
        t.precondProgramAt = precond;
    }

    /** A program's time (or the end of a programmed charge) has come. */
    void programsDue(Twin t, long now) {
        if (t.chargeStopAt <= now) {
            t.chargeStopAt = Twin.NEVER;
            if (t.charging() && t.mode == Twin.PARKED) {
                behaviour.stopCharging(t, now);
            }
        }
        boolean charge = t.chargeProgramAt <= now;
        boolean precond = t.precondProgramAt <= now;
        if (!charge && !precond) {
            return;
        }
        long chargeAt = t.chargeProgramAt;
        long precondAt = t.precondProgramAt;
        for (int i = 1; i <= 4; i++) {
            if (charge) {
                long p = t.chargeProgram(i);
                if (Program.startsAt(p, chargeAt, Climate.utcOffset(t, chargeAt))) {
                    runChargeProgram(t, now, chargeAt, p);
                    if (Program.once(p)) {
                        t.chargeProgram(i, Program.disabled(p));
                    }
                }
            }
            if (precond) {
                long p = t.precondProgram(i);
                if (Program.startsAt(p, precondAt, Climate.utcOffset(t, precondAt))) {
                    runPrecondProgram(t, now);
                    if (Program.once(p)) {
                        t.precondProgram(i, Program.disabled(p));
                    }
                }
            }
        }
        schedulePrograms(t, now);
    }

    private void runChargeProgram(Twin t, long now, long startedAt, long p) {
        if (!t.plugged || t.mode != Twin.PARKED) {
            return;
        }
        if (!t.charging()) {
            if (t.batteryLevel() >= Behaviour.target(t) - 0.5) {
                return;
            }
            behaviour.wake(t, now);
            behaviour.startCharging(t, now, Twin.SLOW, t.chargeKw > 0 ? t.chargeKw : t.homeChargerKw);
        }
        if (t.charging() && Program.hasEnd(p) && !Program.untilFull(p)) {
            t.chargeStopAt = Program.endAfter(p, startedAt, Climate.utcOffset(t, startedAt));
        }
    }

    private void runPrecondProgram(Twin t, long now) {
        if (t.mode != Twin.PARKED || t.preconditioning()) {
            return;
        }
        behaviour.wake(t, now);
        behaviour.startPreconditioning(t, now, (byte) 1, PRECONDITIONING_SECONDS);
    }

    /** The programs of the car, as its status shows them. */
    static void writeChargePrograms(ObjectNode charging, Twin t) {
        ArrayNode list = charging.putObject("schedule").putArray("programs");
        for (int i = 1; i <= 4; i++) {
            long p = t.chargeProgram(i);
            if (p != Program.NONE) {
                Program.write(list.addObject(), p, 0, true);
            }
        }
    }

    static void writePrecondPrograms(ObjectNode airConditioning, Twin t) {
        ArrayNode list = airConditioning.putArray("programs");
        for (int slot = 1; slot <= 4; slot++) {
            long p = t.precondProgram(slot);
            if (p != Program.NONE) {
                Program.write(list.addObject(), p, slot, false);
            }
        }
    }

    // ------------------------------------------------------------------ navigation

    private void navigation(Twin t, long now, Cmd c, JsonNode p) {
        JsonNode positions = p.path("positions");
        if (!positions.isArray() || positions.isEmpty() || positions.size() > 10) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        JsonNode last = positions.get(positions.size() - 1);
        JsonNode coordinates = last.isArray() ? last : last.path("coordinates");
        if (!coordinates.isArray() || coordinates.size() < 2 || !coordinates.get(0).isNumber()
                || !coordinates.get(1).isNumber()) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        double lon = coordinates.get(0).doubleValue();
        double lat = coordinates.get(1).doubleValue();
        if (!(lon >= -180 && lon <= 180 && lat >= -85 && lat <= 85)
                || Geo.distanceKm(t.lon, t.lat, lon, lat) > 1500) {
            done(t, now, c, FAILED, WRONG, 0);
            return;
        }
        if (draw(t, c.id, 0x4A71) < NAVIGATION_DECLINED) {
            done(t, now, c, FAILED, "CanceledByDriver", 0);
            return;
        }
        behaviour.navigateTo(t, lon, lat);
        done(t, now, c, SUCCESS, null, Samples.POSITION);
    }

    /**
     * A number in [0, 1) for one decision about one command: from the fleet seed, the VIN and the
     * command id only, so the same command meets the same answer on every run, and the car's own
     * random sequence is left as it was.
     */
    private static double draw(Twin t, String commandId, long salt) {
        long h = Twin.seedFor(t.world ^ salt, t.vin() + '/' + commandId);
        return (h >>> 11) * 0x1.0p-53;
    }

    // ------------------------------------------------------------------ answers

    private void progress(Twin t, long now, String id, String status) {
        ObjectNode command = nodes.objectNode().put("id", id).put("status", status);
        behaviour.out().send(t, now, MessageType.COMMAND_PROGRESS, "command", command, null);
    }

    private ObjectNode doneNode(Cmd c) {
        ObjectNode command = nodes.objectNode().put("id", c.id).put("status", "Done").put("result", c.result);
        if (c.failureCause != null) {
            command.put("failureCause", c.failureCause);
        }
        if (c.feedbackDetail != null) {
            command.put("feedbackDetail", c.feedbackDetail);
        }
        return command;
    }

    private void done(Twin t, long now, Cmd c, String result, String cause, int parts) {
        c.phase = Cmd.DONE;
        c.at = Twin.NEVER;
        c.params = null;
        c.result = result;
        c.failureCause = cause;
        remember(t, c);
        ObjectNode data = parts == 0 ? null : behaviour.samples().data(t, now, parts);
        behaviour.out().send(t, now, MessageType.COMMAND_PROGRESS, "command", doneNode(c), data);
    }

    static void remember(Twin t, Cmd c) {
        if (t.recent == null) {
            t.recent = new ArrayDeque<>(4);
        }
        t.recent.addLast(c);
        if (t.recent.size() > REMEMBERED) {
            t.recent.pollFirst();
        }
    }
}
