package org.odomo.simulator;

import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RemoteType;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the {@code data} sample of a message from a twin, part by part, in the shapes of the
 * protocol. Only the parts the car may upload are built: position needs the {@code position}
 * category and a privacy mode that refreshes the location, maintenance the {@code maintenance}
 * category, every other part {@code telemetry}; plane mode leaves nothing. {@code privacy} is always
 * there so the platform learns the mode. Building a sample never draws a random number, so what
 * is filtered out does not change what the car does next.
 */
final class Samples {

    static final int IGNITION = 1;
    static final int POSITION = 1 << 1;
    static final int KINETIC = 1 << 2;
    static final int ODOMETER = 1 << 3;
    static final int ENERGIES = 1 << 4;
    static final int BATTERY = 1 << 5;
    static final int DOORS = 1 << 6;
    static final int ENVIRONMENT = 1 << 7;
    static final int POWERTRAIN = 1 << 8;
    static final int PRECONDITIONING = 1 << 9;
    static final int ALARM = 1 << 10;
    static final int MAINTENANCE = 1 << 11;
    static final int ENGINES = 1 << 12;
    static final int SAFETY = 1 << 13;
    /** With SAFETY: the automatic emergency call was triggered. */
    static final int ECALL = 1 << 14;
    /** The lights, sent only with the answer to a lights remote. */
    static final int LIGHTING = 1 << 15;

    static final int TELEMETRY_PARTS = ~(POSITION | MAINTENANCE);
    static final int DRIVING = IGNITION | POSITION | KINETIC | ODOMETER | ENERGIES | ENVIRONMENT | BATTERY;
    static final int PARKED_BUSY = DRIVING | PRECONDITIONING;
    static final int FULL = DRIVING | DOORS | POWERTRAIN | PRECONDITIONING | ALARM | MAINTENANCE | ENGINES;

    /** Below this level a plug-in hybrid drives on fuel. */
    static final double PHEV_RESERVE = 2.0;

    private final JsonNodeFactory nodes;

    Samples(JsonNodeFactory nodes) {
        this.nodes = nodes;
    }

    static int bit(DataCategory c) {
        return 1 << c.ordinal();
    }

    static boolean uploads(Twin t, DataCategory c) {
        return (t.upload & bit(c)) != 0 && t.spec.privacyMode().refreshesData();
    }

    /** The parts this car may send now. */
    static int allowed(Twin t) {
        PrivacyMode privacy = t.spec.privacyMode();
        if (!privacy.refreshesData()) {
            return 0;
        }
        int parts = 0;
        if ((t.upload & bit(DataCategory.TELEMETRY)) != 0) {
            parts |= TELEMETRY_PARTS;
        }
        if ((t.upload & bit(DataCategory.POSITION)) != 0 && privacy.refreshesLocation()) {
            parts |= POSITION;
        }
        if ((t.upload & bit(DataCategory.MAINTENANCE)) != 0) {
            parts |= MAINTENANCE;
        }
        return parts & produced(t);
    }

    /** The parts the model produces at all (the data catalog's vehicle types). */
    static int produced(Twin t) {
        int parts = ~0;
        if (!t.motor.hasTractionBattery()) {
            parts &= ~ALARM;
        }
        if (!t.model.supports(RemoteType.PRECONDITIONING)) {
            parts &= ~PRECONDITIONING;
        }
        if (t.motor == Motorization.BEV || t.motor == Motorization.FCEV) {
            parts &= ~ENGINES;
        }
        return parts;
    }

