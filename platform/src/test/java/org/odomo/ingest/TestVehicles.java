package org.odomo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;

import tools.jackson.databind.node.ObjectNode;

/** Builds vehicles and protocol messages for tests. */
public final class TestVehicles {

    private static final AtomicInteger SERIAL = new AtomicInteger((int) (System.nanoTime() % 100_000));
    private static final ProtocolCodec CODEC = new ProtocolCodec();

    private TestVehicles() {
    }

    /** A fresh, valid Peugeot VIN. */
    public static String newVin() {
        return String.format("VR3UHZKXZMT%06d", SERIAL.incrementAndGet() % 1_000_000);
    }

    public static RegisteredVehicle register(VehicleRegistry registry, String model, PrivacyMode mode,
            ConnectedService... services) {
        return registry.register(new NewVehicle(newVin(), Brand.PEUGEOT, model, null, mode, Set.of(services)));
    }

    public static ObjectNode envelope(String vin, String credential, String id, Instant at, MessageType type) {
        ObjectNode m = CODEC.envelope(vin, id, at, type);
        m.put("credential", credential);
        return m;
    }

    public static ObjectNode telemetry(String vin, String credential, String id, Instant at, double lon, double lat,
            double level, double mileage) {
        ObjectNode m = envelope(vin, credential, id, at, MessageType.TELEMETRY);
        ObjectNode data = m.putObject("data");
        data.putObject("position").putArray("coordinates").add(lon).add(lat).add(35.0);
        data.putObject("odometer").put("mileage", mileage);
        ObjectNode energy = data.putArray("energies").addObject();
        energy.put("type", "Electric").put("level", level).put("autonomy", (int) (level * 3));
        data.putObject("kinetic").put("speed", 50.0).put("moving", true);
        data.putObject("maintenance").put("daysBeforeMaintenance", 120).put("mileageBeforeMaintenance", 8000.0);
        return m;
    }

    public static byte[] bytes(ObjectNode message) {
        return CODEC.toJson(message).getBytes(StandardCharsets.UTF_8);
    }
}
