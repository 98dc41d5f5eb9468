package org.odomo.simulator;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The digital twin of one car: everything it knows, in primitive fields so that 100,000 of them fit
 * in a small heap. Every primitive field is the car's state and is saved in snapshots as it is
 * (the random generator's state too), so a restored car carries on exactly where it stopped.
 * Only the scheduler thread touches a twin.
 */
final class Twin {

    // modes
    static final byte PARKED = 0;
    static final byte BOARDING = 1;
    static final byte DRIVING = 2;
    static final byte ALIGHTING = 3;
    static final byte FAST_CHARGING = 4;

    // places
    static final byte HOME = 0;
    static final byte WORK = 1;
    static final byte OTHER = 2;
    static final byte AWAY = 3;

    // trip kinds
    static final byte COMMUTE = 0;
    static final byte RETURN_HOME = 1;
    static final byte ERRAND = 2;
    static final byte INTER_CITY = 3;

    // road classes
    static final byte URBAN = 0;
    static final byte ROAD = 1;
    static final byte MOTORWAY = 2;

    // charging status, as the API's ChargingStatusEnum
    static final byte DISCONNECTED = 0;
    static final byte IN_PROGRESS = 1;
    static final byte FAILURE = 2;
    static final byte STOPPED = 3;
    static final byte FINISHED = 4;
    static final String[] CHARGE_STATUS = {"Disconnected", "InProgress", "Failure", "Stopped", "Finished"};

    // charging mode
    static final byte MODE_NO = 0;
    static final byte SLOW = 1;
    static final byte QUICK = 2;
    static final String[] CHARGE_MODE = {"No", "Slow", "Quick"};

    // preconditioning status
    static final byte PRE_DISABLED = 0;
    static final byte PRE_ENABLED = 1;
    static final byte PRE_FINISHED = 2;
    static final byte PRE_FAILURE = 3;
    static final String[] PRE_STATUS = {"Disabled", "Enabled", "Finished", "Failure"};

    // doors (bits of openDoors)
    static final String[] DOORS = {"Driver", "Passenger", "RearLeft", "RearRight", "Trunk"};
    static final int DRIVER_DOOR = 1;
    static final int TRUNK = 1 << 4;

    static final long NEVER = Long.MAX_VALUE;
    /** The tracking periods of a stolen car until the fleet owner sets its own (RemoteStolen.trackingPeriod examples). */
    static final int DEFAULT_TRACK_RUNNING = 30;
    static final int DEFAULT_TRACK_SHUTDOWN = 120;

    final int index;
    final SimulatedVehicle spec;
    final VehicleModel model;
    final Motorization motor;
    VehicleLink link;
    /** Messages not yet acknowledged, oldest first; null while there are none. */
    ArrayDeque<Pending> outbox;
    /** Remote commands received and not yet done, in order; null while there are none. */
    ArrayDeque<Cmd> commands;
    /** The last remote commands done, oldest first (at most {@link Commands#REMEMBERED}); null until the first. */
    ArrayDeque<Cmd> recent;

    // ---- persisted state (every primitive, non-final field) ----
    long rng;
    long world;
    int upload;
    long counter;
    long lastT;
    long lastExchange;
    boolean awake;
    boolean introduced;

    byte mode;
    byte stage;
    byte place;
    byte tripKind;
    byte road;

    long introAt = NEVER;
    long tripAt = NEVER;
    long sampleAt = NEVER;
    long precondAt = NEVER;
    long precondEndAt = NEVER;
    long chargeAt = NEVER;
    long rareAt = NEVER;
    long alertClearAt = NEVER;
    /** A collision planned for this car: it happens on the first driving step at or after this time. */
    long collisionAt = NEVER;

    double lon;
    double lat;
    double heading;
    double speed;
    double accel;
    double odometer;
    double tripStartOdo;
    /** When the car last moved (or last drew energy while parked). */
    long moveT;

    double destLon;
    double destLat;
    double legFromLon;
    double legFromLat;
    double legToLon;
    double legToLat;
    double legLen;
    double legPos;
    double targetSpeed;

    byte homeCity;
    byte climateCity;
    byte destCity = -1;
    double homeLon;
    double homeLat;
    double workLon;
    double workLat;
    boolean commuter;

    /** Energy in the traction battery, kWh. */
    double batteryKwh;
    /** Fuel in the tank, litres (hydrogen: kg). */
    double fuel;
    /** Fuel burnt over the car's life, litres. */
    double fuelTotal;
    /** Battery state of health, % of the model's usable capacity. */
    double health;
    double resistance;
    /** Instant consumption, kWh/100 km or L/100 km (kg/100 km), of the energy in use. */
    double instant;

    boolean plugged;
    byte chargeStatus;
    byte chargeMode;
    double chargeKw;
    double chargeTarget = 100;
    long lastChargeT;
    double homeChargerKw;
    /** A fast charge is not tried again before this odometer reading (after a broken charger). */
    double nextChargerOdo;
    double plugBelow;
    boolean offPeak;

    boolean locked = true;
    int openDoors;

    byte precondStatus;
    byte precondCause;

    int alerts;
    byte randomAlert = -1;

    int serviceDueDay;
    double serviceDueKm;
    int serviceSlackDays;
    double serviceSlackKm;
    double refuelBelow;

    boolean hasNav;
    double navLon;
    double navLat;

    /** Charging programs sent to the car, {@link Program} packed; 0 for none. */
    long chargeProgram1;
    long chargeProgram2;
    long chargeProgram3;
    long chargeProgram4;
    /** Preconditioning programs, by slot. */
    long precondProgram1;
    long precondProgram2;
    long precondProgram3;
    long precondProgram4;
    /** The next start of a charging program, of a preconditioning program. */
    long chargeProgramAt = NEVER;
    long precondProgramAt = NEVER;
    /** The end of the charge a program started. */
    long chargeStopAt = NEVER;
    /** The charging power level the owner prefers (1 to 5 as the API's Level1 to Level5); 0 for none. */
    byte chargeLevel;
    /** The lights flash until then (after a remote asked for them). */
    long lightsUntil;
    /** The immobilizer is on: the engine does not start (a fleet owner's remote set it). */
    boolean immobilized;
    /** How many times in a row the driver tried to start it while immobilized. */
    byte startTries;
    /** Declared stolen: the car stays awake and reports its position every tracking period. */
    boolean stolen;
    /** Tracking periods, seconds, with the ignition on and off. */
    int trackRunning = DEFAULT_TRACK_RUNNING;
    int trackShutdown = DEFAULT_TRACK_SHUTDOWN;
    /** The next position report of a stolen car. */
    long trackAt = NEVER;

    Twin(int index, SimulatedVehicle spec) {
        this.index = index;
        this.spec = spec;
        this.model = VehicleModels.require(spec.modelCode());
        this.motor = model.motorization();
    }

    String vin() {
        return spec.vin();
    }

    // ---- random numbers: SplitMix64 on a state saved with the twin ----

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed of one car: the fleet seed and the VIN, nothing else. */
    static long seedFor(long fleetSeed, String vin) {
        long h = 0xcbf29ce484222325L;
        for (byte b : vin.getBytes(StandardCharsets.US_ASCII)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(mix(fleetSeed) ^ h);
    }

    long nextLong() {
        rng += 0x9E3779B97F4A7C15L;
        return mix(rng);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    double uniform(double min, double max) {
        return min + (max - min) * nextDouble();
    }

    long uniformSeconds(double min, double max) {
        return (long) uniform(min, max);
    }

    int nextInt(int bound) {
        return (int) ((nextLong() >>> 33) % bound);
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Exponentially distributed delay with the given mean. */
    double exponential(double mean) {
        return -mean * StrictMath.log(1 - nextDouble());
    }

    // ---- derived quantities ----

    double capacityKwh() {
        return model.batteryKwh() * health / 100;
    }

    double batteryLevel() {
        double cap = capacityKwh();
        return cap <= 0 ? 0 : Math.min(100, Math.max(0, batteryKwh / cap * 100));
    }

    double fuelLevel() {
        return model.tankLitres() <= 0 ? 0 : Math.min(100, Math.max(0, fuel / model.tankLitres() * 100));
    }

    boolean charging() {
        return chargeStatus == IN_PROGRESS;
    }

    boolean preconditioning() {
        return precondStatus == PRE_ENABLED;
    }

    boolean ignitionOn() {
        return mode == DRIVING;
    }

    /** Charging program 1 to 4. */
    long chargeProgram(int i) {
        return switch (i) {
            case 1 -> chargeProgram1;
            case 2 -> chargeProgram2;
            case 3 -> chargeProgram3;
            default -> chargeProgram4;
        };
    }

    void chargeProgram(int i, long p) {
        switch (i) {
            case 1 -> chargeProgram1 = p;
            case 2 -> chargeProgram2 = p;
            case 3 -> chargeProgram3 = p;
            default -> chargeProgram4 = p;
        }
    }

    /** Preconditioning program of slot 1 to 4. */
    long precondProgram(int slot) {
        return switch (slot) {
            case 1 -> precondProgram1;
            case 2 -> precondProgram2;
            case 3 -> precondProgram3;
            default -> precondProgram4;
        };
    }

    void precondProgram(int slot, long p) {
        switch (slot) {
            case 1 -> precondProgram1 = p;
            case 2 -> precondProgram2 = p;
            case 3 -> precondProgram3 = p;
            default -> precondProgram4 = p;
        }
    }

    boolean hasChargePrograms() {
        return (chargeProgram1 | chargeProgram2 | chargeProgram3 | chargeProgram4) != 0;
    }

    boolean hasPrecondPrograms() {
        return (precondProgram1 | precondProgram2 | precondProgram3 | precondProgram4) != 0;
    }

    boolean hasAlert(int alert) {
        return (alerts & (1 << alert)) != 0;
    }

    /** Parked with nothing going on, and not tracked as stolen: the only state in which the car may fall asleep. */
    boolean idle() {
        return introduced && mode == PARKED && !charging() && !preconditioning() && !stolen
                && (commands == null || commands.isEmpty());
    }

    /** How long until the next position report of a stolen car. */
    long trackingPeriod() {
        return mode == PARKED ? trackShutdown : trackRunning;
    }

    long sleepAt() {
        return awake && idle() ? lastExchange + SimulatorSettings.SLEEP_AFTER_SECONDS : NEVER;
    }

    /** When the scheduler must next step this car. */
    long nextTime() {
        long t = min(introAt, tripAt, sampleAt, precondAt, precondEndAt, chargeAt, rareAt, trackAt);
        t = Math.min(t, Math.min(chargeProgramAt, Math.min(precondProgramAt, chargeStopAt)));
        t = Math.min(t, sleepAt());
        if (commands != null && !commands.isEmpty()) {
            t = Math.min(t, commands.peekFirst().at);
        }
        if (outbox != null) {
            for (Pending p : outbox) {
                if (p.state == Pending.WAITING) {
                    t = Math.min(t, p.retryAt);
                }
            }
        }
        return t;
    }

    private static long min(long... values) {
        long m = NEVER;
        for (long v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    // ---- snapshots ----

    private static final List<Field> STATE = stateFields();

    private static List<Field> stateFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : Twin.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isFinal(m) && f.getType().isPrimitive()) {
                fields.add(f);
            }
        }
        fields.sort(Comparator.comparing(Field::getName));
        return List.copyOf(fields);
    }

    void writeState(ObjectNode out) {
        try {
            for (Field f : STATE) {
                Class<?> type = f.getType();
                String name = f.getName();
                if (type == double.class) {
                    out.put(name, f.getDouble(this));
                } else if (type == long.class) {
                    out.put(name, f.getLong(this));
                } else if (type == int.class) {
                    out.put(name, f.getInt(this));
                } else if (type == byte.class) {
                    out.put(name, f.getByte(this));
                } else if (type == boolean.class) {
                    out.put(name, f.getBoolean(this));
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    void readState(JsonNode in) {
        try {
            for (Field f : STATE) {
                JsonNode v = in.get(f.getName());
                if (v == null) {
                    continue;
                }
                Class<?> type = f.getType();
                if (type == double.class) {
                    f.setDouble(this, v.doubleValue());
                } else if (type == long.class) {
                    f.setLong(this, v.longValue());
                } else if (type == int.class) {
                    f.setInt(this, v.intValue());
                } else if (type == byte.class) {
                    f.setByte(this, (byte) v.intValue());
                } else if (type == boolean.class) {
                    f.setBoolean(this, v.booleanValue());
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> stateFieldNames() {
        return Arrays.asList(STATE.stream().map(Field::getName).toArray(String[]::new));
    }
}
