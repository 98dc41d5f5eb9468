package org.odomo.ingest;

import java.util.Map;
import java.util.Set;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleMessage;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Vehicle;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drops from a message what the vehicle may not upload: data no active service covers, and what
 * the privacy mode in force when the data was measured keeps in the car. The simulator already
 * leaves such data out; this is the platform's own guarantee.
 */
final class UploadFilter {

    private UploadFilter() {
    }

    /** The privacy mode that applies to a message: the one it reports, else the registry's. */
    static PrivacyMode modeFor(VehicleMessage message, Vehicle vehicle) {
        if (message.data() != null && message.data().has("privacy")) {
            String state = message.data().path("privacy").path("state").stringValue();
            return PrivacyMode.ofState(state).orElse(vehicle.privacyMode());
        }
        return vehicle.privacyMode();
    }

    /** @return the filtered message, or null when nothing of it may be kept */
    static VehicleMessage filter(VehicleMessage message, Set<DataCategory> allowed) {
        ObjectNode data = message.data() == null ? null : filterData(message.data(), allowed);
        switch (message.type()) {
            case TELEMETRY -> {
                return hasPayload(data) ? message.withData(data) : null;
            }
            case EVENT -> {
                DataCategory needed = EVENT_CATEGORY.get(message.eventName());
                if (needed == null || allowed.contains(needed)) {
                    if (needed == null && !hasPayload(data)) {
                        return null;
                    }
                    return message.withData(data);
                }
                // The event itself is not allowed; what remains is a plain data sample.
                return hasPayload(data)
                        ? new VehicleMessage(message.version(), message.vin(), message.id(), message.at(),
                                MessageType.TELEMETRY, message.credential(), data, null, null, null)
                        : null;
            }
            default -> {
                return message.withData(data);
            }
        }
    }

    private static final Map<String, DataCategory> EVENT_CATEGORY = Map.of(
            "alertRaised", DataCategory.ALERT,
            "alertCleared", DataCategory.ALERT,
            "collision", DataCategory.COLLISION,
            "alarm", DataCategory.TELEMETRY);

    private static ObjectNode filterData(ObjectNode data, Set<DataCategory> allowed) {
        ObjectNode kept = data.objectNode();
        for (Map.Entry<String, JsonNode> part : data.properties()) {
            if (partAllowed(part.getKey(), allowed)) {
                kept.set(part.getKey(), part.getValue());
            }
        }
        return kept;
    }

    static boolean partAllowed(String part, Set<DataCategory> allowed) {
        return switch (part) {
            // The mode itself is always known to the platform: it decides what else is kept.
            case "privacy" -> true;
            case "position" -> allowed.contains(DataCategory.POSITION);
            case "maintenance" -> allowed.contains(DataCategory.MAINTENANCE);
            default -> allowed.contains(DataCategory.TELEMETRY);
        };
    }

    private static boolean hasPayload(ObjectNode data) {
        return data != null && !data.isEmpty();
    }
}
