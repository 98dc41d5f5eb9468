package org.odomo.trip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;

import tools.jackson.databind.node.ObjectNode;

/** Protocol messages of a drive, for trip tests. */
final class TripMessages {

    private TripMessages() {
    }

    /** A data sample; {@code ignition} null for none; {@code event} makes it an ignition event. */
    static ObjectNode sample(String vin, String credential, String id, Instant at, String ignition, boolean event,
            double lon, double lat, double speed, double mileage, String energyType, double level) {
        ObjectNode m = TestVehicles.envelope(vin, credential, id, at, event ? MessageType.EVENT : MessageType.TELEMETRY);
        if (event) {
            m.putObject("event").put("name", "ignition");
        }
        ObjectNode data = m.putObject("data");
        if (ignition != null) {
            data.putObject("ignition").put("type", ignition);
        }
        data.putObject("position").put("heading", 90).put("type", "Acquire").put("fixStatus", "3D")
                .putArray("coordinates").add(lon).add(lat).add(35.0);
        data.putObject("kinetic").put("speed", speed).put("moving", speed > 0);
        data.putObject("odometer").put("mileage", mileage);
        data.putArray("energies").addObject().put("type", energyType)
                .put("subType", "Electric".equals(energyType) ? "ElectricEnergy" : "FossilEnergy")
                .put("level", level).put("autonomy", (int) (level * 3));
        return m;
    }

    /**
     * A drive of {@code samples + 1} intervals of 30 s and 250 m each: an ignition Start event,
     * {@code samples} telemetry samples at rising speed (30 km/h, then one more each), the ignition
     * Stop event. The level drops 0.1 point per interval, from 80.
     */
    static List<ObjectNode> drive(String vin, String credential, String prefix, Instant t0, int samples,
            String energyType) {
        List<ObjectNode> messages = new ArrayList<>();
        for (int i = 0; i <= samples + 1; i++) {
            boolean first = i == 0;
            boolean last = i == samples + 1;
            String ignition = last ? "Stop" : "Start";
            double speed = first || last ? 0 : 30 + i;
            messages.add(sample(vin, credential, prefix + String.format("%03d", i), t0.plusSeconds(30L * i), ignition,
                    first || last, 2.35 + 0.003 * i, 48.85, speed, 1000 + 0.25 * i, energyType,
                    Math.round((80 - 0.1 * i) * 10) / 10.0));
        }
        return messages;
    }

    static ObjectNode alert(String vin, String credential, String id, Instant at, String type) {
        ObjectNode m = TestVehicles.envelope(vin, credential, id, at, MessageType.EVENT);
        m.putObject("event").put("name", "alertRaised").putObject("alert").put("type", type).put("severity", "Warning");
        return m;
    }

    static ObjectNode collision(String vin, String credential, String id, Instant at) {
        ObjectNode m = TestVehicles.envelope(vin, credential, id, at, MessageType.EVENT);
        ObjectNode c = m.putObject("event").put("name", "collision").putObject("collision");
        c.putArray("details").addObject().put("side", "Rear").put("severity", "Minimal");
        return m;
    }
}
