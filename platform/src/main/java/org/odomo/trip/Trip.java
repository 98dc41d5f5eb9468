package org.odomo.trip;

import java.time.Instant;
import java.util.List;

/**
 * One trip of a vehicle: an ignition cycle, from ignition {@code Start} (or {@code StartUp}) to
 * ignition {@code Stop}, as the B2C API's {@code Trip} object describes it. Fields the platform
 * could not work out are null (or empty lists); the API layer leaves them out.
 *
 * @param id                 opaque identifier, stable while the trip is rebuilt from late data
 * @param vin                the vehicle
 * @param createdAt          when the platform first recorded this trip
 * @param updatedAt          when the platform last changed it
 * @param startedAt          time of the ignition {@code Start}; for an {@code Unstarted} trip, of the
 *                           first sample that showed the ignition on (or of the {@code Stop} itself)
 * @param stoppedAt          time of the ignition {@code Stop}; for an {@code Unfinished} trip, of the
 *                           last sample known to belong to it; null while the trip goes on
 * @param startPosition      first position measured during the trip (the one of the ignition
 *                           {@code Start} when it carried one); null without any
 * @param stopPosition       last position measured during the trip; null while it goes on
 * @param duration           seconds from {@code startedAt} to {@code stoppedAt} (to the latest sample
 *                           while it goes on)
 * @param distance           km: difference of the odometer between the first and last samples that
 *                           carried it, else the sum of great-circle distances between positions
 * @param startMileage       odometer (km) at the first sample of the trip that carried one
 * @param startEnergies      level and autonomy of each energy at the start of the trip
 * @param endEnergies        level and autonomy of each energy at the end; empty while it goes on
 * @param energyConsumptions per energy: what was used (the sum of the level's decreases, so that a
 *                           refill or charge during the trip does not hide consumption) in L of
 *                           fuel (kg for hydrogen) or kWh, and the average per 100 km in cL (fuel),
 *                           hundredths of kg (hydrogen) or Wh (electric), as the API defines them
 * @param kinetic            speeds in km/h
 * @param segments           distance per propulsion: one segment for a thermal or electric car;
 *                           for a plug-in hybrid, estimated from which energy level went down
 *                           between samples
 * @param done               whether the trip is over
 * @param faults             what kept the trip from being described completely; empty for a nominal
 *                           trip
 */
public record Trip(
        String id,
        String vin,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant stoppedAt,
        Position startPosition,
        Position stopPosition,
        Long duration,
        Double distance,
        Double startMileage,
        List<LiteEnergy> startEnergies,
        List<LiteEnergy> endEnergies,
        List<EnergyConsumption> energyConsumptions,
        Kinetic kinetic,
        List<Segment> segments,
        boolean done,
        List<Fault> faults) {

    public Trip {
        startEnergies = List.copyOf(startEnergies);
        endEnergies = List.copyOf(endEnergies);
        energyConsumptions = List.copyOf(energyConsumptions);
        segments = List.copyOf(segments);
        faults = List.copyOf(faults);
    }

    /** Whether the trip has none of the API's faults ({@code Nominal} in the trip state filter). */
    public boolean nominal() {
        return faults.isEmpty();
    }

    public boolean hasFault(String fault) {
        return faults.stream().anyMatch(f -> f.fault().equals(fault));
    }

    /**
     * A GeoJSON point with the API's position properties.
     *
     * @param altitude  metres, when measured
     * @param createdAt when the vehicle measured it
     * @param type      {@code Estimated} or {@code Acquire}
     * @param fixStatus {@code 2D} or {@code 3D}
     */
    public record Position(double longitude, double latitude, Double altitude, Instant createdAt, Integer heading,
            Integer signalQuality, String type, String fixStatus) {
    }

    /**
     * The API's {@code LiteEnergy}.
     *
     * @param type     {@code Fuel} or {@code Electric}
     * @param subType  {@code FossilEnergy}, {@code ElectricEnergy} or {@code Hydrogen}, when known
     * @param level    percent of the tank or battery
     * @param autonomy km
     */
    public record LiteEnergy(String type, String subType, Double level, Integer autonomy) {
    }

    /**
     * The API's {@code EnergyConsumption}.
     *
     * @param consumption    used during the trip: L of fuel (kg of hydrogen) or kWh
     * @param avgConsumption per 100 km: cL of fuel (hundredths of kg of hydrogen) or Wh; null for a
     *                       trip without distance
     */
    public record EnergyConsumption(String type, String subType, double consumption, Double avgConsumption) {
    }

    /**
     * @param avgSpeed km/h: distance over duration
     * @param maxSpeed km/h: highest speed the vehicle reported during the trip
     */
    public record Kinetic(Double avgSpeed, Double maxSpeed) {
    }

    /**
     * The API's {@code TripSegment}.
     *
     * @param propulsion {@code Thermal}, {@code Electric} or {@code Hybrid}
     * @param percent    share of the trip's distance
     * @param distance   km
     */
    public record Segment(String propulsion, double percent, double distance) {
    }

    /**
     * @param fault {@code Unstarted} (the ignition {@code Start} was never received),
     *              {@code Unfinished} (a newer trip started, or the ignition was seen off, without
     *              an ignition {@code Stop}) or {@code DataLacking}
     * @param cause for {@code DataLacking}: {@code GeoPrivacy} (the privacy mode kept positions in
     *              the car), {@code FullPrivacy} (plane mode during the trip) or {@code Connection}
     *              (no positions, or a long silence, without a privacy reason); null otherwise
     */
    public record Fault(String fault, String cause) {

        public static final String UNSTARTED = "Unstarted";
        public static final String UNFINISHED = "Unfinished";
        public static final String DATA_LACKING = "DataLacking";
        public static final String GEO_PRIVACY = "GeoPrivacy";
        public static final String FULL_PRIVACY = "FullPrivacy";
        public static final String CONNECTION = "Connection";
    }
}
