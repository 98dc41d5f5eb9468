package org.odomo.trip;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.odomo.vehicle.PrivacyMode;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running aggregates of one trip, folded sample by sample in measurement order: each sample
 * costs O(1) and the whole is a small JSON document stored with the trip, so that the next
 * sample continues from it, on this node or another, after a restart or not.
 */
final class TripAcc {

    /** How a trip ended. */
    enum End {
        /** An ignition {@code Stop} event. */
        STOP("Stop"),
        /** A sample showed the ignition off, without a {@code Stop} event. */
        OFF("Off"),
        /** A newer trip started without a {@code Stop}. */
        NEXT("Next");

        final String wire;

        End(String wire) {
            this.wire = wire;
        }

        static End ofWire(String wire) {
            for (End e : values()) {
                if (e.wire.equals(wire)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown trip end " + wire);
        }
    }

    static final String THERMAL = "Thermal";
    static final String ELECTRIC = "Electric";
    static final String HYBRID = "Hybrid";

    /** Longer than this between two samples of a trip, data was lost (cars sample every 30 s). */
    static final Duration MAX_SILENCE = Duration.ofMinutes(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    Key start;
    boolean startSeen;
    Key last;
    int samples;
    Key stop;
    End end;

    Trip.Position firstPosition;
    Trip.Position lastPosition;
    int positions;
    double geoKm;

    Double firstMileage;
    Double lastMileage;
    int mileages;

    Double maxSpeed;

    final Map<String, EnergyAcc> energies = new LinkedHashMap<>();

    /** Propulsion of the latest interval whose energy use told it; null before any did. */
    String propulsion;
    /** Kilometres per propulsion, by odometer and by positions. */
    final Map<String, Double> odometerKm = new LinkedHashMap<>();
    final Map<String, Double> positionKm = new LinkedHashMap<>();
    /** Kilometres driven before any interval told its propulsion. */
    double pendingOdometerKm;
    double pendingPositionKm;

    boolean geoPrivacy;
    boolean fullPrivacy;
    boolean connectionGap;
    PrivacyMode lastPrivacy;

    static final class EnergyAcc {
        Trip.LiteEnergy first;
        Trip.LiteEnergy last;
        Double lastLevel;
        /** Sum of the level's decreases, in points of percent. */
        double dropped;
    }

    static TripAcc open(Sample s, boolean startSeen) {
        TripAcc acc = new TripAcc();
        acc.start = s.key();
        acc.startSeen = startSeen;
        acc.add(s);
        return acc;
    }

    boolean done() {
        return end != null;
    }

    void close(End how, Key at) {
        this.end = how;
        this.stop = at;
    }

    /** Folds the next sample (in measurement order) into the trip. */
    void add(Sample s) {
        if (last != null && Duration.between(last.at(), s.at()).compareTo(MAX_SILENCE) > 0
                && lastPrivacy != PrivacyMode.PLANE && s.privacy() != PrivacyMode.PLANE) {
            connectionGap = true;
        }
        last = s.key();
        samples++;
        if (s.privacy() == PrivacyMode.DATA) {
            geoPrivacy = true;
        } else if (s.privacy() == PrivacyMode.PLANE) {
            fullPrivacy = true;
        }
        lastPrivacy = s.privacy();

        boolean fuelDown = false;
        boolean electricDown = false;
        for (Trip.LiteEnergy e : s.energies()) {
            EnergyAcc a = energies.get(e.type());
            if (a == null) {
                a = new EnergyAcc();
                a.first = e;
                energies.put(e.type(), a);
            } else if (e.level() != null && a.lastLevel != null && a.lastLevel > e.level()) {
                a.dropped += a.lastLevel - e.level();
                fuelDown |= "Fuel".equals(e.type());
                electricDown |= "Electric".equals(e.type());
            }
            a.last = e;
            if (e.level() != null) {
                a.lastLevel = e.level();
            }
        }

        double byOdometer = 0;
        if (s.mileage() != null) {
            if (lastMileage != null && s.mileage() > lastMileage) {
                byOdometer = s.mileage() - lastMileage;
            }
            if (firstMileage == null) {
                firstMileage = s.mileage();
            }
            lastMileage = s.mileage();
            mileages++;
        }
        double byPosition = 0;
        if (s.position() != null) {
            if (lastPosition != null) {
                byPosition = TripMath.haversineKm(lastPosition.longitude(), lastPosition.latitude(),
                        s.position().longitude(), s.position().latitude());
                geoKm += byPosition;
            }
            if (firstPosition == null) {
                firstPosition = s.position();
            }
            lastPosition = s.position();
            positions++;
        }

        String told = fuelDown && electricDown ? HYBRID : fuelDown ? THERMAL : electricDown ? ELECTRIC : null;
        if (told != null && propulsion == null) {
            odometerKm.merge(told, pendingOdometerKm, Double::sum);
            positionKm.merge(told, pendingPositionKm, Double::sum);
            pendingOdometerKm = 0;
            pendingPositionKm = 0;
        }
        if (told != null) {
            propulsion = told;
        }
        if (propulsion == null) {
            pendingOdometerKm += byOdometer;
            pendingPositionKm += byPosition;
        } else {
            odometerKm.merge(propulsion, byOdometer, Double::sum);
            positionKm.merge(propulsion, byPosition, Double::sum);
        }

        if (s.speed() != null && (maxSpeed == null || s.speed() > maxSpeed)) {
            maxSpeed = s.speed();
        }
    }

    /** Km: odometer difference when the trip saw the odometer at least twice, else the distance between positions. */
    double distanceKm() {
        if (mileages >= 2) {
            return Math.max(0, lastMileage - firstMileage);
        }
        return geoKm;
    }

    /** Seconds from the start to the stop, or to the latest sample while the trip goes on. */
    long durationSeconds() {
        return Math.max(0, Duration.between(start.at(), (stop != null ? stop : last).at()).getSeconds());
    }

    Instant stoppedAt() {
        return stop == null ? null : stop.at();
    }

    TripAcc copy() {
        return fromJson(toJson());
    }

    // ------------------------------------------------------------------ storage

    String toJson() {
        ObjectNode o = JSON.createObjectNode();
        putKey(o, "start", start);
        o.put("startSeen", startSeen);
        putKey(o, "last", last);
        o.put("samples", samples);
        putKey(o, "stop", stop);
        if (end != null) {
            o.put("end", end.wire);
        }
        putPosition(o, "firstPosition", firstPosition);
        putPosition(o, "lastPosition", lastPosition);
        o.put("positions", positions);
        o.put("geoKm", geoKm);
        putNumber(o, "firstMileage", firstMileage);
        putNumber(o, "lastMileage", lastMileage);
        o.put("mileages", mileages);
        putNumber(o, "maxSpeed", maxSpeed);
        ObjectNode es = o.putObject("energies");
        energies.forEach((type, a) -> {
            ObjectNode e = es.putObject(type);
            putEnergy(e, "first", a.first);
            putEnergy(e, "last", a.last);
            putNumber(e, "lastLevel", a.lastLevel);
            e.put("dropped", a.dropped);
        });
        if (propulsion != null) {
            o.put("propulsion", propulsion);
        }
        ObjectNode odo = o.putObject("odometerKm");
        odometerKm.forEach(odo::put);
        ObjectNode pos = o.putObject("positionKm");
        positionKm.forEach(pos::put);
        o.put("pendingOdometerKm", pendingOdometerKm);
        o.put("pendingPositionKm", pendingPositionKm);
        o.put("geoPrivacy", geoPrivacy);
        o.put("fullPrivacy", fullPrivacy);
        o.put("connectionGap", connectionGap);
        if (lastPrivacy != null) {
            o.put("lastPrivacy", lastPrivacy.name());
        }
        return JSON.writeValueAsString(o);
    }

    static TripAcc fromJson(String text) {
        JsonNode o = JSON.readTree(text);
        TripAcc acc = new TripAcc();
        acc.start = key(o.get("start"));
        acc.startSeen = o.path("startSeen").booleanValue();
        acc.last = key(o.get("last"));
        acc.samples = o.path("samples").intValue();
        acc.stop = key(o.get("stop"));
        acc.end = o.has("end") ? End.ofWire(o.get("end").stringValue()) : null;
        acc.firstPosition = position(o.get("firstPosition"));
        acc.lastPosition = position(o.get("lastPosition"));
        acc.positions = o.path("positions").intValue();
        acc.geoKm = o.path("geoKm").doubleValue();
        acc.firstMileage = number(o.get("firstMileage"));
        acc.lastMileage = number(o.get("lastMileage"));
        acc.mileages = o.path("mileages").intValue();
        acc.maxSpeed = number(o.get("maxSpeed"));
        for (Map.Entry<String, JsonNode> e : o.path("energies").properties()) {
            EnergyAcc a = new EnergyAcc();
            a.first = energy(e.getValue().get("first"));
            a.last = energy(e.getValue().get("last"));
            a.lastLevel = number(e.getValue().get("lastLevel"));
            a.dropped = e.getValue().path("dropped").doubleValue();
            acc.energies.put(e.getKey(), a);
        }
        acc.propulsion = o.has("propulsion") ? o.get("propulsion").stringValue() : null;
        for (Map.Entry<String, JsonNode> e : o.path("odometerKm").properties()) {
            acc.odometerKm.put(e.getKey(), e.getValue().doubleValue());
        }
        for (Map.Entry<String, JsonNode> e : o.path("positionKm").properties()) {
            acc.positionKm.put(e.getKey(), e.getValue().doubleValue());
        }
        acc.pendingOdometerKm = o.path("pendingOdometerKm").doubleValue();
        acc.pendingPositionKm = o.path("pendingPositionKm").doubleValue();
        acc.geoPrivacy = o.path("geoPrivacy").booleanValue();
        acc.fullPrivacy = o.path("fullPrivacy").booleanValue();
        acc.connectionGap = o.path("connectionGap").booleanValue();
        acc.lastPrivacy = o.has("lastPrivacy") ? PrivacyMode.valueOf(o.get("lastPrivacy").stringValue()) : null;
        return acc;
    }

    private static void putKey(ObjectNode o, String name, Key key) {
        if (key != null) {
            o.putObject(name).put("at", key.at().toString()).put("id", key.id());
        }
    }

    private static Key key(JsonNode n) {
        return n == null || n.isNull() ? null : new Key(Instant.parse(n.get("at").stringValue()), n.get("id").stringValue());
    }

    private static void putNumber(ObjectNode o, String name, Double value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static Double number(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.doubleValue();
    }

    private static void putPosition(ObjectNode o, String name, Trip.Position p) {
        if (p == null) {
            return;
        }
        ObjectNode n = o.putObject(name).put("lon", p.longitude()).put("lat", p.latitude());
        putNumber(n, "alt", p.altitude());
        if (p.createdAt() != null) {
            n.put("at", p.createdAt().toString());
        }
        if (p.heading() != null) {
            n.put("heading", p.heading());
        }
        if (p.signalQuality() != null) {
            n.put("signalQuality", p.signalQuality());
        }
        if (p.type() != null) {
            n.put("type", p.type());
        }
        if (p.fixStatus() != null) {
            n.put("fixStatus", p.fixStatus());
        }
    }

    private static Trip.Position position(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new Trip.Position(n.get("lon").doubleValue(), n.get("lat").doubleValue(), number(n.get("alt")),
                n.has("at") ? Instant.parse(n.get("at").stringValue()) : null,
                n.has("heading") ? n.get("heading").intValue() : null,
                n.has("signalQuality") ? n.get("signalQuality").intValue() : null,
                n.has("type") ? n.get("type").stringValue() : null,
                n.has("fixStatus") ? n.get("fixStatus").stringValue() : null);
    }

    private static void putEnergy(ObjectNode o, String name, Trip.LiteEnergy e) {
        if (e == null) {
            return;
        }
        ObjectNode n = o.putObject(name).put("type", e.type());
        if (e.subType() != null) {
            n.put("subType", e.subType());
        }
        putNumber(n, "level", e.level());
        if (e.autonomy() != null) {
            n.put("autonomy", e.autonomy());
        }
    }

    private static Trip.LiteEnergy energy(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new Trip.LiteEnergy(n.get("type").stringValue(), n.has("subType") ? n.get("subType").stringValue() : null,
                number(n.get("level")), n.has("autonomy") ? n.get("autonomy").intValue() : null);
    }
}
