package org.odomo.simulator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;

import org.odomo.protocol.MessageType;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RemoteType;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remote commands as a car carries them out: {@code Received} at once, {@code InProgress} a second
 * later, {@code Done} when the action is over, one command at a time in the order received. The
 * outcome is decided against the car's state when the action runs: {@code AlreadyDone} when the
 * car is already as asked, {@code Failed} with the API's cause otherwise (doors open, battery too
 * low, action the model does not have, car in use, plane mode), and the effect is applied to the
 * twin. The {@code Done} message carries a sample of what the command changed.
 */
final class Commands {

    private static final String SUCCESS = "Success";
    private static final String ALREADY_DONE = "AlreadyDone";
    private static final String FAILED = "Failed";

    private final Behaviour behaviour;
    private final JsonNodeFactory nodes;

    Commands(Behaviour behaviour, JsonNodeFactory nodes) {
        this.behaviour = behaviour;
        this.nodes = nodes;
    }

    /** A {@code command} downlink reaching an awake car. Returns false when it cannot even be answered. */
    boolean receive(Twin t, long now, JsonNode command) {
        String id = command.path("id").isString() ? command.path("id").stringValue() : null;
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
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
        if (expires != null && expires.getEpochSecond() <= now) {
            done(t, now, id, FAILED, "VehicleConnectionTimeout", 0);
            return true;
        }
        progress(t, now, id, "Received");
        if (t.commands == null) {
            t.commands = new ArrayDeque<>(2);
        }
        boolean first = t.commands.isEmpty();
        t.commands.addLast(new Cmd(id, action, params == null ? nodes.objectNode() : params, Cmd.RECEIVED,
                first ? now + 1 : Twin.NEVER));
        return true;
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

    private void execute(Twin t, long now, Cmd c) {
        RemoteType remote = remote(c.action);
        if (remote == null) {
            done(t, now, c.id, FAILED, "WrongCommand", 0);
            return;
        }
        if (!t.model.supports(remote)) {
            done(t, now, c.id, FAILED, "VehicleError", 0);
            return;
        }
        if (t.spec.privacyMode() == PrivacyMode.PLANE && remote != RemoteType.WAKE_UP) {
            done(t, now, c.id, FAILED, "NotPossibleDueToVehiclePrivacyLevel", 0);
            return;
        }
        if (t.motor == Motorization.BEV && t.batteryLevel() < 5 && remote != RemoteType.CHARGING) {
            done(t, now, c.id, FAILED, "NotPossibleDueToVehicleBatteryLevel", Samples.ENERGIES);
            return;
        }
        JsonNode p = c.params;
        boolean inUse = t.mode != Twin.PARKED;
        switch (remote) {
            case DOOR -> door(t, now, c.id, p.path("state").isString() ? p.path("state").stringValue() : "", inUse);
            case HORN -> {
                String state = p.path("state").isString() ? p.path("state").stringValue() : "";
                if (!state.equals("Activated") && !state.equals("Unactivated")) {
                    done(t, now, c.id, FAILED, "WrongCommand", 0);
                } else if (inUse) {
                    done(t, now, c.id, FAILED, "VehicleInUse", 0);
                } else {
                    done(t, now, c.id, state.equals("Activated") ? SUCCESS : ALREADY_DONE, null, Samples.POSITION);
                }
            }
            case LIGHTS -> {
                if (!p.path("on").isBoolean()) {
                    done(t, now, c.id, FAILED, "WrongCommand", 0);
                } else if (inUse) {
                    done(t, now, c.id, FAILED, "VehicleInUse", 0);
                } else {
                    // the lights flash and go off: asking for them off finds them off
                    done(t, now, c.id, p.path("on").booleanValue() ? SUCCESS : ALREADY_DONE, null, Samples.POSITION);
                }
            }
            case CHARGING -> charging(t, now, c.id, p);
            case PRECONDITIONING -> preconditioning(t, now, c.id, p, inUse);
            case WAKE_UP -> done(t, now, c.id, SUCCESS, null, Samples.FULL);
            case NAVIGATION -> navigation(t, now, c.id, p);
        }
    }

    private void door(Twin t, long now, String id, String state, boolean inUse) {
        int parts = Samples.DOORS | Samples.ALARM;
        switch (state) {
            case "Locked" -> {
                if (t.locked) {
                    done(t, now, id, ALREADY_DONE, null, parts);
                } else if (inUse) {
                    done(t, now, id, FAILED, "VehicleInUse", parts);
                } else if (t.openDoors != 0) {
                    done(t, now, id, FAILED, "DoorsOpen", parts);
                } else {
                    t.locked = true;
                    done(t, now, id, SUCCESS, null, parts);
                }
            }
            case "Unlocked" -> {
                if (!t.locked) {
                    done(t, now, id, ALREADY_DONE, null, parts);
                } else {
                    t.locked = false;
                    done(t, now, id, SUCCESS, null, parts);
                }
            }
            default -> done(t, now, id, FAILED, "WrongCommand", 0);
        }
    }

    private void charging(Twin t, long now, String id, JsonNode p) {
        int parts = Samples.ENERGIES;
        boolean any = false;
        if (p.path("preferences").isObject()) {
            any = true;
            String type = p.path("preferences").path("type").isString() ? p.path("preferences").path("type").stringValue() : "";
            if (type.equals("Full")) {
                t.chargeTarget = 100;
            } else if (type.equals("Partial")) {
                t.chargeTarget = 80;
            }
        }
        String delayed = p.path("schedule").path("nextDelayedTime").isString()
                ? p.path("schedule").path("nextDelayedTime").stringValue()
                : p.path("nextDelayedTime").isString() ? p.path("nextDelayedTime").stringValue() : null;
        if (delayed != null || p.path("schedule").isObject()) {
            any = true;
            if (delayed != null) {
                try {
                    long at = Instant.parse(delayed).getEpochSecond();
                    if (t.plugged && !t.charging() && at > now) {
                        t.chargeAt = at;
                    }
                } catch (DateTimeParseException e) {
                    done(t, now, id, FAILED, "WrongCommand", 0);
                    return;
                }
            }
        }
        if (!p.path("immediate").isBoolean()) {
            done(t, now, id, any ? SUCCESS : FAILED, any ? null : "WrongCommand", any ? parts : 0);
            return;
        }
        boolean start = p.path("immediate").booleanValue();
        if (!t.plugged) {
            done(t, now, id, start ? FAILED : ALREADY_DONE, start ? "ExternalChargingSystemError" : null, parts);
        } else if (start) {
            if (t.charging() || t.batteryLevel() >= Behaviour.target(t) - 0.5) {
                done(t, now, id, ALREADY_DONE, null, parts);
            } else {
                behaviour.startCharging(t, now, t.mode == Twin.FAST_CHARGING ? Twin.QUICK : Twin.SLOW,
                        t.chargeKw > 0 ? t.chargeKw : t.homeChargerKw);
                boolean ok = t.charging();
                done(t, now, id, ok ? SUCCESS : FAILED, ok ? null : "VehicleChargingSystemError", parts);
            }
        } else if (!t.charging()) {
            done(t, now, id, ALREADY_DONE, null, parts);
        } else {
            behaviour.stopCharging(t, now);
            done(t, now, id, SUCCESS, null, parts);
        }
    }

    private void preconditioning(Twin t, long now, String id, JsonNode p, boolean inUse) {
        int parts = Samples.PRECONDITIONING | Samples.ENERGIES;
        JsonNode ac = p.path("airConditioning");
        if (!ac.isObject()) {
            done(t, now, id, FAILED, "WrongCommand", 0);
            return;
        }
        if (!ac.path("immediate").isBoolean()) {
            boolean programs = ac.path("programs").isArray();
            done(t, now, id, programs ? SUCCESS : FAILED, programs ? null : "WrongCommand", programs ? parts : 0);
            return;
        }
        if (ac.path("immediate").booleanValue()) {
            if (t.preconditioning()) {
                done(t, now, id, ALREADY_DONE, null, parts);
            } else if (inUse) {
                done(t, now, id, FAILED, "VehicleInUse", parts);
            } else if (t.batteryLevel() < 15 && !t.charging()) {
                done(t, now, id, FAILED, "NotPossibleDueToVehicleBatteryLevel", parts);
            } else {
                behaviour.startPreconditioning(t, now, (byte) 0, 30 * 60);
                done(t, now, id, SUCCESS, null, parts);
            }
        } else if (t.preconditioning()) {
            behaviour.stopPreconditioning(t, now, Twin.PRE_DISABLED);
            done(t, now, id, SUCCESS, null, parts);
        } else {
            done(t, now, id, ALREADY_DONE, null, parts);
        }
    }

    private void navigation(Twin t, long now, String id, JsonNode p) {
        JsonNode positions = p.path("positions");
        if (!positions.isArray() || positions.isEmpty() || positions.size() > 10) {
            done(t, now, id, FAILED, "WrongCommand", 0);
            return;
        }
        JsonNode last = positions.get(positions.size() - 1);
        JsonNode coordinates = last.isArray() ? last : last.path("coordinates");
        if (!coordinates.isArray() || coordinates.size() < 2 || !coordinates.get(0).isNumber()
                || !coordinates.get(1).isNumber()) {
            done(t, now, id, FAILED, "WrongCommand", 0);
            return;
        }
        double lon = coordinates.get(0).doubleValue();
        double lat = coordinates.get(1).doubleValue();
        if (!(lon >= -180 && lon <= 180 && lat >= -85 && lat <= 85)
                || Geo.distanceKm(t.lon, t.lat, lon, lat) > 1500) {
            done(t, now, id, FAILED, "WrongCommand", 0);
            return;
        }
        t.hasNav = true;
        t.navLon = lon;
        t.navLat = lat;
        done(t, now, id, SUCCESS, null, Samples.POSITION);
    }

    private void progress(Twin t, long now, String id, String status) {
        ObjectNode command = nodes.objectNode().put("id", id).put("status", status);
        behaviour.out().send(t, now, MessageType.COMMAND_PROGRESS, "command", command, null);
    }

    private void done(Twin t, long now, String id, String result, String cause, int parts) {
        ObjectNode command = nodes.objectNode().put("id", id).put("status", "Done").put("result", result);
        if (cause != null) {
            command.put("failureCause", cause);
        }
        ObjectNode data = parts == 0 ? null : behaviour.samples().data(t, now, parts);
        behaviour.out().send(t, now, MessageType.COMMAND_PROGRESS, "command", command, data);
    }
}