    /** A sample of the requested parts that the car may send; {@code privacy} always. */
    ObjectNode data(Twin t, long now, int requested) {
        int parts = requested & allowed(t);
        ObjectNode d = nodes.objectNode();
        if ((parts & IGNITION) != 0) {
            d.putObject("ignition").put("type", t.ignitionOn() ? "Start" : "Stop");
        }
        if ((parts & POSITION) != 0) {
            position(d.putObject("position"), t);
        }
        if ((parts & KINETIC) != 0) {
            d.putObject("kinetic").put("speed", Geo.round(t.speed, 10)).put("acceleration", Geo.round(t.accel, 100))
                    .put("moving", t.speed > 0);
        }
        if ((parts & ODOMETER) != 0) {
            d.putObject("odometer").put("mileage", Geo.round(t.odometer, 10));
        }
        if ((parts & ENERGIES) != 0) {
            energies(d.putArray("energies"), t, now);
        }
        if ((parts & BATTERY) != 0) {
            double volts = t.ignitionOn() ? 14.3 : t.charging() ? 13.9 : t.awake ? 12.6 : 12.4;
            d.putObject("battery").put("voltage", volts);
        }
        if ((parts & DOORS) != 0) {
            doors(d.putObject("doorsState"), t);
        }
        if ((parts & ENVIRONMENT) != 0) {
            ObjectNode env = d.putObject("environment");
            env.putObject("air").put("temp", Climate.airTemp(t, now));
            env.putObject("luminosity").put("day", Climate.daylight(t.lon, t.lat, now));
        }
        if ((parts & POWERTRAIN) != 0) {
            d.putObject("powertrain").put("status", t.ignitionOn() ? "Running" : "NotRunning");
        }
        if ((parts & ENGINES) != 0) {
            engines(d.putArray("engines"), t, now);
        }
        if ((parts & PRECONDITIONING) != 0) {
            ObjectNode ac = d.putObject("preconditioning").putObject("airConditioning");
            ac.put("status", Twin.PRE_STATUS[t.precondStatus]);
            if (t.precondStatus == Twin.PRE_ENABLED || t.precondStatus == Twin.PRE_FINISHED) {
                ac.put("startingCause", t.precondCause == 0 ? "Immediate" : "Scheduled");
            } else if (t.precondStatus == Twin.PRE_FAILURE) {
                ac.put("failureCause", "LowBattery");
            }
            if (t.hasPrecondPrograms()) {
                Commands.writePrecondPrograms(ac, t);
            }
        }
        if ((parts & ALARM) != 0) {
            d.putObject("alarm").putObject("status").put("activation", t.locked ? "Active" : "Inactive");
        }
        if ((parts & LIGHTING) != 0) {
            String state = t.lightsUntil > now ? "On" : "Off";
            ArrayNode turn = d.putObject("lightingSystem").putArray("turn");
            for (String position : new String[] {"Front", "Rear"}) {
                turn.addObject().put("direction", "Left").put("position", position).put("status", state);
                turn.addObject().put("direction", "Right").put("position", position).put("status", state);
            }
        }
        if ((parts & SAFETY) != 0) {
            ObjectNode safety = d.putObject("safety");
            safety.putArray("beltStatus").addObject().put("belt", "Normal").put("id", "Driver");
            safety.put("autoECallTriggering", (requested & ECALL) != 0 ? "Detected" : "NotDetected");
        }
        if ((parts & MAINTENANCE) != 0) {
            d.putObject("maintenance")
                    .put("daysBeforeMaintenance", t.serviceDueDay - Math.floorDiv(now, 86400L))
                    .put("mileageBeforeMaintenance", Geo.round(t.serviceDueKm - t.odometer, 10));
        }
        d.putObject("privacy").put("state", t.spec.privacyMode().stateName());
        return d;
    }

    private static void position(ObjectNode p, Twin t) {
        double alt = City.get(t.climateCity).altitude()
                + 8 * StrictMath.sin(t.lat * 157) * StrictMath.cos(t.lon * 113);
        p.putArray("coordinates").add(Geo.round(t.lon, 1e6)).add(Geo.round(t.lat, 1e6)).add(Geo.round(alt, 10));
        p.put("heading", ((int) Math.round(t.heading)) % 360);
        int quality = 3 + (int) Math.floorMod(Double.doubleToLongBits(t.lon + t.lat) >>> 20, 3L);
        p.put("signalQuality", quality).put("type", "Acquire").put("fixStatus", "3D");
    }

    private static void doors(ObjectNode d, Twin t) {
        d.putArray("lockedStates").add(t.locked ? "Locked" : "Unlocked");
        ArrayNode opening = d.putArray("opening");
        for (int i = 0; i < Twin.DOORS.length; i++) {
            opening.addObject().put("identifier", Twin.DOORS[i]).put("state", (t.openDoors & (1 << i)) != 0 ? "Open" : "Closed");
        }
    }

    private static void engines(ArrayNode engines, Twin t, long now) {
        boolean running = t.ignitionOn() && fuelInUse(t);
        double ambient = Climate.airTemp(t, now);
        ObjectNode thermic = engines.addObject().put("type", "Thermic")
                .put("speed", running ? Math.round(800 + t.speed * 22) : 0)
                .putObject("extension").putObject("thermic");
        thermic.putObject("coolant").put("temp", running ? 90.0 : ambient);
        thermic.putObject("oil").put("level", t.hasAlert(Behaviour.OIL) ? 15 : 80).put("temp", running ? 95.0 : ambient);
    }

