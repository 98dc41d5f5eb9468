package org.odomo.trip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.VehicleModel;

/** The trip arithmetic: distances, consumptions, speeds, segments and faults from a trip's aggregates. */
final class TripMath {

    private static final double EARTH_RADIUS_KM = 6371.0088;
    private static final List<String> PROPULSIONS = List.of(TripAcc.THERMAL, TripAcc.ELECTRIC, TripAcc.HYBRID);

    private TripMath() {
    }

    /** Great-circle distance in km between two WGS 84 points given in degrees. */
    static double haversineKm(double lon1, double lat1, double lon2, double lat2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /**
     * The API view of a trip.
     *
     * @param model the vehicle's model, for tank and battery sizes and the powertrain; null when
     *              unknown (no consumptions then, and segments from energy use alone)
     */
    static Trip toTrip(String id, String vin, Instant createdAt, Instant updatedAt, TripAcc acc, VehicleModel model) {
        boolean done = acc.done();
        double distance = round(acc.distanceKm(), 3);
        long duration = acc.durationSeconds();
        List<Trip.LiteEnergy> start = new ArrayList<>();
        List<Trip.LiteEnergy> end = new ArrayList<>();
        acc.energies.values().forEach(e -> {
            start.add(e.first);
            if (done) {
                end.add(e.last);
            }
        });
        return new Trip(id, vin, createdAt, updatedAt, acc.start.at(), acc.stoppedAt(), acc.firstPosition,
                done ? acc.lastPosition : null, duration, distance, acc.firstMileage, start, end,
                consumptions(acc, model, distance), kinetic(distance, duration, acc.maxSpeed),
                segments(acc, model == null ? null : model.motorization(), distance), done, faults(acc));
    }

    /**
     * Per energy: the sum of the level's decreases times the tank (L, or kg of hydrogen) or the
     * battery (kWh), and the average per 100 km in cL (hundredths of kg) or Wh.
     */
    static List<Trip.EnergyConsumption> consumptions(TripAcc acc, VehicleModel model, double distanceKm) {
        List<Trip.EnergyConsumption> result = new ArrayList<>();
        if (model == null) {
            return result;
        }
        for (Map.Entry<String, TripAcc.EnergyAcc> e : acc.energies.entrySet()) {
            boolean electric = "Electric".equals(e.getKey());
            double capacity = electric ? model.batteryKwh() : "Fuel".equals(e.getKey()) ? model.tankLitres() : 0;
            if (capacity <= 0) {
                continue;
            }
            double used = e.getValue().dropped / 100 * capacity;
            Double average = distanceKm > 0 ? round(used * (electric ? 1000 : 100) * 100 / distanceKm, 1) : null;
            String subType = e.getValue().last.subType() != null ? e.getValue().last.subType() : e.getValue().first.subType();
            result.add(new Trip.EnergyConsumption(e.getKey(), subType, round(used, 3), average));
        }
        return result;
    }

    /** Average speed is distance over duration; the maximum is the highest the vehicle reported. */
    static Trip.Kinetic kinetic(double distanceKm, long durationSeconds, Double maxSpeed) {
        Double average = durationSeconds > 0 ? round(distanceKm / (durationSeconds / 3600.0), 1) : null;
        if (average == null && maxSpeed == null) {
            return null;
        }
        return new Trip.Kinetic(average, maxSpeed);
    }

    /**
     * A thermal car drives on fuel and a battery-electric or fuel-cell car on its electric motor
     * throughout. For a plug-in hybrid (or an unknown powertrain) each stretch between two samples
     * goes to the energy whose level went down over it (both: {@code Hybrid}); a stretch where
     * neither moved keeps the previous propulsion. Shares are taken from the odometer when it moved,
     * else from positions, and applied to the trip's distance.
     */
    static List<Trip.Segment> segments(TripAcc acc, Motorization motorization, double distanceKm) {
        if (motorization == Motorization.ICE) {
            return List.of(new Trip.Segment(TripAcc.THERMAL, 100, distanceKm));
        }
        if (motorization == Motorization.BEV || motorization == Motorization.FCEV) {
            return List.of(new Trip.Segment(TripAcc.ELECTRIC, 100, distanceKm));
        }
        if (acc.propulsion == null) {
            return List.of(new Trip.Segment(TripAcc.HYBRID, 100, distanceKm));
        }
        double byOdometer = acc.odometerKm.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> km = byOdometer > 0 ? acc.odometerKm : acc.positionKm;
        double total = km.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) {
            return List.of(new Trip.Segment(acc.propulsion, 100, distanceKm));
        }
        List<Trip.Segment> result = new ArrayList<>();
        for (String propulsion : PROPULSIONS) {
            double part = km.getOrDefault(propulsion, 0.0);
            if (part > 0) {
                double share = part / total;
                result.add(new Trip.Segment(propulsion, round(share * 100, 1), round(share * distanceKm, 3)));
            }
        }
        return result;
    }

    static List<Trip.Fault> faults(TripAcc acc) {
        List<Trip.Fault> faults = new ArrayList<>();
        if (!acc.startSeen) {
            faults.add(new Trip.Fault(Trip.Fault.UNSTARTED, null));
        }
        if (acc.end == TripAcc.End.OFF || acc.end == TripAcc.End.NEXT) {
            faults.add(new Trip.Fault(Trip.Fault.UNFINISHED, null));
        }
        if (acc.fullPrivacy) {
            faults.add(new Trip.Fault(Trip.Fault.DATA_LACKING, Trip.Fault.FULL_PRIVACY));
        }
        if (acc.geoPrivacy) {
            faults.add(new Trip.Fault(Trip.Fault.DATA_LACKING, Trip.Fault.GEO_PRIVACY));
        }
        if (acc.connectionGap || acc.positions == 0 && !acc.geoPrivacy && !acc.fullPrivacy) {
            faults.add(new Trip.Fault(Trip.Fault.DATA_LACKING, Trip.Fault.CONNECTION));
        }
        return faults;
    }

    /** Faults as stored in the trip row, for filtering: {@code Unstarted,DataLacking:GeoPrivacy}. */
    static String faultCodes(TripAcc acc) {
        return faults(acc).stream().map(f -> f.cause() == null ? f.fault() : f.fault() + ":" + f.cause())
                .collect(Collectors.joining(","));
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
