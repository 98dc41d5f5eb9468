package org.odomo.state;

import java.time.Instant;
import java.util.Map;

import org.odomo.protocol.VehicleMessage;
import org.odomo.state.StoredChange.AlertChange;

/**
 * Whether an alert event opens or closes an alert, over the vehicle's open alerts. Pure: the
 * caller loads the open alerts once per batch and writes the rows the answer calls for.
 *
 * <ul>
 * <li>{@code alertRaised} opens an alert of its type unless one is open already (a car repeats
 * its alerts).</li>
 * <li>{@code alertCleared} closes the open alert of its type, unless that one started after the
 * clearing was measured (the clearing belongs to an earlier alert).</li>
 * </ul>
 */
final class AlertTransitions {

    private AlertTransitions() {
    }

    /**
     * @param open the vehicle's open alerts, type to start time; changed in place to match the answer
     * @return what the message does to the alerts, or null when nothing
     */
    static AlertChange apply(Map<String, Instant> open, VehicleMessage message) {
        String name = message.eventName();
        if (name == null) {
            return null;
        }
        String type = message.event().path("alert").path("type").asString(null);
        switch (name) {
            case "alertRaised" -> {
                if (open.containsKey(type)) {
                    return null;
                }
                open.put(type, message.at());
                return new AlertChange(type, message.event().path("alert").path("severity").asString(null), true,
                        message.at());
            }
            case "alertCleared" -> {
                Instant startedAt = open.get(type);
                if (startedAt == null || startedAt.isAfter(message.at())) {
                    return null;
                }
                open.remove(type);
                return new AlertChange(type, null, false, message.at());
            }
            default -> {
                return null;
            }
        }
    }
}