    static boolean fuelInUse(Twin t) {
        return switch (t.motor) {
            case ICE, FCEV -> true;
            case BEV -> false;
            case PHEV -> t.batteryLevel() <= PHEV_RESERVE;
        };
    }

    private void energies(ArrayNode energies, Twin t, long now) {
        double temp = Climate.airTemp(t, now);
        if (t.motor.hasFuelTank()) {
            boolean hydrogen = t.motor == Motorization.FCEV;
            double perKm = hydrogen ? Behaviour.hydrogenPerKm(t, temp) : t.model.fuelPer100() / 100;
            double instant = t.ignitionOn() && fuelInUse(t) ? Geo.round(t.instant, 10) : 0;
            ObjectNode fuel = energies.addObject().put("type", "Fuel").put("subType", hydrogen ? "Hydrogen" : "FossilEnergy")
                    .put("level", Geo.round(t.fuelLevel(), 10))
                    .put("autonomy", Math.min(5000, Math.round(t.fuel / perKm)));
            ObjectNode ext = fuel.putObject("extension").putObject("fuel");
            ext.putObject("consumption").put("consumption", instant);
            ObjectNode total = ext.putObject("consumptions");
            if (!hydrogen) {
                total.put("total", Geo.round(t.fuelTotal * 100, 1));
            }
            total.put("instant", instant);
        }
        if (t.motor.hasTractionBattery()) {
            double perKm = Behaviour.electricPerKm(t, temp);
            double level = t.batteryLevel();
            double range = t.motor == Motorization.PHEV ? Math.max(0, t.batteryKwh - t.capacityKwh() * PHEV_RESERVE / 100)
                    : t.batteryKwh;
            ObjectNode electric = energies.addObject().put("type", "Electric").put("subType", "ElectricEnergy")
                    .put("level", Geo.round(level, 10))
                    .put("autonomy", Math.min(5000, Math.round(range / perKm)));
            ObjectNode ext = electric.putObject("extension").putObject("electric");
            if (t.motor.isPlugIn()) {
                charging(ext.putObject("charging"), t, now);
            }
            ObjectNode battery = ext.putObject("battery");
            battery.putObject("load").put("capacity", Math.round(t.capacityKwh() * 1000))
                    .put("residual", Math.round(t.batteryKwh * 1000));
            battery.putObject("health").put("capacity", (int) Math.floor(t.health))
                    .put("resistance", (int) Math.floor(t.resistance));
            ext.putObject("residual").put("consumption", Geo.round(t.batteryKwh, 100));
            boolean inUse = t.ignitionOn() && !fuelInUse(t);
            ext.putObject("consumption").put("consumption", inUse ? Geo.round(t.instant, 10) : 0);
        }
    }

    private static void charging(ObjectNode c, Twin t, long now) {
        c.put("plugged", t.plugged).put("status", Twin.CHARGE_STATUS[t.chargeStatus])
                .put("chargingMode", Twin.CHARGE_MODE[t.chargeMode]);
        if (t.charging()) {
            double kw = Behaviour.chargePower(t) * Behaviour.efficiency(t);
            c.put("remainingTime", duration(Behaviour.secondsToTarget(t)))
                    .put("chargingRate", (int) Math.min(500, Math.round(kw / (t.model.electricKwhPer100() / 100))))
                    .put("chargingPowerLevel", powerLevel(t.chargeKw));
        } else if (t.plugged && t.chargeAt != Twin.NEVER && t.chargeAt > now) {
            c.put("nextDelayedTime", duration(t.chargeAt - now));
        }
        c.put("type", Behaviour.target(t) >= 100 ? "Full" : "Partial");
        if (t.hasChargePrograms()) {
            Commands.writeChargePrograms(c, t);
        }
    }

    private static String powerLevel(double kw) {
        return kw <= 2.3 ? "Level1" : kw <= 3.7 ? "Level2" : kw <= 7.4 ? "Level3" : kw <= 22 ? "Level4" : "Level5";
    }

    /** ISO 8601 duration in hours and minutes, {@code PT2H35M}. */
    static String duration(long seconds) {
        long minutes = Math.max(0, (seconds + 59) / 60);
        long h = minutes / 60;
        long m = minutes % 60;
        return h > 0 ? (m > 0 ? "PT" + h + "H" + m + "M" : "PT" + h + "H") : "PT" + m + "M";
    }
}
