package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.events.AlertClosed;
import org.odomo.events.AlertRaised;
import org.odomo.events.VehicleDataReceived;
import org.odomo.monitor.MonitorEvaluation.Position;
import org.odomo.monitor.MonitorEvaluation.VehicleSample;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a vehicle's known state moves forward event by event: the values a message holds, read at
 * the status members the published DataTrigger paths name (data-catalog.yaml), replace the
 * previous ones; what it does not hold stays.
 */
class VehicleSamplesTests {

    static final String VIN = "VR3UHZKXZMT000001";
    final JsonMapper json = JsonMapper.builder().build();
    final Instant t0 = Instant.parse("2026-06-01T08:00:00Z");

    VehicleDataReceived message(Instant at, String data) {
        return new VehicleDataReceived(VIN, "m-" + at, at, at, "telemetry", Set.of(), Set.of(),
                (ObjectNode) json.readTree(data), null);
    }

    @Test
    void aMessageReplacesWhatItHoldsAndKeepsTheRest() {
        VehicleSample first = VehicleSamples.next(null, message(t0, """
                {"position": {"coordinates": [2.35, 48.85, 35.0]},
                 "kinetic": {"speed": 50.5, "moving": true},
                 "energies": [{"type": "Fuel", "level": 30, "autonomy": 400},
                              {"type": "Electric", "level": 80, "autonomy": 50,
                               "extension": {"electric": {"charging": {"plugged": true, "status": "InProgress"}}}}]}"""));
        assertThat(first).isEqualTo(new VehicleSample(t0, new Position(2.35, 48.85), Map.of(
                DataPath.SPEED, List.of("50.5"), DataPath.MOVING, List.of("true"),
                DataPath.FUEL_LEVEL, List.of("30"), DataPath.FUEL_AUTONOMY, List.of("400"),
                DataPath.ELECTRIC_LEVEL, List.of("80"), DataPath.ELECTRIC_AUTONOMY, List.of("50"),
                DataPath.AUTONOMY, List.of("400", "50"), DataPath.CHARGING_PLUGGED, List.of("true"),
                DataPath.CHARGING_STATUS, List.of("InProgress"))));

        VehicleSample second = VehicleSamples.next(first, message(t0.plusSeconds(30),
                "{\"kinetic\": {\"speed\": 0, \"moving\": false}}"));
        Map<DataPath, List<String>> expected = new java.util.HashMap<>(first.data());
        expected.put(DataPath.SPEED, List.of("0"));
        expected.put(DataPath.MOVING, List.of("false"));
        assertThat(second).isEqualTo(new VehicleSample(t0.plusSeconds(30), new Position(2.35, 48.85), expected));
    }

    @Test
    void raisedAndClosedAlertsKeepTheListOfOpenAlertTypes() {
        VehicleSample s = VehicleSamples.next(null, new AlertRaised(VIN, "a1", t0, t0, "RiskOfIce", "Warning"));
        s = VehicleSamples.next(s, new AlertRaised(VIN, "a2", t0.plusSeconds(1), t0, "AddWasherFluid", "Warning"));
        assertThat(s.data()).isEqualTo(Map.of(DataPath.ALERT, List.of("RiskOfIce", "AddWasherFluid")));
        s = VehicleSamples.next(s, new AlertClosed(VIN, "a3", t0.plusSeconds(2), t0, "RiskOfIce"));
        assertThat(s).isEqualTo(new VehicleSample(t0.plusSeconds(2), null,
                Map.of(DataPath.ALERT, List.of("AddWasherFluid"))));
    }

    @Test
    void theStoredFormReadsBackTheSameData() {
        Map<DataPath, List<String>> data = Map.of(DataPath.ALERT, List.of("RiskOfIce"), DataPath.SPEED, List.of("12.5"));
        assertThat(VehicleSamples.data(VehicleSamples.dataJson(data))).isEqualTo(data);
    }

    @Test
    void tripsSetTheTripDataAndATripOlderThanTheLatestKnownSaysNothing() {
        VehicleSample moving = VehicleSamples.next(null, message(t0.plusSeconds(60), "{\"kinetic\": {\"speed\": 30}}"));
        // The trip's first message was measured before the vehicle's last sample: still news, dated
        // no earlier than what is known.
        VehicleSample started = VehicleSamples.next(moving,
                new org.odomo.events.TripStarted(VIN, "m1", t0, t0.plusSeconds(61), "trip-1"));
        assertThat(started).isEqualTo(new VehicleSample(t0.plusSeconds(60), null, Map.of(DataPath.SPEED, List.of("30"),
                DataPath.TRIP_START, List.of("trip-1")), t0));
        // The same start handed again, or an older trip found by a rebuild: nothing.
        assertThat(VehicleSamples.next(started,
                new org.odomo.events.TripStarted(VIN, "m1", t0, t0.plusSeconds(61), "trip-1"))).isNull();
        assertThat(VehicleSamples.next(started, new org.odomo.events.TripStarted(VIN, "m0", t0.minusSeconds(600),
                t0.plusSeconds(61), "trip-0"))).isNull();
        assertThat(VehicleSamples.next(started, new org.odomo.events.TripEnded(VIN, "m0", t0.minusSeconds(300),
                t0.plusSeconds(61), "trip-0", "Stop"))).isNull();

        VehicleSample ended = VehicleSamples.next(started, new org.odomo.events.TripEnded(VIN, "m9",
                t0.plusSeconds(900), t0.plusSeconds(901), "trip-1", "Stop"),
                e -> java.util.Optional.of(new VehicleSamples.TripFigures(900L, 12.5, List.of("Nominal"))));
        assertThat(ended).isEqualTo(new VehicleSample(t0.plusSeconds(900), null, Map.of(DataPath.SPEED, List.of("30"),
                DataPath.TRIP_START, List.of("trip-1"), DataPath.TRIP_STOP, List.of("trip-1"),
                DataPath.TRIP_DURATION, List.of("900"), DataPath.TRIP_DISTANCE, List.of("12.5"),
                DataPath.TRIP_STATE, List.of("Nominal")), t0));
        assertThat(VehicleSamples.next(ended, new org.odomo.events.TripEnded(VIN, "m9", t0.plusSeconds(900),
                t0.plusSeconds(901), "trip-1", "Stop"))).isNull();

        // The next trip clears the figures of the last one.
        VehicleSample next = VehicleSamples.next(ended, new org.odomo.events.TripStarted(VIN, "n1",
                t0.plusSeconds(1200), t0.plusSeconds(1201), "trip-2"));
        assertThat(next).isEqualTo(new VehicleSample(t0.plusSeconds(1200), null, Map.of(DataPath.SPEED, List.of("30"),
                DataPath.TRIP_START, List.of("trip-2"), DataPath.TRIP_STOP, List.of("trip-1")), t0.plusSeconds(1200)));
    }
}
