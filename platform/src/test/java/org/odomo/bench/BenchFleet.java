package org.odomo.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The vehicles of a benchmark run and their telemetry: each vehicle's n-th message is a full
 * sample (the protocol document's example: ignition, position, kinetic, odometer, electric energy
 * with its extension, environment, 12 V battery, privacy) measured one minute after its previous
 * one, driving along, so that every message changes the vehicle's state and adds a position.
 * About 900 bytes a message.
 */
final class BenchFleet {

    /** A vehicle as the platform knows it. */
    record Car(String vin, String credential) {
    }

    private final List<Car> cars;
    private final long startEpochSecond;

    BenchFleet(List<Car> cars, Instant start) {
        this.cars = List.copyOf(cars);
        this.startEpochSecond = start.getEpochSecond();
    }

    /** When the vehicles' first messages were measured. */
    Instant start() {
        return Instant.ofEpochSecond(startEpochSecond);
    }

    int size() {
        return cars.size();
    }

    Car car(int index) {
        return cars.get(index);
    }

    /** The VIN of bench vehicle number {@code index}: a valid Peugeot VIN. */
    static String vin(int index) {
        return String.format("VR3UHZKXZMT%06d", index);
    }

    /** Message number {@code sequence} of the run: vehicles take turns, each sending its next sample. */
    byte[] message(long sequence) {
        int index = (int) (sequence % cars.size());
        long round = sequence / cars.size();
        Car car = cars.get(index);
        double lon = 2.0 + (index % 100) * 0.01 + round * 0.0004;
        double lat = 48.5 + (index / 100 % 100) * 0.01 + round * 0.0002;
        double level = 95 - (round % 900) * 0.1;
        double mileage = 10_000 + index + round * 0.9;
        StringBuilder b = new StringBuilder(1024);
        b.append("{\"v\":1,\"vin\":\"").append(car.vin())
                .append("\",\"id\":\"").append(round)
                .append("\",\"at\":\"").append(Instant.ofEpochSecond(startEpochSecond + round * 60))
                .append("\",\"type\":\"telemetry\",\"credential\":\"").append(car.credential())
                .append("\",\"data\":{\"ignition\":{\"type\":\"Start\"},")
                .append("\"position\":{\"coordinates\":[").append(fixed(lon, 5)).append(',').append(fixed(lat, 5))
                .append(",35.0],\"heading\":").append((index + round) % 360)
                .append(",\"signalQuality\":4,\"type\":\"Acquire\",\"fixStatus\":\"3D\"},")
                .append("\"kinetic\":{\"speed\":").append(fixed(30 + (round % 60), 1))
                .append(",\"acceleration\":0.3,\"moving\":true},")
                .append("\"odometer\":{\"mileage\":").append(fixed(mileage, 1)).append("},")
                .append("\"energies\":[{\"type\":\"Electric\",\"subType\":\"ElectricEnergy\",\"level\":")
                .append(fixed(level, 1)).append(",\"autonomy\":").append((int) (level * 3.4))
                .append(",\"extension\":{\"electric\":{\"charging\":{\"plugged\":false,\"status\":\"Disconnected\",")
                .append("\"chargingMode\":\"No\"},\"battery\":{\"load\":{\"capacity\":50000,\"residual\":")
                .append((int) (level * 500)).append("},\"health\":{\"capacity\":97,\"resistance\":98}},")
                .append("\"consumption\":{\"consumption\":14.2}}}}],")
                .append("\"environment\":{\"air\":{\"temp\":").append(fixed(11.5 + (round % 10) * 0.1, 1))
                .append("},\"luminosity\":{\"day\":true}},")
                .append("\"battery\":{\"voltage\":12.6},")
                .append("\"privacy\":{\"state\":\"None\"}}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A non-negative number with a fixed number of decimals, without the cost of String.format. */
    private static String fixed(double value, int decimals) {
        long scale = decimals == 1 ? 10 : decimals == 5 ? 100_000 : (long) Math.pow(10, decimals);
        long scaled = Math.round(value * scale);
        String fraction = Long.toString(scaled % scale);
        return (scaled / scale) + "." + "0".repeat(decimals - fraction.length()) + fraction;
    }
}
