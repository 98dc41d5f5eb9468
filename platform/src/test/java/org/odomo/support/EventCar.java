package org.odomo.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport;

import tools.jackson.databind.node.ObjectNode;

/**
 * A plug-in hybrid's messages through the vehicle protocol: a drive during which an alert is
 * raised and a collision happens, then an alarm trigger while parked, so that every by-id read
 * operation has something to answer whatever a simulator draws.
 */
public final class EventCar {

    private EventCar() {
    }

    /** The messages of the drive starting at {@code t0} (six and a half minutes) and of the alarm an hour later. */
    public static List<ObjectNode> messages(String vin, String credential, Instant t0) {
        List<ObjectNode> messages = new ArrayList<>();
        int samples = 12;
        for (int n = 0; n <= samples + 1; n++) {
            boolean first = n == 0;
            boolean last = n == samples + 1;
            Instant at = t0.plusSeconds(30L * n);
            ObjectNode m = TestVehicles.envelope(vin, credential, "ev" + n, at, first || last ? MessageType.EVENT
                    : MessageType.TELEMETRY);
            if (first || last) {
                m.putObject("event").put("name", "ignition");
            }
            ObjectNode data = m.putObject("data");
            data.putObject("ignition").put("type", last ? "Stop" : "Start");
            data.putObject("position").put("heading", 90).put("type", "Acquire").put("fixStatus", "3D")
                    .putArray("coordinates").add(2.35 + 0.003 * n).add(48.85).add(35.0);
            double speed = first || last ? 0 : 30 + n;
            data.putObject("kinetic").put("speed", speed).put("moving", speed > 0);
            data.putObject("odometer").put("mileage", 1000 + 0.25 * n);
            data.putObject("maintenance").put("daysBeforeMaintenance", 120).put("mileageBeforeMaintenance", 8000.0);
            data.putArray("energies").addObject().put("type", "Fuel").put("subType", "FossilEnergy")
                    .put("level", 60 - 0.1 * n).put("autonomy", 400 - n);
            messages.add(m);
            if (n == 4) {
                ObjectNode alert = TestVehicles.envelope(vin, credential, "ev-alert", at.plusSeconds(5),
                        MessageType.EVENT);
                alert.putObject("event").put("name", "alertRaised").putObject("alert")
                        .put("type", "LeftFrontTireUnderInflated").put("severity", "Warning");
                messages.add(alert);
            }
            if (n == 8) {
                ObjectNode collision = TestVehicles.envelope(vin, credential, "ev-collision", at.plusSeconds(5),
                        MessageType.EVENT);
                collision.putObject("event").put("name", "collision").putObject("collision").putArray("details")
                        .addObject().put("side", "Rear").put("severity", "Minimal");
                messages.add(collision);
            }
        }
        ObjectNode alarm = TestVehicles.envelope(vin, credential, "ev-alarm", t0.plusSeconds(3600),
                MessageType.EVENT);
        alarm.putObject("event").put("name", "alarm").putObject("alarm").putObject("trigger")
                .put("type", "VolumetricBreakIn");
        alarm.putObject("data").putObject("position").putArray("coordinates").add(2.4).add(48.85).add(35.0);
        messages.add(alarm);
        return messages;
    }

    /** Sends them one after the other: each is stored before the next goes. */
    public static void send(VehicleTransport transport, String vin, List<ObjectNode> messages) {
        try (VehicleTransport.VehicleLink link = transport.connect(vin, downlink -> {
        })) {
            for (ObjectNode m : messages) {
                link.send(m.has("event") ? MessageType.EVENT : MessageType.TELEMETRY, TestVehicles.bytes(m))
                        .toCompletableFuture().join();
            }
        }
    }
}
