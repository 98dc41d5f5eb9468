package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.VehicleModel;

import tools.jackson.databind.JsonNode;

class SimulatorDrivingTest {

    private static JsonNode energy(JsonNode data, String type) {
        for (JsonNode e : data.path("energies")) {
            if (e.path("type").asString().equals(type)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void everyModelDrivesPlausiblyAndSpendsTheEnergyItsFiguresSay() {
        SimFixtures f = new SimFixtures(SimFixtures.settings(5));
        List<SimulatedVehicle> cars = f.everyModel(0);
        cars.forEach(f::add);
        double[] startOdo = cars.stream().mapToDouble(c -> f.fleet.twin(c.vin()).odometer).toArray();

        f.run(Duration.ofDays(3), Duration.ofMinutes(15));

        int trips = 0;
        double driven = 0;
        for (int i = 0; i < cars.size(); i++) {
            String vin = cars.get(i).vin();
            Twin t = f.fleet.twin(vin);
            VehicleModel model = t.model;
            assertThat(t.odometer).as(vin + " odometer").isGreaterThanOrEqualTo(startOdo[i]);
            driven += t.odometer - startOdo[i];
            double lastOdo = 0;
            JsonNode previous = null;
            JsonNode tripStart = null;
            for (JsonNode m : f.messages(vin)) {
                JsonNode d = m.path("data");
                if (d.has("odometer")) {
                    double odo = d.path("odometer").path("mileage").doubleValue();
                    assertThat(odo).as("odometer never goes back").isGreaterThanOrEqualTo(lastOdo);
                    lastOdo = odo;
                }
                if (d.has("kinetic")) {
                    assertThat(d.path("kinetic").path("speed").doubleValue()).isBetween(0.0, 135.0);
                }
                if (d.has("position")) {
                    JsonNode c = d.path("position").path("coordinates");
                    assertThat(c.get(0).doubleValue()).as("longitude in Europe").isBetween(-10.0, 25.0);
                    assertThat(c.get(1).doubleValue()).as("latitude in Europe").isBetween(36.0, 60.0);
                    assertThat(d.path("position").path("heading").intValue()).isBetween(0, 359);
                    if (previous != null && d.path("ignition").path("type").asString().equals("Start")) {
                        JsonNode p = previous.path("data").path("position").path("coordinates");
                        double km = Geo.distanceKm(p.get(0).doubleValue(), p.get(1).doubleValue(),
                                c.get(0).doubleValue(), c.get(1).doubleValue());
                        long seconds = Instant.parse(m.path("at").asString()).getEpochSecond()
                                - Instant.parse(previous.path("at").asString()).getEpochSecond();
                        assertThat(km).as("no teleporting").isLessThanOrEqualTo(135.0 * seconds / 3600 + 0.01);
                    }
                    previous = m;
                }
                if (SimFixtures.event(m).equals("ignition")) {
                    String type = d.path("ignition").path("type").asString();
                    if (type.equals("Start")) {
                        tripStart = m;
                    } else if (tripStart != null) {
                        trips++;
                        checkConsumption(model, tripStart.path("data"), d);
                        tripStart = null;
                    }
                }
            }
        }
        assertThat(trips).isGreaterThan(cars.size() * 3);
        assertThat(driven / cars.size()).as("km a day per car").isBetween(3 * 15.0, 3 * 150.0);
    }

    /** Energy spent on one trip against the model's figures (trips with a refuel or charge skipped). */
    private static void checkConsumption(VehicleModel model, JsonNode start, JsonNode stop) {
        double km = stop.path("odometer").path("mileage").doubleValue() - start.path("odometer").path("mileage").doubleValue();
        if (km < 5) {
            return;
        }
        if (model.motorization() == Motorization.ICE) {
            double used = (energy(start, "Fuel").path("level").doubleValue() - energy(stop, "Fuel").path("level").doubleValue())
                    / 100 * model.tankLitres();
            if (used > 0) {
                assertThat(used / km * 100).as(model.code() + " L/100 km").isBetween(model.fuelPer100() * 0.7,
                        model.fuelPer100() * 1.6);
            }
        }
        if (model.motorization() == Motorization.BEV) {
            JsonNode a = energy(start, "Electric");
            JsonNode b = energy(stop, "Electric");
            double used = a.path("extension").path("electric").path("residual").path("consumption").doubleValue()
                    - b.path("extension").path("electric").path("residual").path("consumption").doubleValue();
            if (used > 0) {
                assertThat(used / km * 100).as(model.code() + " kWh/100 km").isBetween(model.electricKwhPer100() * 0.8,
                        model.electricKwhPer100() * 1.8);
            }
            assertThat(b.path("autonomy").intValue()).as("autonomy consistent with the level")
                    .isBetween((int) (b.path("level").doubleValue() / 100 * model.batteryKwh() / model.electricKwhPer100() * 100 * 0.5),
                            (int) (b.path("level").doubleValue() / 100 * model.batteryKwh() / model.electricKwhPer100() * 100 * 1.05));
        }
    }

    @Test
    void anElectricCarLowOnChargeChargesAtHome() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-E208")).vin();
        Twin t = f.fleet.twin(vin);
        t.batteryKwh = t.capacityKwh() * 0.15;
        t.homeChargerKw = 11;
        t.chargeTarget = 80;
        t.commuter = false;

        f.run(Duration.ofHours(12), Duration.ofMinutes(5));

        List<JsonNode> charging = f.messages(vin).stream().filter(m -> SimFixtures.event(m).equals("charging")).toList();
        assertThat(charging).extracting(m -> energy(m.path("data"), "Electric").path("extension").path("electric")
                .path("charging").path("status").asString()).startsWith("InProgress").contains("Finished");
        JsonNode first = energy(charging.get(0).path("data"), "Electric").path("extension").path("electric").path("charging");
        assertThat(first.path("plugged").booleanValue()).isTrue();
        assertThat(first.path("chargingMode").asString()).isEqualTo("Slow");
        assertThat(first.path("remainingTime").asString()).matches("PT(\\d+H)?(\\d+M)?");
        assertThat(t.batteryLevel()).isGreaterThanOrEqualTo(79.5);
        // the car sampled while charging, then slept
        assertThat(f.messages(vin).stream().filter(m -> SimFixtures.type(m).equals("telemetry")).count()).isGreaterThan(30);
        assertThat(f.fleet.stats().charging()).isZero();
    }

    @Test
    void aCarLowOnFuelRaisesFuelLevelLowAndClearsItAfterRefuelling() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();
        Twin t = f.fleet.twin(vin);
        t.fuel = t.model.tankLitres() * 0.12;
        t.refuelBelow = 6;

        f.run(Duration.ofDays(4), Duration.ofMinutes(15));

        List<JsonNode> alerts = f.messages(vin).stream()
                .filter(m -> m.path("event").path("alert").path("type").asString("").equals("FuelLevelLow")).toList();
        assertThat(alerts).extracting(SimFixtures::event).startsWith("alertRaised", "alertCleared");
        assertThat(alerts.get(0).path("event").path("alert").path("severity").asString()).isEqualTo("Warning");
        assertThat(t.fuelLevel()).isGreaterThan(50);
    }

    @Test
    void environmentFollowsTheTimeOfDayAndTheSeason() {
        SimFixtures f = new SimFixtures();
        String vin = f.add(SimFixtures.car(0, "P-308")).vin();
        f.run(Duration.ofMinutes(10));
        Twin t = f.fleet.twin(vin);
        long night = SimFixtures.START.getEpochSecond();
        long noon = Instant.parse("2026-01-14T12:00:00Z").getEpochSecond();
        long julyAfternoon = Instant.parse("2026-07-14T13:00:00Z").getEpochSecond();
        assertThat(Climate.daylight(t.lon, t.lat, night)).isFalse();
        assertThat(Climate.daylight(t.lon, t.lat, noon)).isTrue();
        assertThat(Climate.daylight(t.lon, t.lat, Instant.parse("2026-07-14T19:30:00Z").getEpochSecond())).isTrue();
        assertThat(Climate.airTemp(t, night)).isBetween(-15.0, 12.0);
        assertThat(Climate.airTemp(t, julyAfternoon)).isBetween(16.0, 38.0);
        assertThat(Climate.airTemp(t, julyAfternoon)).isGreaterThan(Climate.airTemp(t, night) + 8);
    }
}
