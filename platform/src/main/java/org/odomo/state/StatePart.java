package org.odomo.state;

import java.util.List;

/**
 * Names of the independently timed parts of a vehicle's current state. A part is replaced whole
 * by a newer measurement; energies are keyed by energy type so fuel and electric age separately.
 */
public final class StatePart {

    public static final String IGNITION = "ignition";
    public static final String POSITION = "position";
    public static final String KINETIC = "kinetic";
    public static final String ODOMETER = "odometer";
    public static final String ENERGY_FUEL = "energy.Fuel";
    public static final String ENERGY_ELECTRIC = "energy.Electric";
    public static final String BATTERY = "battery";
    public static final String DOORS = "doorsState";
    public static final String AIR = "environment.air";
    public static final String LUMINOSITY = "environment.luminosity";
    public static final String POWERTRAIN = "powertrain";
    public static final String ENGINES = "engines";
    public static final String PRECONDITIONING = "preconditioning";
    public static final String PRIVACY = "privacy";
    public static final String SAFETY = "safety";
    public static final String ALARM_STATUS = "alarm.status";
    public static final String ALARM_TRIGGER = "alarm.trigger";
    public static final String DRIVING_BEHAVIOR = "drivingBehavior";
    public static final String LIGHTING = "lightingSystem";
    public static final String TRANSMISSION = "transmission";
    public static final String ADAS = "adas";
    public static final String WIPING_BLADES = "wipingBlades";
    public static final String MAINTENANCE = "maintenance";

    public static final List<String> ALL = List.of(IGNITION, POSITION, KINETIC, ODOMETER, ENERGY_FUEL,
            ENERGY_ELECTRIC, BATTERY, DOORS, AIR, LUMINOSITY, POWERTRAIN, ENGINES, PRECONDITIONING, PRIVACY,
            SAFETY, ALARM_STATUS, ALARM_TRIGGER, DRIVING_BEHAVIOR, LIGHTING, TRANSMISSION, ADAS, WIPING_BLADES,
            MAINTENANCE);

    private StatePart() {
    }
}
