package org.odomo.events;

import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;

/** The log's type names and payloads of the event records. */
final class EventCodec {

    private static final Map<String, Class<? extends VehicleEvent>> TYPES = Map.of(
            "data-received", VehicleDataReceived.class,
            "alert-raised", AlertRaised.class,
            "alert-closed", AlertClosed.class,
            "charging-started", ChargingStarted.class,
            "charging-finished", ChargingFinished.class,
            "privacy-mode-changed", PrivacyModeChanged.class,
            "trip-started", TripStarted.class,
            "trip-ended", TripEnded.class,
            "command-progress", CommandProgressReported.class,
            "lifecycle", VehicleLifecycleReported.class);

    private final JsonMapper json = JsonMapper.builder().build();

    private static final Map<Class<? extends VehicleEvent>, String> NAMES = TYPES.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    static String typeOf(VehicleEvent event) {
        return NAMES.get(event.getClass());
    }

    String payload(VehicleEvent event) {
        return json.writeValueAsString(event);
    }

    VehicleEvent read(String type, String payload) {
        Class<? extends VehicleEvent> cls = TYPES.get(type);
        if (cls == null) {
            throw new IllegalStateException("unknown event type in the log: " + type);
        }
        return json.readValue(payload, cls);
    }
}
