package org.odomo.monitor;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.odomo.access.FieldRule;
import org.odomo.access.FieldRules;
import org.odomo.vehicle.Scopes;

/**
 * The vehicle data a data trigger may watch, as the published {@code DataTrigger} schema lists
 * them: each with its value type, the operators it allows, the operators its {@code previous}
 * condition allows (none when it may have no previous), and where its scope comes from.
 */
enum DataPath {
    ALERT("vehicle.alert", ValueType.LIST, ops(Op.onChange, Op.includedIn, Op.equalsTo),
            ops(Op.includedIn, Op.equalsTo), null, Scopes.ALERT),
    ODOMETER("vehicle.odometer", ValueType.INTEGER, comparisons(), none(), "odometer.mileage", null),
    POWERTRAIN_STATUS("vehicle.powertrain.status", ValueType.ENUM, ops(Op.equalsTo, Op.onChange, Op.includedIn), none(),
            "powertrain.status", null),
    OIL_TEMP("vehicle.engines.thermic.oil.temp", ValueType.INTEGER, comparisons(), none(),
            "engines[].extension.thermic.oil.temp", null),
    ELECTRIC_LEVEL("vehicle.energy.electric.level", ValueType.INTEGER, comparisons(), none(), "energies[].level", null),
    ELECTRIC_AUTONOMY("vehicle.energy.electric.autonomy", ValueType.INTEGER, comparisons(), none(), "energies[].autonomy",
            null),
    FUEL_LEVEL("vehicle.energy.fuel.level", ValueType.INTEGER, comparisons(), none(), "energies[].level", null),
    FUEL_AUTONOMY("vehicle.energy.fuel.autonomy", ValueType.INTEGER, comparisons(), none(), "energies[].autonomy", null),
    AUTONOMY("vehicle.autonomy", ValueType.INTEGER, comparisons(), none(), "energies[].autonomy", null),
    CHARGING_STATUS("vehicle.energy.charging.status", ValueType.ENUM, ops(Op.onChange, Op.equalsTo, Op.includedIn),
            ops(Op.includedIn, Op.equalsTo), "energies[].extension.electric.charging.status", null),
    CHARGING_PLUGGED("vehicle.energy.charging.plugged", ValueType.BOOLEAN, ops(Op.onChange, Op.equalsTo),
            ops(Op.equalsTo), "energies[].extension.electric.charging.plugged", null),
    CHARGING_TYPE("vehicle.energy.charging.type", ValueType.ENUM, ops(Op.onChange, Op.equalsTo), none(),
            "energies[].extension.electric.charging.type", null),
    DOORS_LOCKED("vehicle.doorsState.lockedState", ValueType.NONE, ops(Op.onChange), none(), "doorsState.lockedStates",
            null),
    DOORS_OPENING("vehicle.doorsState.opening", ValueType.NONE, ops(Op.onChange), none(), "doorsState.opening[].state",
            null),
    MOVING("vehicle.kinetic.moving", ValueType.BOOLEAN, ops(Op.onChange, Op.equalsTo), ops(Op.equalsTo),
            "kinetic.moving", null),
    SPEED("vehicle.kinetic.speed", ValueType.NUMBER, comparisons(), none(), "kinetic.speed", null),
    TRIP_START("vehicle.trip.start", ValueType.LITERAL, ops(Op.onChange), none(), null, Scopes.TRIP),
    TRIP_STOP("vehicle.trip.stop", ValueType.LITERAL, ops(Op.onChange), none(), null, Scopes.TRIP),
    TRIP_DURATION("vehicle.trip.duration", ValueType.INTEGER, comparisons(), none(), null, Scopes.TRIP),
    TRIP_DISTANCE("vehicle.trip.distance", ValueType.NUMBER, comparisons(), none(), null, Scopes.TRIP),
    TRIP_STATE("vehicle.trip.state", ValueType.LIST, ops(Op.includedIn), none(), null, Scopes.TRIP),
    BELT_WARNING("vehicle.safety.beltWarning", ValueType.ENUM, ops(Op.onChange, Op.equalsTo),
            ops(Op.includedIn, Op.equalsTo), "safety.beltStatus[].belt", null),
    AIR_TEMP("environment.air.temp", ValueType.NUMBER, comparisons(), none(), "environment.air.temp", null),
    PRIVACY("privacy.state", ValueType.ENUM, ops(Op.equalsTo, Op.onChange, Op.includedIn),
            ops(Op.equalsTo, Op.includedIn), "privacy.state", null),
    DRIVING_MODE("vehicle.drivingBehavior.mode", ValueType.ENUM, ops(Op.equalsTo, Op.onChange, Op.includedIn),
            ops(Op.equalsTo, Op.includedIn), "drivingBehavior.mode", null),
    ECALL("vehicle.safety.autoECallTriggering", ValueType.ENUM, ops(Op.equalsTo, Op.onChange, Op.includedIn),
            ops(Op.equalsTo, Op.includedIn), "safety.autoECallTriggering", null),
    AIR_CONDITIONING("vehicle.preconditioning.airConditioning", ValueType.NONE, ops(Op.onChange), none(),
            "preconditioning.airConditioning.status", null),
    ALARM_TRIGGER("vehicle.alarm.trigger.type", ValueType.ENUM, ops(Op.onChange, Op.equalsTo, Op.includedIn), none(),
            "alarm.trigger.type", null),
    ALARM_ACTIVATION("vehicle.alarm.status.activation", ValueType.ENUM, ops(Op.onChange, Op.equalsTo), none(),
            "alarm.status.activation", null),
    // The data only fleet monitors watch (the B2B DataTrigger table lists them, the B2C one does not).
    /** The deprecated name of {@code vehicle.trip.start}. */
    TRIP("vehicle.trip", ValueType.LITERAL, ops(Op.onChange), none(), null, Scopes.TRIP, true),
    MAINTENANCE_DAYS("vehicle.maintenance.daysBeforeMaintenance", ValueType.NUMBER, comparisons(), none(),
            "maintenance.daysBeforeMaintenance", Scopes.TELEMETRY, true),
    MAINTENANCE_MILEAGE("vehicle.maintenance.mileageBeforeMaintenance", ValueType.NUMBER, comparisons(), none(),
            "maintenance.mileageBeforeMaintenance", Scopes.TELEMETRY, true),
    /**
     * The sides of the collision the vehicle's message reports: a collision is an instant, so the
     * value holds for that message only (each collision is an edge).
     */
    COLLISION_SIDE("vehicle.collision.side", ValueType.LIST, ops(Op.equalsTo, Op.includedIn), none(), null,
            Scopes.COLLISION, true),
    COLLISION_SEVERITY("vehicle.collision.severity", ValueType.LIST, ops(Op.equalsTo, Op.includedIn), none(), null,
            Scopes.COLLISION, true),
    /**
     * Whether the vehicle is declared stolen now: asked of the stolen-vehicle declarations on each
     * message of the car. A fleet owner's own declaration: no data scope.
     */
    STOLEN("stolen.state", ValueType.BOOLEAN, ops(Op.onChange, Op.equalsTo), none(), null, null, true);

