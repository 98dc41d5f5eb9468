package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleMessage;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;

class SimulatorProtocolTest {

    @Test
    void everyMessageOfADiverseFleetIsAcceptedByTheCodec() {
        SimFixtures f = new SimFixtures(SimFixtures.settings(7).withRareEventFactor(400));
        int n = 0;
        PrivacyMode[] modes = PrivacyMode.values();
        List<Set<DataCategory>> uploads = List.of(SimFixtures.ALL, SimFixtures.ALL,
                EnumSet.of(DataCategory.TELEMETRY, DataCategory.ALERT), EnumSet.of(DataCategory.MAINTENANCE));
        for (VehicleModel m : VehicleModels.all()) {
            for (int i = 0; i < 4; i++) {
                f.add(SimFixtures.car(n, m.code(), i == 3 ? modes[n % 3] : PrivacyMode.DATA_AND_LOCATION,
                        uploads.get(i)));
                n++;
            }
        }
        f.run(Duration.ofDays(4), Duration.ofMinutes(10));

        Set<String> events = new HashSet<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (var entry : f.transport.all().entrySet()) {
            String vin = entry.getKey();
            String previousId = "";
            Instant previousAt = Instant.EPOCH;
            for (FakeTransport.Sent s : entry.getValue()) {
                assertThatCode(() -> f.codec.decode(s.json())).as(s.text()).doesNotThrowAnyException();
                VehicleMessage m = f.codec.decode(s.json());
                assertThat(m.vin()).isEqualTo(vin);
                assertThat(m.type()).isEqualTo(s.type());
                assertThat(m.credential()).isEqualTo(f.fleet.twin(vin).spec.credential());
                assertThat(m.id()).as("ids grow").isGreaterThan(previousId);
                assertThat(m.at()).as("time never goes back").isAfterOrEqualTo(previousAt);
                previousId = m.id();
                previousAt = m.at();
                if (m.type() == MessageType.EVENT) {
                    events.add(m.eventName());
                }
                counts.merge(m.type().wireName() + (m.eventName() == null ? "" : ":" + m.eventName()), 1, Integer::sum);
            }
        }
        System.out.println(counts);
        assertThat(events).contains("ignition", "doors", "charging", "preconditioning", "alertRaised", "alertCleared",
                "collision", "alarm");
    }
}
