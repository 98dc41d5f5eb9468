package org.odomo.simulator;

import org.odomo.protocol.MessageType;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.RemoteType;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a car does and when: its day (commutes, errands, now and then a trip to a neighbouring
 * city), its energy (consumption from the model's figures, charging at home, refuelling), its doors,
 * preconditioning, alerts, collisions, alarm triggers and its sleep. Each step runs at the car's own
 * scheduled time and draws only from the car's own random generator, so a car's messages depend on
 * the seed, its VIN, the clock steps and what the platform sends it, and on nothing else.
 */
final class Behaviour {

    // alerts the simulator raises (bit numbers of Twin.alerts)
    static final int FUEL_LOW = 0;
    static final int RISK_OF_ICE = 1;
    static final int TYRE_LF = 2;
    static final int OIL = 7;
    static final int CHARGING_FAILURE = 12;
    static final String[] ALERT = {"FuelLevelLow", "RiskOfIce", "LeftFrontTireUnderInflated",
            "RightFrontTireUnderInflated", "LeftRearTireUnderInflated", "RightRearTireUnderInflated",
            "AddWasherFluid", "OilLevelLow", "ReplaceBrakePads", "CoolantLevellow", "HeadlightsFault",
            "LeftBrakeLampFault", "ChargingFailure", "ParticleFilterFull", "EngineFault",
            "BatteryChargeOrElectricalCircuitSystemFailure", "ElectricTractionSystemFault"};
    static final String[] SEVERITY = {"Warning", "Information", "Warning", "Warning", "Warning", "Warning",
            "Information", "Warning", "Warning", "Warning", "Warning", "Information", "Warning", "Warning",
            "Critical", "Critical", "Critical"};
    private static final int[] ANY_CAR_ALERTS = {6, 8, 10, 11, 15};
    private static final int[] COMBUSTION_ALERTS = {7, 9, 14};
    private static final String[] BREAK_INS = {"VolumetricBreakIn", "FrontLeftDoorBreakIn", "FrontRightDoorBreakIn",
            "TrunkDoorBreakIn", "VehicleLifting", "ElectricalsystemBreakIn"};

    private static final double HOUR = 3600;
    private static final double DAY = 86400;

    private final SimulatorSettings settings;
    private final Messenger out;
    private final Samples samples;
    private final JsonNodeFactory nodes;
    final Commands commands;

    Behaviour(SimulatorSettings settings, Messenger out, JsonNodeFactory nodes) {
        this.settings = settings;
        this.out = out;
        this.nodes = nodes;
        this.samples = new Samples(nodes);
        this.commands = new Commands(this, nodes);
    }

    Samples samples() {
        return samples;
    }

    Messenger out() {
        return out;
    }

    // ------------------------------------------------------------------ birth

    /** A new car, parked at home and asleep; it introduces itself at a random time of the intro spread. */
    void init(Twin t, long now) {
        t.rng = Twin.seedFor(settings.seed(), t.vin());
        t.world = settings.seed();
        for (DataCategory c : t.spec.upload()) {
            t.upload |= Samples.bit(c);
        }
        t.homeLon = t.spec.homeLongitude();
        t.homeLat = t.spec.homeLatitude();
        t.lon = t.homeLon;
        t.lat = t.homeLat;
        t.homeCity = (byte) City.nearest(t.homeLon, t.homeLat);
        t.climateCity = t.homeCity;
        t.place = Twin.HOME;
        t.heading = t.uniform(0, 360);
        t.commuter = t.chance(0.65);
        double commuteKm = 3 + 22 * Math.pow(t.nextDouble(), 2);
        double bearing = landBearing(t, t.homeLon, t.homeLat);
        t.workLat = Geo.offsetLat(t.homeLat, bearing, commuteKm);
        t.workLon = Geo.offsetLon(t.homeLon, t.homeLat, bearing, commuteKm);
        t.odometer = Geo.round(t.uniform(1500, 90000), 10);
        t.health = Math.max(80, Math.min(100, 100 - t.odometer / 25000 - t.uniform(0, 2)));
        t.resistance = Math.max(80, Math.min(100, t.health + t.uniform(-1, 2)));
        if (t.motor.hasTractionBattery()) {
            t.batteryKwh = t.capacityKwh() * (t.motor == Motorization.FCEV ? t.uniform(0.6, 0.85) : t.uniform(0.35, 0.95));
        }
        if (t.motor.hasFuelTank()) {
            t.fuel = t.model.tankLitres() * t.uniform(0.2, 0.95);
            t.fuelTotal = t.odometer * t.model.fuelPer100() / 100 * (t.motor == Motorization.PHEV ? 0.5 : 1);
        }
        if (t.motor.isPlugIn()) {
            double r = t.nextDouble();
            double wallbox = r < 0.2 ? 2.3 : r < 0.45 ? 3.7 : r < 0.85 ? 7.4 : 11;
            t.homeChargerKw = Math.min(wallbox, t.model.maxChargeKw());
            t.plugBelow = t.motor == Motorization.PHEV ? 95 : t.uniform(35, 75);
            t.offPeak = t.chance(0.5);
            t.chargeTarget = t.motor == Motorization.BEV && t.chance(0.6) ? 80 : 100;
        }
        t.refuelBelow = t.motor == Motorization.FCEV ? t.uniform(15, 25) : t.uniform(4, 9);
        long today = Math.floorDiv(now, 86400L);
        double interval = serviceKm(t);
        double sinceService = t.nextDouble();
        t.serviceDueDay = (int) (today + 365 - (long) (sinceService * 330));
        t.serviceDueKm = Geo.round(t.odometer + interval * (1 - sinceService * t.uniform(0.5, 1.2)), 10);
        t.serviceSlackDays = (int) t.uniform(-40, 20);
        t.serviceSlackKm = t.uniform(-1500, 800);
        t.locked = true;
        t.lastT = now;
        t.lastExchange = now;
        t.introAt = now + (settings.introSpreadSeconds() == 0 ? 0 : t.uniformSeconds(0, settings.introSpreadSeconds()));
    }

    private static double serviceKm(Twin t) {
        return switch (t.motor) {
            case ICE, PHEV -> 20000;
            case BEV -> 30000;
            case FCEV -> 25000;
        };
    }

    /** A random bearing that does not point to the sea near a coastal city. */
    private static double landBearing(Twin t, double lon, double lat) {
        City c = City.get(City.nearest(lon, lat));
        boolean coastal = c.seaFrom() >= 0 && Geo.distanceKm(lon, lat, c.lon(), c.lat()) < 60;
        double b = t.uniform(0, 360);
        for (int i = 0; i < 8 && coastal && c.seaward(b); i++) {
            b = t.uniform(0, 360);
        }
        return b;
    }

    // ------------------------------------------------------------------ the step

    void step(Twin t, long now) {
        t.lastT = now;
        out.retryDue(t, now);
        if (t.introAt <= now) {
            intro(t, now);
        }
        if (t.commands != null && !t.commands.isEmpty() && t.commands.peekFirst().at <= now) {
            commands.advance(t, now);
        }
        if (t.sampleAt <= now) {
            switch (t.mode) {
                case Twin.BOARDING -> ignitionOn(t, now);
                case Twin.DRIVING -> drive(t, now);
                case Twin.ALIGHTING -> alight(t, now);
                case Twin.FAST_CHARGING -> fastChargeStep(t, now);
                default -> parkedBusyStep(t, now);
            }
        }
        if (t.precondEndAt <= now) {
            stopPreconditioning(t, now, Twin.PRE_FINISHED);
        }
        if (t.precondAt <= now) {
            scheduledPreconditioning(t, now);
        }
        if (t.chargeAt <= now) {
            delayedCharge(t, now);
        }
        if (t.chargeProgramAt <= now || t.precondProgramAt <= now || t.chargeStopAt <= now) {
            commands.programsDue(t, now);
        }
        if (t.tripAt <= now) {
            depart(t, now);
        }
        if (t.rareAt <= now) {
            rare(t, now);
        }
        if (t.trackAt <= now) {
            track(t, now);
        }
        if (t.sleepAt() <= now) {
            out.send(t, now, MessageType.LIFECYCLE, "lifecycle", lifecycle("Asleep"), null);
            t.awake = false;
        }
        keepSampling(t, now);
    }

    /** A parked car samples only while busy (charging, preconditioning). */
    private void keepSampling(Twin t, long now) {
        if (t.mode != Twin.PARKED) {
            return;
        }
        boolean busy = t.charging() || t.preconditioning();
        if (!busy) {
            t.sampleAt = Twin.NEVER;
        } else if (t.sampleAt == Twin.NEVER) {
            t.moveT = now;
            t.sampleAt = now + settings.awakeSampleSeconds();
        }
    }

    // ------------------------------------------------------------------ lifecycle and messages

    private ObjectNode lifecycle(String state) {
        return nodes.objectNode().put("state", state);
    }

    void wake(Twin t, long now) {
        if (!t.awake) {
            t.awake = true;
            out.send(t, now, MessageType.LIFECYCLE, "lifecycle", lifecycle("Awake"), null);
        }
    }

    private void intro(Twin t, long now) {
        t.introAt = Twin.NEVER;
        t.introduced = true;
        wake(t, now);
        telemetry(t, now, Samples.FULL, true);
        checkFuel(t, now);
        if (t.mode == Twin.PARKED) {
            considerPlugging(t, now);
            planNextTrip(t, now);
        }
        scheduleRare(t, now);
    }

    /** A stolen car's position report: it stays awake and says where it is every tracking period. */
    void track(Twin t, long now) {
        if (!t.stolen) {
            t.trackAt = Twin.NEVER;
            return;
        }
        wake(t, now);
        telemetry(t, now, Samples.POSITION | Samples.IGNITION | Samples.KINETIC, true);
        t.trackAt = now + t.trackingPeriod();
    }

    /** The platform's wake-up SMS: Awake and a fresh sample, whatever the state. */
    void wakeUp(Twin t, long now) {
        if (!t.introduced) {
            t.introAt = now;
            intro(t, now);
            return;
        }
        t.awake = true;
        out.send(t, now, MessageType.LIFECYCLE, "lifecycle", lifecycle("Awake"), null);
        telemetry(t, now, Samples.FULL, true);
    }

    /** A telemetry sample; sent when it holds more than the privacy part, or always when forced. */
    void telemetry(Twin t, long now, int parts, boolean force) {
        ObjectNode data = samples.data(t, now, parts);
        if (data.size() > 1 || force) {
            out.send(t, now, MessageType.TELEMETRY, null, null, data);
        }
    }

    /**
     * A data-only event ({@code ignition}, {@code doors}, {@code charging}, {@code preconditioning}).
     * When the part that makes the event may not be uploaded, what remains is sent as telemetry.
     */
    void event(Twin t, long now, String name, String keyPart, int parts) {
        ObjectNode data = samples.data(t, now, parts);
        if (data.has(keyPart)) {
            out.send(t, now, MessageType.EVENT, "event", nodes.objectNode().put("name", name), data);
        } else if (data.size() > 1) {
            out.send(t, now, MessageType.TELEMETRY, null, null, data);
        }
    }

    void raise(Twin t, long now, int alert) {
        if (t.hasAlert(alert)) {
            return;
        }
        t.alerts |= 1 << alert;
        if (Samples.uploads(t, DataCategory.ALERT)) {
            ObjectNode event = nodes.objectNode().put("name", "alertRaised");
            event.putObject("alert").put("type", ALERT[alert]).put("severity", SEVERITY[alert]);
            out.send(t, now, MessageType.EVENT, "event", event,
                    samples.data(t, now, Samples.POSITION | Samples.ODOMETER));
        }
    }

    void clear(Twin t, long now, int alert) {
        if (!t.hasAlert(alert)) {
            return;
        }
        t.alerts &= ~(1 << alert);
        if (Samples.uploads(t, DataCategory.ALERT)) {
            ObjectNode event = nodes.objectNode().put("name", "alertCleared");
            event.putObject("alert").put("type", ALERT[alert]);
            out.send(t, now, MessageType.EVENT, "event", event, samples.data(t, now, Samples.ODOMETER));
        }
    }

    // ------------------------------------------------------------------ the day

    private static boolean workday(long localDay) {
        return Math.floorMod(localDay + 3, 7L) < 5; // 1970-01-01 was a Thursday
    }

    /** Decides when the car leaves next and for what, from where it is and the local time. */
    void planNextTrip(Twin t, long now) {
        int offset = Climate.utcOffset(t, now);
        long local = now + offset;
        long day = Math.floorDiv(local, 86400L);
        double hour = (local - day * 86400) / HOUR;
        long at;
        byte kind;
        switch (t.place) {
            case Twin.WORK -> {
                at = at(day, t.uniform(16.5, 19), offset);
                if (at < now + 1800) {
                    at = now + t.uniformSeconds(HOUR, 3 * HOUR);
                }
                kind = Twin.RETURN_HOME;
            }
            case Twin.OTHER -> {
                at = now + t.uniformSeconds(900, 2.5 * HOUR);
                kind = hour < 18 && t.chance(0.2) ? Twin.ERRAND : Twin.RETURN_HOME;
            }
            case Twin.AWAY -> {
                at = at(day + 1 + t.nextInt(3), t.uniform(9, 14), offset);
                kind = Twin.RETURN_HOME;
            }
            default -> {
                // in the day, maybe one more errand; otherwise the first departure of the next
                // active day (today when it is still early morning)
                at = -1;
                kind = Twin.ERRAND;
                if (hour >= 8 && hour < 19.5 && t.chance(0.4)) {
                    at = now + Math.max(1200, (long) t.exponential(2.5 * HOUR));
                    if ((at + offset - day * 86400) / HOUR > 21) {
                        at = -1;
                    }
                }
                if (at < 0) {
                    long d = hour < 6.5 ? day : day + 1;
                    long last = d + 3;
                    while (true) {
                        if (t.commuter && workday(d)) {
                            at = at(d, t.uniform(6.75, 8.75), offset);
                            kind = Twin.COMMUTE;
                            break;
                        }
                        if (t.chance(0.75) || d >= last) {
                            at = at(d, t.uniform(8.5, 12), offset);
                            break;
                        }
                        d++;
                    }
                }
                if (kind == Twin.ERRAND && !t.hasNav && t.chance(settings.interCityProbability())) {
                    kind = Twin.INTER_CITY;
                }
                if (t.model.supports(RemoteType.PRECONDITIONING)) {
                    double hourThen = Math.floorMod(at + offset, 86400L) / HOUR;
                    if (hourThen < 10) {
                        double temp = Climate.airTemp(t, at);
                        double p = 0.12 + (temp < 5 || temp > 26 ? 0.5 : 0);
                        if (t.chance(p)) {
                            t.precondAt = Math.max(now + 60, at - t.uniformSeconds(900, 1800));
                        }
                    }
                }
            }
        }
        t.tripAt = Math.max(at, now + 60);
        t.tripKind = kind;
    }

    private static long at(long localDay, double hour, int offset) {
        return localDay * 86400 + (long) (hour * HOUR) - offset;
    }

    /**
     * Moves the car's next departure forward to {@code at} (an errand), if it is parked and was
     * not leaving earlier anyway.
     *
     * @return whether the car will leave by {@code at}
     */
    boolean departBy(Twin t, long at) {
        if (t.mode != Twin.PARKED) {
            return false;
        }
        long when = Math.max(at, t.lastT);
        if (t.tripAt > when) {
            t.tripAt = when;
            t.tripKind = Twin.ERRAND;
        }
        return true;
    }

    /** How often, and how many times, a driver tries to start an immobilized car before giving up. */
    static final long START_RETRY_SECONDS = 30;
    static final int START_TRIES = 10;

    private void depart(Twin t, long now) {
        t.tripAt = Twin.NEVER;
        if (t.mode != Twin.PARKED) {
            return;
        }
        if (t.immobilized) {
            // The immobilizer keeps the engine off: no trip, the ignition stays off. The driver
            // tries again a little later a few times, then gives up until the next planned trip.
            if (++t.startTries < START_TRIES) {
                t.tripAt = now + START_RETRY_SECONDS;
            } else {
                t.startTries = 0;
                planNextTrip(t, now);
            }
            return;
        }
        t.startTries = 0;
        wake(t, now);
        t.precondAt = Twin.NEVER;
        if (t.preconditioning()) {
            stopPreconditioning(t, now, Twin.PRE_FINISHED);
        }
        if (t.plugged) {
            unplug(t, now, true);
        }
        chooseDestination(t);
        t.locked = false;
        t.openDoors |= Twin.DRIVER_DOOR;
        event(t, now, "doors", "doorsState", Samples.DOORS | Samples.ALARM);
        t.mode = Twin.BOARDING;
        t.sampleAt = now + t.uniformSeconds(20, 90);
    }

    /**
     * A destination sent to the car: a trip under way turns there now; otherwise the next trip
     * goes there.
     */
    void navigateTo(Twin t, double lon, double lat) {
        if (t.mode == Twin.DRIVING || t.mode == Twin.BOARDING || t.mode == Twin.FAST_CHARGING) {
            t.hasNav = false;
            t.destCity = -1;
            t.tripKind = Twin.ERRAND;
            t.destLon = lon;
            t.destLat = lat;
            if (t.mode == Twin.DRIVING || t.mode == Twin.FAST_CHARGING) {
                nextLeg(t, t.lon, t.lat);
            }
            return;
        }
        t.hasNav = true;
        t.navLon = lon;
        t.navLat = lat;
    }

    private void chooseDestination(Twin t) {
        t.destCity = -1;
        if (t.hasNav) {
            // a destination sent to the car is where the driver goes next
            t.hasNav = false;
            t.tripKind = Twin.ERRAND;
            t.destLon = t.navLon;
            t.destLat = t.navLat;
            return;
        }
        if (t.tripKind == Twin.RETURN_HOME) {
            t.destLon = t.homeLon;
            t.destLat = t.homeLat;
            return;
        }
        if (t.tripKind == Twin.COMMUTE && t.commuter) {
            t.destLon = t.workLon;
            t.destLat = t.workLat;
            return;
        }
        if (t.tripKind == Twin.INTER_CITY) {
            int[] next = City.neighboursOf(City.nearest(t.lon, t.lat));
            int city = next[t.nextInt(next.length)];
            City c = City.get(city);
            t.destCity = (byte) city;
            t.destLon = c.lon() + t.uniform(-0.04, 0.04);
            t.destLat = c.lat() + t.uniform(-0.03, 0.03);
            return;
        }
        t.tripKind = Twin.ERRAND;
        double km = t.chance(0.1) ? t.uniform(15, 40) : 1.5 + 13.5 * Math.pow(t.nextDouble(), 1.5);
        double bearing = landBearing(t, t.lon, t.lat);
        t.destLat = Geo.offsetLat(t.lat, bearing, km);
        t.destLon = Geo.offsetLon(t.lon, t.lat, bearing, km);
    }

    private void ignitionOn(Twin t, long now) {
        t.openDoors = 0;
        t.mode = Twin.DRIVING;
        t.tripStartOdo = t.odometer;
        t.speed = 0;
        t.accel = 0;
        t.moveT = now;
        nextLeg(t, t.lon, t.lat);
        event(t, now, "ignition", "ignition", Samples.FULL);
        startOfTripAlerts(t, now);
        t.sampleAt = now + settings.drivingSampleSeconds();
    }

    private void startOfTripAlerts(Twin t, long now) {
        if (t.randomAlert >= 0 && now >= t.alertClearAt) {
            clear(t, now, t.randomAlert);
            t.randomAlert = -1;
            t.alertClearAt = Twin.NEVER;
        }
        if (t.hasAlert(CHARGING_FAILURE)) {
            clear(t, now, CHARGING_FAILURE);
        }
        double temp = Climate.airTemp(t, now);
        if (temp < 3) {
            raise(t, now, RISK_OF_ICE);
        }
        if (t.randomAlert < 0 && t.chance(0.004 * settings.rareEventFactor())) {
            boolean combustion = t.motor == Motorization.ICE || t.motor == Motorization.PHEV;
            int n = ANY_CAR_ALERTS.length + (combustion ? COMBUSTION_ALERTS.length : 0)
                    + (t.motor == Motorization.ICE ? 1 : 0) + (t.motor == Motorization.BEV || t.motor == Motorization.FCEV ? 1 : 0);
            int i = t.nextInt(n);
            int alert;
            if (i < ANY_CAR_ALERTS.length) {
                alert = ANY_CAR_ALERTS[i];
            } else if (combustion && i < ANY_CAR_ALERTS.length + COMBUSTION_ALERTS.length) {
                alert = COMBUSTION_ALERTS[i - ANY_CAR_ALERTS.length];
            } else {
                alert = t.motor == Motorization.ICE ? 13 : 16;
            }
            randomAlert(t, now, alert, t.uniform(1, 10) * DAY);
        }
    }

    private void randomAlert(Twin t, long now, int alert, double lastsSeconds) {
        t.randomAlert = (byte) alert;
        t.alertClearAt = now + (long) lastsSeconds;
        raise(t, now, alert);
    }

    // ------------------------------------------------------------------ driving

    /** The next leg of the path: towards the destination, with detours that depend on the road class. */
    private void nextLeg(Twin t, double fromLon, double fromLat) {
        double remain = Geo.distanceKm(fromLon, fromLat, t.destLon, t.destLat);
        double driven = t.odometer - t.tripStartOdo;
        byte road = remain < 2 || driven < 1 ? Twin.URBAN : remain > 20 && driven > 3 ? Twin.MOTORWAY : Twin.ROAD;
        double len;
        double deviation;
        switch (road) {
            case Twin.URBAN -> {
                len = t.uniform(0.3, 1.2);
                deviation = 40;
                t.targetSpeed = t.uniform(25, 50);
            }
            case Twin.ROAD -> {
                len = t.uniform(1.5, 5);
                deviation = 25;
                t.targetSpeed = t.uniform(70, 90);
            }
            default -> {
                len = t.uniform(4, 12);
                deviation = 12;
                t.targetSpeed = t.uniform(110, 130);
            }
        }
        t.road = road;
        t.legFromLon = fromLon;
        t.legFromLat = fromLat;
        if (remain <= len * 1.3) {
            t.legToLon = t.destLon;
            t.legToLat = t.destLat;
        } else {
            double bearing = Geo.bearing(fromLon, fromLat, t.destLon, t.destLat) + t.uniform(-deviation, deviation);
            t.legToLat = Geo.offsetLat(fromLat, bearing, len);
            t.legToLon = Geo.offsetLon(fromLon, fromLat, bearing, len);
        }
        t.legLen = Math.max(1e-6, Geo.distanceKm(fromLon, fromLat, t.legToLon, t.legToLat));
        t.legPos = 0;
        t.heading = Geo.bearing(fromLon, fromLat, t.legToLon, t.legToLat);
    }

    private boolean atDestination(Twin t) {
        return t.legToLon == t.destLon && t.legToLat == t.destLat && t.legPos >= t.legLen;
    }

    private void drive(Twin t, long now) {
        double dt = Math.max(1, now - t.moveT);
        t.moveT = now;
        double v;
        if (t.road == Twin.URBAN && t.chance(0.15)) {
            v = t.uniform(0, 12);
        } else {
            v = t.targetSpeed * (1 + t.uniform(-0.12, 0.08));
        }
        v = Math.max(0, Math.min(135, v));
        double km = (t.speed + v) / 2 * dt / HOUR;
        double moved = advance(t, km);
        t.odometer += moved;
        double temp = Climate.airTemp(t, now);
        consume(t, moved, temp);
        t.accel = Math.max(-9, Math.min(9, (v - t.speed) / 3.6 / dt));
        t.speed = v;
        if (atDestination(t)) {
            arrive(t, now);
            return;
        }
        double rare = settings.rareEventFactor();
        if (t.collisionAt <= now) {
            // planned (a demo that must show one): drawn like any other, but at a known time
            t.collisionAt = Twin.NEVER;
            if (collision(t, now)) {
                return;
            }
        } else if (t.chance(moved / 60000 * rare)) {
            if (collision(t, now)) {
                return;
            }
        }
        if (t.randomAlert < 0 && t.chance(moved / 15000 * rare)) {
            randomAlert(t, now, TYRE_LF + t.nextInt(4), t.uniform(0.3, 3) * DAY);
        }
        checkFuel(t, now);
        double remain = Geo.distanceKm(t.lon, t.lat, t.destLon, t.destLat);
        if (t.motor.hasFuelTank() && t.fuelLevel() < t.refuelBelow && remain > 3) {
            refuel(t, now);
            t.speed = 0;
            t.accel = 0;
            telemetry(t, now, Samples.DRIVING, false);
            t.moveT = now + 300 - settings.drivingSampleSeconds();
            t.sampleAt = now + 300;
            return;
        }
        if (t.motor == Motorization.BEV && t.batteryLevel() < 10 && remain > 5 && t.odometer >= t.nextChargerOdo) {
            startFastCharge(t, now);
            return;
        }
        telemetry(t, now, Samples.DRIVING, false);
        t.sampleAt = now + settings.drivingSampleSeconds();
    }

    /** Moves the car {@code km} along its path; returns the distance actually driven. */
    private double advance(Twin t, double km) {
        double left = km;
        while (left > 0) {
            double rest = t.legLen - t.legPos;
            if (left < rest) {
                t.legPos += left;
                left = 0;
                break;
            }
            left -= rest;
            t.legPos = t.legLen;
            if (atDestination(t)) {
                break;
            }
            nextLeg(t, t.legToLon, t.legToLat);
        }
        double f = t.legPos / t.legLen;
        t.lon = t.legFromLon + (t.legToLon - t.legFromLon) * f;
        t.lat = t.legFromLat + (t.legToLat - t.legFromLat) * f;
        return km - left;
    }

    static double electricPerKm(Twin t, double temp) {
        return t.model.electricKwhPer100() / 100 * (1 + 0.012 * Math.max(0, 15 - temp) + 0.006 * Math.max(0, temp - 25));
    }

    static double hydrogenPerKm(Twin t, double temp) {
        return t.model.fuelPer100() / 100 * (1 + 0.008 * Math.max(0, 15 - temp));
    }

    private void consume(Twin t, double km, double temp) {
        double noise = t.uniform(0.95, 1.05);
        double evRoad = t.road == Twin.URBAN ? 0.9 : t.road == Twin.ROAD ? 1.0 : 1.3;
        double iceRoad = t.road == Twin.URBAN ? 1.25 : t.road == Twin.ROAD ? 0.85 : 1.1;
        double iceTemp = 1 + 0.004 * Math.max(0, 10 - temp);
        switch (t.motor) {
            case BEV -> electric(t, km, electricPerKm(t, temp) * evRoad * noise);
            case PHEV -> {
                if (t.batteryLevel() > Samples.PHEV_RESERVE) {
                    electric(t, km, electricPerKm(t, temp) * evRoad * noise);
                } else {
                    fossil(t, km, t.model.fuelPer100() / 100 * iceRoad * iceTemp * noise);
                }
            }
            case ICE -> fossil(t, km, t.model.fuelPer100() / 100 * iceRoad * iceTemp * noise);
            case FCEV -> {
                double perKm = hydrogenPerKm(t, temp) * evRoad * noise;
                t.fuel = Math.max(0, t.fuel - km * perKm);
                t.instant = perKm * 100;
                double cap = t.capacityKwh();
                t.batteryKwh = Math.max(0.1 * cap, Math.min(0.95 * cap,
                        t.batteryKwh + (0.7 * cap - t.batteryKwh) * 0.2 + t.uniform(-0.02, 0.02) * cap));
            }
        }
    }

    private static void electric(Twin t, double km, double perKm) {
        t.batteryKwh = Math.max(0, t.batteryKwh - km * perKm);
        t.instant = perKm * 100;
    }

    private static void fossil(Twin t, double km, double perKm) {
        double litres = Math.min(t.fuel, km * perKm);
        t.fuel -= litres;
        t.fuelTotal += litres;
        t.instant = perKm * 100;
    }

    private void checkFuel(Twin t, long now) {
        if (t.motor.hasFuelTank() && t.fuelLevel() < 10) {
            raise(t, now, FUEL_LOW);
        }
    }

    /** The tank is filled up: the level jumps, and the low-fuel alert clears. */
    private void refuel(Twin t, long now) {
        t.fuel = t.model.tankLitres() * t.uniform(0.9, 1.0);
        clear(t, now, FUEL_LOW);
    }

    private void arrive(Twin t, long now) {
        t.speed = 0;
        t.accel = 0;
        t.lon = t.destLon;
        t.lat = t.destLat;
        t.place = switch (t.tripKind) {
            case Twin.COMMUTE -> Twin.WORK;
            case Twin.RETURN_HOME -> Twin.HOME;
            case Twin.INTER_CITY -> Twin.AWAY;
            default -> Twin.OTHER;
        };
        if (t.place == Twin.HOME && Geo.distanceKm(t.lon, t.lat, t.homeLon, t.homeLat) > 0.5) {
            t.place = Twin.OTHER;
        }
        t.climateCity = (byte) City.nearest(t.lon, t.lat);
        // with the low-fuel light on, the driver stops at the station on the way half of the time
        if (t.motor.hasFuelTank() && (t.fuelLevel() < t.refuelBelow || t.hasAlert(FUEL_LOW) && t.chance(0.5))) {
            refuel(t, now);
        }
        service(t, now);
        t.mode = Twin.ALIGHTING;
        t.stage = 0;
        event(t, now, "ignition", "ignition", Samples.FULL);
        clear(t, now, RISK_OF_ICE);
        t.sampleAt = now + t.uniformSeconds(10, 40);
    }

    /** The car is serviced when the due date or mileage is passed by the owner's own slack. */
    private void service(Twin t, long now) {
        long today = Math.floorDiv(now, 86400L);
        if (t.serviceDueDay - today <= t.serviceSlackDays || t.serviceDueKm - t.odometer <= t.serviceSlackKm) {
            t.serviceDueDay = (int) (today + 365);
            t.serviceDueKm = Geo.round(t.odometer + serviceKm(t), 10);
            t.serviceSlackDays = (int) t.uniform(-40, 20);
            t.serviceSlackKm = t.uniform(-1500, 800);
        }
    }

    private void alight(Twin t, long now) {
        if (t.stage == 0) {
            t.openDoors |= Twin.DRIVER_DOOR;
            event(t, now, "doors", "doorsState", Samples.DOORS);
            t.stage = 1;
            t.sampleAt = now + t.uniformSeconds(20, 90);
            return;
        }
        t.openDoors = t.chance(0.004) ? Twin.TRUNK : 0;
        t.locked = t.openDoors == 0 && !t.chance(0.02);
        t.mode = Twin.PARKED;
        t.stage = 0;
        t.sampleAt = Twin.NEVER;
        event(t, now, "doors", "doorsState", Samples.DOORS | Samples.ALARM);
        considerPlugging(t, now);
        planNextTrip(t, now);
    }

    private boolean collision(Twin t, long now) {
        double r = t.nextDouble();
        String severity = r < 0.55 ? "Minimal" : r < 0.92 ? "Minor" : "Major";
        double s = t.nextDouble();
        String side = s < 0.5 ? "Front" : s < 0.85 ? "Rear" : "Lateral";
        boolean major = "Major".equals(severity);
        boolean pedestrian = t.chance(0.02);
        boolean tipped = major && t.chance(0.05);
        if (Samples.uploads(t, DataCategory.COLLISION)) {
            ObjectNode event = nodes.objectNode().put("name", "collision");
            ObjectNode c = event.putObject("collision");
            c.putArray("details").addObject().put("side", side).put("severity", severity);
            c.put("tippedOver", tipped).put("pedestrian", pedestrian);
            out.send(t, now, MessageType.EVENT, "event", event, samples.data(t, now,
                    Samples.POSITION | Samples.KINETIC | Samples.ODOMETER | Samples.SAFETY | (major ? Samples.ECALL : 0)));
        }
        if (!major) {
            return false;
        }
        t.destLon = t.lon;
        t.destLat = t.lat;
        t.tripKind = Twin.ERRAND;
        arrive(t, now);
        return true;
    }

    // ------------------------------------------------------------------ energy while parked

    static double target(Twin t) {
        return t.mode == Twin.FAST_CHARGING ? 80 : t.chargeTarget;
    }

    static double efficiency(Twin t) {
        return t.chargeMode == Twin.QUICK ? 0.95 : 0.9;
    }

    /** Charging power now, kW: full power, then tapering towards the end of the charge. */
    static double chargePower(Twin t) {
        double level = t.batteryLevel();
        double knee = t.chargeMode == Twin.QUICK ? 50 : 80;
        if (level < knee) {
            return t.chargeKw;
        }
        return t.chargeKw * Math.max(0.15, 1 - 0.85 * (level - knee) / (100 - knee));
    }

    static long secondsToTarget(Twin t) {
        double kwh = Math.max(0, t.capacityKwh() * target(t) / 100 - t.batteryKwh);
        double kw = Math.max(0.5, chargePower(t) * efficiency(t));
        return (long) (kwh / kw * HOUR * (target(t) > 80 ? 1.15 : 1.0));
    }

    /** Plugs in at home (or, low, at a destination far from home) and starts or delays the charge. */
    void considerPlugging(Twin t, long now) {
        if (!t.motor.isPlugIn() || t.plugged) {
            return;
        }
        double level = t.batteryLevel();
        boolean home = t.place == Twin.HOME;
        if (!(home && level < t.plugBelow) && !(t.place == Twin.AWAY && level < 50)) {
            return;
        }
        t.plugged = true;
        t.chargeStatus = Twin.STOPPED;
        t.chargeMode = Twin.MODE_NO;
        double kw = home ? t.homeChargerKw : Math.min(t.model.maxChargeKw(), 7.4);
        if (home && t.offPeak && level > 20) {
            int offset = Climate.utcOffset(t, now);
            long local = now + offset;
            long day = Math.floorDiv(local, 86400L);
            double hour = (local - day * 86400) / HOUR;
            if (hour >= 6 && hour < 22) {
                t.chargeAt = at(day, t.uniform(22, 23.5), offset);
                t.chargeKw = kw;
                event(t, now, "charging", "energies", Samples.ENERGIES);
                return;
            }
        }
        startCharging(t, now, Twin.SLOW, kw);
    }

    void startCharging(Twin t, long now, byte mode, double kw) {
        t.chargeAt = Twin.NEVER;
        t.chargeStopAt = Twin.NEVER;
        // the owner's preferred power level caps a slow charge; a fast charger is what it is
        t.chargeKw = mode == Twin.SLOW ? Math.min(kw, Commands.levelKw(t.chargeLevel)) : kw;
        if (t.chance(Math.min(0.2, 0.003 * settings.rareEventFactor()))) {
            t.chargeStatus = Twin.FAILURE;
            t.chargeMode = Twin.MODE_NO;
            event(t, now, "charging", "energies", Samples.ENERGIES);
            raise(t, now, CHARGING_FAILURE);
            return;
        }
        t.chargeStatus = Twin.IN_PROGRESS;
        t.chargeMode = mode;
        t.lastChargeT = now;
        t.sampleAt = now + settings.awakeSampleSeconds();
        event(t, now, "charging", "energies", Samples.ENERGIES);
    }

    void stopCharging(Twin t, long now) {
        if (t.charging()) {
            integrateCharge(t, now);
        }
        t.chargeStopAt = Twin.NEVER;
        t.chargeStatus = Twin.STOPPED;
        t.chargeMode = Twin.MODE_NO;
        t.chargeAt = Twin.NEVER;
        event(t, now, "charging", "energies", Samples.ENERGIES);
    }

    private void unplug(Twin t, long now, boolean tell) {
        boolean wasCharging = t.charging();
        if (wasCharging) {
            integrateCharge(t, now);
        }
        t.plugged = false;
        t.chargeStatus = Twin.DISCONNECTED;
        t.chargeMode = Twin.MODE_NO;
        t.chargeAt = Twin.NEVER;
        t.chargeStopAt = Twin.NEVER;
        if (tell && wasCharging) {
            event(t, now, "charging", "energies", Samples.ENERGIES);
        }
    }

    /** Adds the energy charged since the last step; true when the target is reached. */
    boolean integrateCharge(Twin t, long now) {
        double dt = Math.max(0, now - t.lastChargeT);
        t.lastChargeT = now;
        double cap = t.capacityKwh();
        double goal = cap * target(t) / 100;
        t.batteryKwh = Math.min(Math.max(goal, t.batteryKwh), t.batteryKwh + chargePower(t) * efficiency(t) * dt / HOUR);
        return t.batteryKwh >= goal - 1e-6;
    }

    private void delayedCharge(Twin t, long now) {
        t.chargeAt = Twin.NEVER;
        if (!t.plugged || t.charging() || t.mode != Twin.PARKED) {
            return;
        }
        wake(t, now);
        startCharging(t, now, Twin.SLOW, t.chargeKw > 0 ? t.chargeKw : t.homeChargerKw);
    }

    private void parkedBusyStep(Twin t, long now) {
        t.sampleAt = Twin.NEVER;
        boolean finished = false;
        if (t.charging()) {
            if (integrateCharge(t, now)) {
                finishCharge(t, now);
                finished = true;
            }
        }
        if (t.preconditioning()) {
            double hours = Math.max(0, now - t.moveT) / HOUR;
            if (!t.charging()) {
                t.batteryKwh = Math.max(0, t.batteryKwh - 3.5 * hours);
            }
        }
        t.moveT = now;
        if (!finished) {
            telemetry(t, now, Samples.PARKED_BUSY, false);
        }
        if (t.charging() || t.preconditioning()) {
            t.sampleAt = now + settings.awakeSampleSeconds();
        }
    }

    /** The charge reached its target: it stops there, and says so. */
    void finishCharge(Twin t, long now) {
        t.chargeStatus = Twin.FINISHED;
        t.chargeMode = Twin.MODE_NO;
        t.chargeStopAt = Twin.NEVER;
        event(t, now, "charging", "energies", Samples.ENERGIES);
    }

    /**
     * New charging preferences reach a slow charge in progress: the energy so far counts at the
     * old power, a lower power level applies from now, and a charge already past a lowered target
     * finishes at once.
     */
    void chargePreferencesChanged(Twin t, long now) {
        if (!t.charging() || t.mode != Twin.PARKED) {
            return;
        }
        boolean reached = integrateCharge(t, now);
        t.chargeKw = Math.min(t.chargeKw, Commands.levelKw(t.chargeLevel));
        if (reached) {
            finishCharge(t, now);
        }
    }

    private void startFastCharge(Twin t, long now) {
        t.speed = 0;
        t.accel = 0;
        t.mode = Twin.FAST_CHARGING;
        event(t, now, "ignition", "ignition", Samples.FULL);
        t.plugged = true;
        startCharging(t, now, Twin.QUICK, t.uniform(50, 100));
        if (!t.charging()) {
            // a broken charger: drive on to the next one, a few kilometres further
            t.plugged = false;
            t.chargeStatus = Twin.DISCONNECTED;
            t.nextChargerOdo = t.odometer + t.uniform(5, 15);
            resumeTrip(t, now);
        }
    }

    private void fastChargeStep(Twin t, long now) {
        if (integrateCharge(t, now)) {
            t.chargeStatus = Twin.FINISHED;
            t.chargeMode = Twin.MODE_NO;
            event(t, now, "charging", "energies", Samples.ENERGIES);
            t.plugged = false;
            t.chargeStatus = Twin.DISCONNECTED;
            resumeTrip(t, now);
            return;
        }
        telemetry(t, now, Samples.PARKED_BUSY, false);
        t.sampleAt = now + settings.awakeSampleSeconds();
    }

    private void resumeTrip(Twin t, long now) {
        t.mode = Twin.DRIVING;
        t.moveT = now;
        event(t, now, "ignition", "ignition", Samples.FULL);
        t.sampleAt = now + settings.drivingSampleSeconds();
    }

    // ------------------------------------------------------------------ preconditioning

    private void scheduledPreconditioning(Twin t, long now) {
        t.precondAt = Twin.NEVER;
        if (t.mode != Twin.PARKED || t.preconditioning()) {
            return;
        }
        wake(t, now);
        startPreconditioning(t, now, (byte) 1, 45 * 60);
    }

    /** Starts the air conditioning; false when the traction battery is too low (and says so). */
    boolean startPreconditioning(Twin t, long now, byte cause, long seconds) {
        if (t.batteryLevel() < 15 && !t.charging()) {
            t.precondStatus = Twin.PRE_FAILURE;
            event(t, now, "preconditioning", "preconditioning", Samples.PRECONDITIONING | Samples.ENERGIES);
            return false;
        }
        t.precondStatus = Twin.PRE_ENABLED;
        t.precondCause = cause;
        t.precondEndAt = now + seconds;
        t.moveT = now;
        t.sampleAt = Math.min(t.sampleAt, now + settings.awakeSampleSeconds());
        event(t, now, "preconditioning", "preconditioning", Samples.PRECONDITIONING | Samples.ENERGIES);
        return true;
    }

    void stopPreconditioning(Twin t, long now, byte status) {
        t.precondEndAt = Twin.NEVER;
        if (!t.preconditioning()) {
            return;
        }
        t.precondStatus = status;
        event(t, now, "preconditioning", "preconditioning", Samples.PRECONDITIONING | Samples.ENERGIES);
    }

    // ------------------------------------------------------------------ rare events while parked

    private void scheduleRare(Twin t, long now) {
        double rate = settings.rareEventFactor();
        t.rareAt = t.motor.hasTractionBattery() && rate > 0 ? now + 60 + (long) t.exponential(200 * DAY / rate) : Twin.NEVER;
    }

    /** An alarm trigger on a parked, locked car. */
    private void rare(Twin t, long now) {
        t.rareAt = Twin.NEVER;
        if (t.mode == Twin.PARKED && t.locked) {
            wake(t, now);
            if (Samples.uploads(t, DataCategory.TELEMETRY)) {
                ObjectNode event = nodes.objectNode().put("name", "alarm");
                event.putObject("alarm").putObject("trigger").put("type", BREAK_INS[t.nextInt(BREAK_INS.length)]);
                out.send(t, now, MessageType.EVENT, "event", event,
                        samples.data(t, now, Samples.POSITION | Samples.ALARM | Samples.DOORS));
            }
        }
        scheduleRare(t, now);
    }

    // ------------------------------------------------------------------ restore

    /**
     * A restored car whose state is older than the catch-up limit: it spent the gap parked where it
     * was (a trip in progress ends there), its charge went on, and its plans start again from now.
     */
    void settle(Twin t, long now) {
        if (now - t.lastT <= settings.maxCatchUpSeconds()) {
            return;
        }
        t.lastT = now;
        if (t.mode == Twin.DRIVING || t.mode == Twin.BOARDING) {
            wake(t, now);
            t.destLon = t.lon;
            t.destLat = t.lat;
            t.tripKind = Twin.ERRAND;
            arrive(t, now);
        } else if (t.mode != Twin.PARKED) {
            t.sampleAt = now;
        }
        if (t.sampleAt != Twin.NEVER && t.sampleAt < now) {
            t.sampleAt = now;
        }
        if (t.precondEndAt < now) {
            t.precondEndAt = now;
        }
        if (t.precondAt < now) {
            t.precondAt = Twin.NEVER;
        }
        if (t.chargeAt < now) {
            t.chargeAt = now;
        }
        if (t.chargeStopAt < now) {
            t.chargeStopAt = now;
        }
        if (t.chargeProgramAt < now || t.precondProgramAt < now) {
            // programs whose time passed during the gap are not run late
            commands.schedulePrograms(t, now);
        }
        if (t.introAt < now) {
            t.introAt = now;
        }
        if (t.rareAt < now) {
            scheduleRare(t, now);
        }
        if (t.mode == Twin.PARKED && t.tripAt < now) {
            planNextTrip(t, now);
        }
        if (t.commands != null) {
            for (Cmd c : t.commands) {
                c.at = Math.max(c.at, now);
            }
        }
    }
}