    /** The operators of a data trigger, spelled as the API's enum. */
    enum Op {
        equalsTo, greaterThan, lowerThan, includedIn, onChange
    }

    /** The type of the values a trigger compares its data with. */
    enum ValueType {
        INTEGER, NUMBER, BOOLEAN, ENUM, LITERAL, LIST,
        /** Compared only with itself: onChange, no value. */
        NONE
    }

    private final String wireName;
    private final ValueType type;
    private final Set<Op> ops;
    private final Set<Op> previousOps;
    private final String statusPath;
    private final String fixedScope;
    private final boolean fleetOnly;

    DataPath(String wireName, ValueType type, Set<Op> ops, Set<Op> previousOps, String statusPath, String fixedScope) {
        this(wireName, type, ops, previousOps, statusPath, fixedScope, false);
    }

    DataPath(String wireName, ValueType type, Set<Op> ops, Set<Op> previousOps, String statusPath, String fixedScope,
            boolean fleetOnly) {
        this.fleetOnly = fleetOnly;
        this.wireName = wireName;
        this.type = type;
        this.ops = ops;
        this.previousOps = previousOps;
        this.statusPath = statusPath;
        this.fixedScope = fixedScope;
    }

    String wireName() {
        return wireName;
    }

    ValueType type() {
        return type;
    }

    Set<Op> ops() {
        return ops;
    }

    Set<Op> previousOps() {
        return previousOps;
    }

    /**
     * The scopes an app needs to watch this data: those the field rules (checked against the data
     * catalog) give its member of the vehicle status, or, for alerts and trips, their category's.
     */
    Set<String> scopes() {
        if (fixedScope != null) {
            return Set.of(fixedScope);
        }
        if (statusPath == null) {
            return Set.of();
        }
        return FieldRules.governing("status", statusPath).map(FieldRule::scopes)
                .orElseThrow(() -> new IllegalStateException("no field rule for status." + statusPath));
    }

    /** Whether only fleet monitors may watch it (B2C monitors may not). */
    boolean fleetOnly() {
        return fleetOnly;
    }

    /** The data of the sample this one reads: {@code vehicle.trip} is {@code vehicle.trip.start} under its old name. */
    DataPath source() {
        return this == TRIP ? TRIP_START : this;
    }

    /** Whether it is one of the trip data, set by trip events rather than by messages. */
    boolean tripData() {
        return this == TRIP || wireName.startsWith("vehicle.trip.");
    }

    /** The status member that holds this data; empty for alerts, trips, collisions and the stolen state. */
    Optional<String> statusPath() {
        return Optional.ofNullable(statusPath);
    }

    static Optional<DataPath> ofWireName(String name) {
        for (DataPath p : values()) {
            if (p.wireName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Set<Op> comparisons() {
        return EnumSet.of(Op.equalsTo, Op.greaterThan, Op.lowerThan);
    }

    private static Set<Op> none() {
        return EnumSet.noneOf(Op.class);
    }

    private static Set<Op> ops(Op first, Op... rest) {
        return EnumSet.of(first, rest);
    }
}
