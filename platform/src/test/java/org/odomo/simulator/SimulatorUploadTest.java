package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;

import tools.jackson.databind.JsonNode;

class SimulatorUploadTest {

    private static Set<String> parts(JsonNode m) {
        return Set.copyOf(m.path("data").propertyNames());
    }

    private final SimFixtures f = new SimFixtures(SimFixtures.settings(9).withRareEventFactor(300));

    @Test
    void inDataModeACarNeverSendsItsPosition() {
        String vin = f.add(SimFixtures.car(1, "P-E208", PrivacyMode.DATA, SimFixtures.ALL)).vin();
        f.run(Duration.ofDays(2), Duration.ofMinutes(15));
        List<JsonNode> m = f.messages(vin);
        assertThat(m).anyMatch(x -> parts(x).contains("odometer"));
        assertThat(m).noneMatch(x -> parts(x).contains("position"));
        assertThat(m).filteredOn(x -> x.has("data"))
                .allMatch(x -> x.path("data").path("privacy").path("state").asString().equals("Geolocation"));
    }

    @Test
    void inPlaneModeACarSendsNothingButItsPrivacyStateAndLifecycle() {
        String vin = f.add(SimFixtures.car(1, "P-3008H", PrivacyMode.PLANE, SimFixtures.ALL)).vin();
        f.run(Duration.ofDays(2), Duration.ofMinutes(15));
        f.wakeUp(vin);
        List<JsonNode> m = f.messages(vin);
        assertThat(m).isNotEmpty();
        for (JsonNode x : m) {
            assertThat(SimFixtures.type(x)).isIn("lifecycle", "telemetry", "commandProgress");
            if (x.has("data")) {
                assertThat(parts(x)).containsExactly("privacy");
                assertThat(x.path("data").path("privacy").path("state").asString()).isEqualTo("Full");
            }
        }
        assertThat(m).anyMatch(x -> SimFixtures.type(x).equals("telemetry"));
    }

    @Test
    void aConfigFromThePlatformNarrowsWhatTheCarUploads() {
        String vin = f.add(SimFixtures.car(1, "P-308")).vin();
        f.run(Duration.ofMinutes(15));
        f.transport.deliver(vin, f.downlink(vin, "config", "\"upload\":{\"categories\":[\"maintenance\"]}"));
        f.fleet.runDue();
        int before = f.transport.count(vin);

        f.run(Duration.ofDays(2), Duration.ofMinutes(15));

        List<JsonNode> after = f.transport.messagesFrom(vin, before);
        assertThat(after).anyMatch(x -> parts(x).contains("maintenance"));
        for (JsonNode x : after) {
            assertThat(SimFixtures.type(x)).isNotEqualTo("event");
            if (x.has("data")) {
                assertThat(parts(x)).isSubsetOf("maintenance", "privacy");
            }
        }
        assertThat(f.fleet.vehicles().get(0).upload()).containsExactly(DataCategory.MAINTENANCE);
    }

    @Test
    void alertsCollisionsAndPositionsFollowTheirOwnCategories() {
        String telemetryOnly = f.add(SimFixtures.car(1, "P-E208", PrivacyMode.DATA_AND_LOCATION,
                EnumSet.of(DataCategory.TELEMETRY))).vin();
        String everything = f.add(SimFixtures.car(2, "P-E208")).vin();
        f.run(Duration.ofDays(4), Duration.ofMinutes(15));

        List<JsonNode> narrow = f.messages(telemetryOnly);
        assertThat(narrow).anyMatch(x -> parts(x).contains("energies"));
        assertThat(narrow).noneMatch(x -> parts(x).contains("position") || parts(x).contains("maintenance"));
        assertThat(narrow).noneMatch(x -> SimFixtures.event(x).startsWith("alert") || SimFixtures.event(x).equals("collision"));

        List<JsonNode> wide = f.messages(everything);
        assertThat(wide).anyMatch(x -> parts(x).contains("position"));
        assertThat(wide).anyMatch(x -> SimFixtures.event(x).startsWith("alert"));
    }
}
