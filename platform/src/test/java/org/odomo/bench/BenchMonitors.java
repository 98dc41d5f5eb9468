package org.odomo.bench;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The monitors of a benchmark run: ten per vehicle (four on data, three zones, two time windows,
 * one combining a zone and data), each with a threshold, boundary or window start of its own
 * vehicle, placed so that its trigger changes about once in a hundred of the vehicle's messages
 * ({@link BenchFleet}: each message one minute and about 37 m further on, the speed going round
 * 30 to 89 km/h, the battery level down 0.1 a message, the odometer up 0.9 km).
 */
final class BenchMonitors {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** km per degree of latitude, and of longitude at the fleet's latitude. */
    private static final double KM_LAT = 110.57;
    private static final double KM_LON = 111.32 * Math.cos(Math.toRadians(48.5));

    private BenchMonitors() {
    }

    /** Where vehicle {@code index} is at its message {@code round}, as {@link BenchFleet#message} puts it. */
    private static double[] position(int index, int round) {
        return new double[] {2.0 + (index % 100) * 0.01 + round * 0.0004, 48.5 + (index / 100 % 100) * 0.01 + round * 0.0002};
    }

    /** The round, in [0, 100), at which vehicle {@code index}'s trigger number {@code k} changes. */
    private static int round(int index, int k) {
        return (int) (((long) index * 37 + k * 23L) % 100);
    }

    /** The ten definitions of vehicle {@code index}; {@code start} is the time of its first message. */
    static List<String> of(int index, Instant start) {
        int speedFrom = (index * 7) % 60;
        int odometerAbove = 10_000 + index + (int) Math.floor(round(index, 1) * 0.9);
        int levelBelow = 94 - index % 10;
        String[] zones = new String[3];
        for (int k = 0; k < 3; k++) {
            // A 1 km circle that the vehicle's path enters at its round: the centre 1 km ahead.
            double[] p = position(index, round(index, 2 + k));
            zones[k] = zone("z", "In", p[0] + 0.8 / KM_LON, p[1] + 0.6 / KM_LAT);
        }
        LocalTime opens = start.plusSeconds(60L * round(index, 5)).atZone(PARIS).toLocalTime();
        Instant from = start.plusSeconds(60L * round(index, 6));
        // Leaves a 1 km circle whose centre it passed at its round.
        double[] passed = position(index, round(index, 7));
        return List.of(
                one(data("d", "vehicle.kinetic.speed", "greaterThan", (30 + speedFrom) + ".5")),
                one(data("d", "vehicle.odometer", "greaterThan", Integer.toString(odometerAbove))),
                one(data("d", "vehicle.energy.electric.level", "lowerThan", Integer.toString(levelBelow))),
                one("{\"name\": \"d\", \"data\": {\"data\": \"vehicle.energy.charging.status\", \"op\": \"onChange\"}}"),
                one(zones[0]), one(zones[1]), one(zones[2]),
                one("{\"name\": \"t\", \"time\": {\"timeZone\": \"Europe/Paris\", \"times\": [{\"recurrence\": \"Daily\","
                        + " \"start\": \"PT" + opens.getHour() + "H" + opens.getMinute() + "M\", \"duration\": \"PT1H\"}]}}"),
                one("{\"name\": \"t\", \"time\": {\"times\": [{\"recurrence\": \"None\", \"start\": \"" + from + "\"}]}}"),
                definition(zone("z", "Out", passed[0] - 0.8 / KM_LON, passed[1] - 0.6 / KM_LAT) + ", "
                        + data("f", "vehicle.kinetic.speed", "greaterThan", "50"), "z & f"));
    }

    /**
     * Ten definitions of the same kinds for a whole fleet of the run (fleet monitors), placed so
     * that no trigger ever changes for any vehicle of it: thresholds beyond what the vehicles
     * report, circles far from their paths, windows that never open during a run. Thresholds of one
     * vehicle would fire on the first message of most of the others, and the run would measure
     * notifications rather than evaluations.
     */
    static List<String> quiet(Instant start) {
        String farIn = zone("z", "In", 10.0, 40.0);
        LocalTime opens = start.minusSeconds(6 * 3600).atZone(PARIS).toLocalTime();
        return List.of(
                one(data("d", "vehicle.kinetic.speed", "greaterThan", "500.5")),
                one(data("d", "vehicle.odometer", "greaterThan", "100000000")),
                one(data("d", "vehicle.energy.electric.level", "lowerThan", "-1")),
                one("{\"name\": \"d\", \"data\": {\"data\": \"vehicle.energy.charging.status\", \"op\": \"onChange\"}}"),
                one(farIn), one(zone("z", "In", 11.0, 41.0)), one(zone("z", "In", 12.0, 42.0)),
                one("{\"name\": \"t\", \"time\": {\"timeZone\": \"Europe/Paris\", \"times\": [{\"recurrence\": \"Daily\","
                        + " \"start\": \"PT" + opens.getHour() + "H" + opens.getMinute() + "M\", \"duration\": \"PT1H\"}]}}"),
                one("{\"name\": \"t\", \"time\": {\"times\": [{\"recurrence\": \"None\", \"start\": \""
                        + start.plusSeconds(30L * 86400) + "\"}]}}"),
                definition(zone("z", "In", 13.0, 43.0) + ", " + data("f", "vehicle.kinetic.speed", "greaterThan", "50"),
                        "z & f"));
    }

    private static String zone(String name, String transition, double longitude, double latitude) {
        return "{\"name\": \"" + name + "\", \"zone\": {\"transition\": \"" + transition + "\", \"place\": {\"radius\": 1,"
                + " \"center\": {\"longitude\": " + longitude + ", \"latitude\": " + latitude + "}}}}";
    }

    private static String data(String name, String path, String op, String value) {
        return "{\"name\": \"" + name + "\", \"data\": {\"data\": \"" + path + "\", \"op\": \"" + op + "\", \"value\": [\""
                + value + "\"]}}";
    }

    private static String one(String trigger) {
        return definition(trigger, trigger.substring(10, trigger.indexOf('"', 10)));
    }

    private static String definition(String triggers, String boolExp) {
        return "{\"label\": \"bench\", \"triggerParam\": {\"triggers\": [" + triggers + "], \"boolExp\": \"" + boolExp
                + "\"}}";
    }
}
