package org.odomo.trip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.trip.Sample.Ignition;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModels;

/** Distances, consumptions, speeds and segments on hand-made samples. */
class TripArithmeticTests {

    static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");

    static Sample sample(int seconds, Ignition ignition, Double lon, Double speed, Double mileage,
            Trip.LiteEnergy... energies) {
        return sample(seconds, ignition, lon, speed, mileage, PrivacyMode.DATA_AND_LOCATION, energies);
    }

    static Sample sample(int seconds, Ignition ignition, Double lon, Double speed, Double mileage, PrivacyMode privacy,
            Trip.LiteEnergy... energies) {
        Instant at = T0.plusSeconds(seconds);
        Trip.Position p = lon == null ? null : new Trip.Position(lon, 48.85, null, at, null, null, null, null);
        return new Sample(new Key(at, String.format("m%06d", seconds)), ignition, p, speed, mileage, List.of(energies),
                privacy);
    }

    static Trip.LiteEnergy electric(double level) {
        return new Trip.LiteEnergy("Electric", "ElectricEnergy", level, (int) (level * 3));
    }

    static Trip.LiteEnergy fuel(double level) {
        return new Trip.LiteEnergy("Fuel", "FossilEnergy", level, (int) (level * 8));
    }

    private static TripAcc fold(Sample... samples) {
        TripAcc acc = TripAcc.open(samples[0], samples[0].ignition() == Ignition.START_EVENT);
        for (int i = 1; i < samples.length; i++) {
            acc.add(samples[i]);
        }
        return acc;
    }

    @Test
    void haversineMatchesKnownDistances() {
        // One degree of latitude, and Paris (Notre-Dame) to London (Trafalgar Square).
        assertThat(TripMath.haversineKm(2.35, 48.0, 2.35, 49.0)).isCloseTo(111.2, within(0.1));
        assertThat(TripMath.haversineKm(2.3499, 48.8530, -0.1281, 51.5080)).isCloseTo(343.9, within(1.0));
        assertThat(TripMath.haversineKm(2.35, 48.85, 2.35, 48.85)).isZero();
    }

    @Test
    void distanceIsTheOdometerDifferenceWhenKnownElseTheSumOfPositions() {
        TripAcc withOdometer = fold(sample(0, Ignition.START_EVENT, 2.350, 0.0, 1000.0),
                sample(30, Ignition.ON, 2.360, 40.0, 1000.9), sample(60, Ignition.STOP_EVENT, 2.370, 0.0, 1001.6));
        assertThat(withOdometer.distanceKm()).isCloseTo(1.6, within(1e-9));

        TripAcc positionsOnly = fold(sample(0, Ignition.START_EVENT, 2.350, 0.0, null),
                sample(30, Ignition.ON, 2.360, 40.0, null), sample(60, Ignition.STOP_EVENT, 2.370, 0.0, null));
        double expected = 2 * TripMath.haversineKm(2.350, 48.85, 2.360, 48.85);
        assertThat(positionsOnly.distanceKm()).isCloseTo(expected, within(1e-9));
        assertThat(expected).isCloseTo(1.464, within(0.001));

        // One odometer reading is not a difference: positions decide.
        TripAcc oneReading = fold(sample(0, Ignition.START_EVENT, 2.350, 0.0, 1000.0),
                sample(60, Ignition.STOP_EVENT, 2.360, 0.0, null));
        assertThat(oneReading.distanceKm()).isCloseTo(TripMath.haversineKm(2.350, 48.85, 2.360, 48.85), within(1e-9));
    }

