package org.odomo.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.odomo.protocol.VehicleMessage;
import org.odomo.state.StatePart;
import org.odomo.state.StoredChange;
import org.odomo.vehicle.DataCategory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ingest chain's derivation stage: what a stored message means, as events. Pure, over the
 * state before and after the message: the same change always gives the same events.
 *
 * <p>Every stored message gives a {@link VehicleDataReceived}. The state transitions (alerts,
 * charging, privacy) come only from a message that is not older than the stored state: a late
 * measurement says nothing about the vehicle now.
 */
public final class EventDerivation {

    private static final String CHARGING = "InProgress";

    private EventDerivation() {
    }

    /** @param uploadable what the vehicle was allowed to upload when the message was accepted */
    public static List<VehicleEvent> derive(StoredChange change, Set<DataCategory> uploadable) {
        VehicleMessage m = change.incoming().message();
        List<VehicleEvent> events = new ArrayList<>(2);
        events.add(new VehicleDataReceived(m.vin(), m.id(), m.at(), change.incoming().receivedAt(),
                m.type().wireName(), change.changedParts(), Set.copyOf(uploadable), m.data(), m.event()));
        // A command's progress and the vehicle's lifecycle matter however late they arrive: they are
        // answers about the link, not measurements of the vehicle's state.
        if (m.command() != null) {
            ObjectNode c = m.command();
            events.add(new CommandProgressReported(m.vin(), m.id(), m.at(), change.incoming().receivedAt(),
                    c.path("id").asString(null), c.path("status").asString(null), c.path("result").asString(null),
                    c.path("failureCause").asString(null), c.path("feedbackDetail").asString(null)));
        }
        if (m.lifecycle() != null) {
            events.add(new VehicleLifecycleReported(m.vin(), m.id(), m.at(), change.incoming().receivedAt(),
                    m.lifecycle().path("state").asString(null)));
        }
        if (change.older()) {
            return events;
        }
        StoredChange.AlertChange alert = change.alert();
        if (alert != null) {
            events.add(alert.raised()
                    ? new AlertRaised(m.vin(), m.id(), alert.at(), change.incoming().receivedAt(), alert.type(),
                            alert.severity())
                    : new AlertClosed(m.vin(), m.id(), alert.at(), change.incoming().receivedAt(), alert.type()));
        }
        if (change.changedParts().contains(StatePart.ENERGY_ELECTRIC)) {
            charging(change, m, events);
        }
        if (change.changedParts().contains(StatePart.PRIVACY)) {
            String from = change.before().path(StatePart.PRIVACY).path("state").asString(null);
            String to = change.after().path(StatePart.PRIVACY).path("state").asString(null);
            if (to != null && !to.equals(from)) {
                events.add(new PrivacyModeChanged(m.vin(), m.id(), measuredAt(change, StatePart.PRIVACY),
                        change.incoming().receivedAt(), from, to));
            }
        }
        return events;
    }

    private static void charging(StoredChange change, VehicleMessage m, List<VehicleEvent> events) {
        JsonNode before = change.before().path(StatePart.ENERGY_ELECTRIC);
        JsonNode after = change.after().path(StatePart.ENERGY_ELECTRIC);
        String was = chargingStatus(before);
        String is = chargingStatus(after);
        if (Objects.equals(was, is)) {
            return;
        }
        Double level = after.has("level") ? after.get("level").doubleValue() : null;
        if (CHARGING.equals(is)) {
            events.add(new ChargingStarted(m.vin(), m.id(), measuredAt(change, StatePart.ENERGY_ELECTRIC),
                    change.incoming().receivedAt(), level));
        } else if (CHARGING.equals(was)) {
            events.add(new ChargingFinished(m.vin(), m.id(), measuredAt(change, StatePart.ENERGY_ELECTRIC),
                    change.incoming().receivedAt(), is, level));
        }
    }

    private static String chargingStatus(JsonNode electric) {
        return electric.path("extension").path("electric").path("charging").path("status").asString(null);
    }

    /** The part's own measurement time, which may differ from the message's. */
    private static Instant measuredAt(StoredChange change, String part) {
        JsonNode createdAt = change.after().path(part).get("createdAt");
        return createdAt != null && createdAt.isString() ? Instant.parse(createdAt.stringValue())
                : change.incoming().message().at();
    }
}
