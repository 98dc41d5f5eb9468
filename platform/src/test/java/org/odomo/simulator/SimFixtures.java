package org.odomo.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.odomo.protocol.ProtocolCodec;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;

import tools.jackson.databind.JsonNode;

/** Shared set-up: a manual clock in a January night, VINs, cars around Paris, message queries. */
final class SimFixtures {

    /** Wednesday 14 January 2026, 03:00 in Paris. */
    static final Instant START = Instant.parse("2026-01-14T02:00:00Z");
    static final Set<DataCategory> ALL = EnumSet.allOf(DataCategory.class);

    final SimClock.Manual clock = SimClock.manual(START);
    final FakeTransport transport = new FakeTransport();
    final ProtocolCodec codec = new ProtocolCodec();
    final FleetSimulator fleet;

    SimFixtures(SimulatorSettings settings) {
        fleet = new FleetSimulator(transport, codec, settings, clock);
    }

    SimFixtures() {
        this(settings(42));
    }

    static SimulatorSettings settings(long seed) {
        return SimulatorSettings.defaults().withSeed(seed).withIntroSpreadSeconds(300);
    }

    static String vin(int n) {
        return String.format("VR3UHZKXZMT%06d", n);
    }

    static SimulatedVehicle car(int n, String model) {
        return car(n, model, PrivacyMode.DATA_AND_LOCATION, ALL);
    }

    static SimulatedVehicle car(int n, String model, PrivacyMode privacy, Set<DataCategory> upload) {
        // homes spread around Paris, Lyon and Munich
        double[][] centres = {{2.35, 48.85}, {4.84, 45.76}, {11.58, 48.14}};
        double[] c = centres[n % centres.length];
        return new SimulatedVehicle(vin(n), model, "secret-" + n, privacy, upload,
                c[0] + (n % 7 - 3) * 0.03, c[1] + (n % 5 - 2) * 0.02);
    }

    /** One car of every model. */
    List<SimulatedVehicle> everyModel(int firstNumber) {
        List<SimulatedVehicle> cars = new ArrayList<>();
        int n = firstNumber;
        for (VehicleModel m : VehicleModels.all()) {
            cars.add(car(n++, m.code()));
        }
        return cars;
    }

    SimulatedVehicle add(SimulatedVehicle v) {
        fleet.add(v);
        return v;
    }

    /** Advances the clock in steps, running what is due after each. */
    void run(Duration total, Duration step) {
        Instant end = clock.now().plus(total);
        while (clock.now().isBefore(end)) {
            Duration left = Duration.between(clock.now(), end);
            clock.advance(left.compareTo(step) < 0 ? left : step);
            fleet.runDue();
        }
    }

    void run(Duration total) {
        run(total, Duration.ofMinutes(1));
    }

    /** Runs until the car is asleep (at most a day). */
    void untilAsleep(String vin) {
        for (int i = 0; i < 24 * 60 && fleet.twin(vin).awake; i++) {
            run(Duration.ofMinutes(1));
        }
    }

    List<JsonNode> messages(String vin) {
        return transport.messages(vin);
    }

    static String type(JsonNode m) {
        return m.path("type").asString("");
    }

    static String event(JsonNode m) {
        return m.path("event").path("name").asString("");
    }

    static String lifecycle(JsonNode m) {
        return m.path("lifecycle").path("state").asString("");
    }

    String downlink(String vin, String type, String body) {
        return "{\"v\":1,\"vin\":\"" + vin + "\",\"id\":\"d-" + System.nanoTime() + "\",\"at\":\"" + clock.now()
                + "\",\"type\":\"" + type + "\"" + (body.isEmpty() ? "" : "," + body) + "}";
    }

    void wakeUp(String vin) {
        transport.deliver(vin, downlink(vin, "wakeUp", ""));
        fleet.runDue();
    }

    void command(String vin, String id, String action, String params) {
        command(vin, id, action, params, clock.now().plusSeconds(300));
    }

    void command(String vin, String id, String action, String params, Instant expiresAt) {
        transport.deliver(vin, downlink(vin, "command", "\"command\":{\"id\":\"" + id + "\",\"action\":\"" + action
                + "\",\"params\":" + params + ",\"expiresAt\":\"" + expiresAt + "\"}"));
        fleet.runDue();
    }

    /** The progress messages of one command, in order. */
    List<JsonNode> progress(String vin, String commandId) {
        return messages(vin).stream().filter(m -> type(m).equals("commandProgress"))
                .filter(m -> m.path("command").path("id").asString("").equals(commandId)).toList();
    }
}