    @Test
    void durationAndSpeeds() {
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 1000.0), sample(600, Ignition.ON, null, 95.5, 1007.0),
                sample(1200, Ignition.ON, null, 62.0, 1015.0), sample(1800, Ignition.STOP_EVENT, null, 0.0, 1020.0));
        assertThat(acc.durationSeconds()).isEqualTo(1800);
        Trip.Kinetic k = TripMath.kinetic(acc.distanceKm(), acc.durationSeconds(), acc.maxSpeed);
        assertThat(k.avgSpeed()).isEqualTo(40.0); // 20 km in half an hour
        assertThat(k.maxSpeed()).isEqualTo(95.5);
        assertThat(TripMath.kinetic(0, 0, null)).isNull();
    }

    @Test
    void electricConsumptionFromTheBatteryAndAverageInWhPer100Km() {
        // Peugeot e-208: 48.1 kWh usable. 3 points over 10 km.
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 1000.0, electric(80)),
                sample(300, Ignition.ON, null, 50.0, 1005.0, electric(78.5)),
                sample(600, Ignition.STOP_EVENT, null, 0.0, 1010.0, electric(77)));
        List<Trip.EnergyConsumption> c = TripMath.consumptions(acc, VehicleModels.require("P-E208"), acc.distanceKm());
        assertThat(c).hasSize(1);
        assertThat(c.get(0).type()).isEqualTo("Electric");
        assertThat(c.get(0).subType()).isEqualTo("ElectricEnergy");
        assertThat(c.get(0).consumption()).isCloseTo(1.443, within(1e-9));
        assertThat(c.get(0).avgConsumption()).isCloseTo(14430.0, within(1e-9));
    }

    @Test
    void fuelConsumptionInLitresAverageInCentilitresPer100KmAndARefillDoesNotHideIt() {
        // Peugeot 308: 52 L tank. 1 point, a refill to 95, then half a point: 1.5 points over 10 km.
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 2000.0, fuel(50)),
                sample(300, Ignition.ON, null, 80.0, 2006.0, fuel(49)),
                sample(400, Ignition.ON, null, 0.0, 2006.0, fuel(95)),
                sample(600, Ignition.STOP_EVENT, null, 0.0, 2010.0, fuel(94.5)));
        Trip.EnergyConsumption c = TripMath.consumptions(acc, VehicleModels.require("P-308"), acc.distanceKm()).get(0);
        assertThat(c.consumption()).isCloseTo(0.78, within(1e-9));
        assertThat(c.avgConsumption()).isCloseTo(780.0, within(1e-9)); // 7.8 L/100 km
        // Without distance there is no average.
        assertThat(TripMath.consumptions(acc, VehicleModels.require("P-308"), 0).get(0).avgConsumption()).isNull();
    }

    @Test
    void thermalAndElectricCarsHaveOneSegment() {
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 10.0, fuel(50)),
                sample(60, Ignition.STOP_EVENT, null, 0.0, 12.0, fuel(49)));
        assertThat(TripMath.segments(acc, Motorization.ICE, 2.0)).containsExactly(new Trip.Segment("Thermal", 100, 2.0));
        assertThat(TripMath.segments(acc, Motorization.BEV, 2.0)).containsExactly(new Trip.Segment("Electric", 100, 2.0));
        assertThat(TripMath.segments(acc, Motorization.FCEV, 2.0)).containsExactly(new Trip.Segment("Electric", 100, 2.0));
    }

    @Test
    void plugInHybridSegmentsFollowWhichEnergyWentDown() {
        // 6 km on the battery (the first km, level unchanged, goes with the first told stretch),
        // 3 km on fuel, 1 km where both went down.
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 100.0, electric(60), fuel(70)),
                sample(60, Ignition.ON, null, 50.0, 101.0, electric(60), fuel(70)),
                sample(120, Ignition.ON, null, 50.0, 104.0, electric(55), fuel(70)),
                sample(180, Ignition.ON, null, 50.0, 106.0, electric(52), fuel(70)),
                sample(240, Ignition.ON, null, 50.0, 108.0, electric(52), fuel(69)),
                sample(270, Ignition.ON, null, 50.0, 109.0, electric(52), fuel(69)),
                sample(300, Ignition.STOP_EVENT, null, 0.0, 110.0, electric(51), fuel(68.5)));
        List<Trip.Segment> segments = TripMath.segments(acc, Motorization.PHEV, acc.distanceKm());
        assertThat(segments).containsExactly(new Trip.Segment("Thermal", 30, 3.0),
                new Trip.Segment("Electric", 60, 6.0), new Trip.Segment("Hybrid", 10, 1.0));

        Trip trip = TripMath.toTrip("t", "VIN", T0, T0, acc, VehicleModels.require("P-3008H"));
        assertThat(trip.energyConsumptions()).extracting(Trip.EnergyConsumption::type).containsExactly("Electric", "Fuel");
        // 9 points of 12.4 kWh; 1.5 points of 43 L.
        assertThat(trip.energyConsumptions().get(0).consumption()).isCloseTo(1.116, within(1e-9));
        assertThat(trip.energyConsumptions().get(1).consumption()).isCloseTo(0.645, within(1e-9));
    }

    @Test
    void plugInHybridWithoutLevelChangesIsOneHybridSegment() {
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, null, 0.0, 100.0, electric(60), fuel(70)),
                sample(60, Ignition.STOP_EVENT, null, 0.0, 100.4, electric(60), fuel(70)));
        assertThat(TripMath.segments(acc, Motorization.PHEV, 0.4)).containsExactly(new Trip.Segment("Hybrid", 100, 0.4));
    }

    @Test
    void tripViewCarriesStartAndEndOfEverything() {
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, 2.35, 0.0, 1000.0, electric(80)),
                sample(30, Ignition.ON, 2.36, 50.0, 1000.5, electric(79.6)),
                sample(60, Ignition.STOP_EVENT, 2.37, 0.0, 1001.0, electric(79.2)));
        acc.close(TripAcc.End.STOP, acc.last);
        Trip trip = TripMath.toTrip("t1", "VIN", T0, T0, acc, VehicleModels.require("P-E208"));
        assertThat(trip.startedAt()).isEqualTo(T0);
        assertThat(trip.stoppedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(trip.duration()).isEqualTo(60);
        assertThat(trip.distance()).isEqualTo(1.0);
        assertThat(trip.startMileage()).isEqualTo(1000.0);
        assertThat(trip.startPosition().longitude()).isEqualTo(2.35);
        assertThat(trip.stopPosition().longitude()).isEqualTo(2.37);
        assertThat(trip.startEnergies()).containsExactly(electric(80));
        assertThat(trip.endEnergies()).containsExactly(electric(79.2));
        assertThat(trip.kinetic()).isEqualTo(new Trip.Kinetic(60.0, 50.0));
        assertThat(trip.done()).isTrue();
        assertThat(trip.faults()).isEmpty();
        assertThat(trip.nominal()).isTrue();

        // While it goes on: no stop, no end energies, duration to the latest sample.
        TripAcc open = fold(sample(0, Ignition.START_EVENT, 2.35, 0.0, 1000.0, electric(80)),
                sample(30, Ignition.ON, 2.36, 50.0, 1000.5, electric(79.6)));
        Trip running = TripMath.toTrip("t2", "VIN", T0, T0, open, VehicleModels.require("P-E208"));
        assertThat(running.done()).isFalse();
        assertThat(running.stoppedAt()).isNull();
        assertThat(running.stopPosition()).isNull();
        assertThat(running.endEnergies()).isEmpty();
        assertThat(running.duration()).isEqualTo(30);
    }

    @Test
    void faultsSayWhatWasMissing() {
        TripAcc unstarted = fold(sample(0, Ignition.ON, 2.35, 30.0, 1.0), sample(30, Ignition.STOP_EVENT, 2.36, 0.0, 2.0));
        assertThat(TripMath.faults(unstarted)).containsExactly(new Trip.Fault("Unstarted", null));

        TripAcc geo = fold(sample(0, Ignition.START_EVENT, null, 0.0, 1.0, PrivacyMode.DATA),
                sample(30, Ignition.STOP_EVENT, null, 0.0, 2.0, PrivacyMode.DATA));
        assertThat(TripMath.faults(geo)).containsExactly(new Trip.Fault("DataLacking", "GeoPrivacy"));

        TripAcc plane = fold(sample(0, Ignition.START_EVENT, 2.35, 0.0, 1.0),
                sample(30, Ignition.NONE, null, null, null, PrivacyMode.PLANE),
                sample(3000, Ignition.STOP_EVENT, 2.40, 0.0, 40.0));
        assertThat(TripMath.faults(plane)).containsExactly(new Trip.Fault("DataLacking", "FullPrivacy"));

        TripAcc silent = fold(sample(0, Ignition.START_EVENT, 2.35, 0.0, 1.0), sample(30, Ignition.ON, 2.36, 50.0, 1.5),
                sample(1000, Ignition.ON, 2.46, 50.0, 12.0));
        silent.close(TripAcc.End.NEXT, silent.last);
        assertThat(TripMath.faults(silent)).containsExactly(new Trip.Fault("Unfinished", null),
                new Trip.Fault("DataLacking", "Connection"));

        TripAcc noPositions = fold(sample(0, Ignition.START_EVENT, null, 0.0, 1.0), sample(30, Ignition.STOP_EVENT, null, 0.0, 2.0));
        assertThat(TripMath.faults(noPositions)).containsExactly(new Trip.Fault("DataLacking", "Connection"));
        assertThat(TripMath.faultCodes(unstarted)).isEqualTo("Unstarted");
        assertThat(TripMath.faultCodes(geo)).isEqualTo("DataLacking:GeoPrivacy");
    }

    @Test
    void aggregatesSurviveStorage() {
        TripAcc acc = fold(sample(0, Ignition.START_EVENT, 2.35, 0.0, 100.0, electric(60), fuel(70)),
                sample(60, Ignition.ON, 2.36, 50.0, 101.0, PrivacyMode.DATA, electric(59), fuel(70)),
                sample(120, Ignition.ON, null, 50.0, 104.0, electric(55), fuel(69.5)));
        acc.close(TripAcc.End.OFF, acc.last);
        String stored = acc.toJson();
        TripAcc back = TripAcc.fromJson(stored);
        assertThat(back.toJson()).isEqualTo(stored);
        assertThat(TripMath.toTrip("t", "VIN", T0, T0, back, VehicleModels.require("P-3008H")))
                .isEqualTo(TripMath.toTrip("t", "VIN", T0, T0, acc, VehicleModels.require("P-3008H")));
    }
}
