package org.odomo.events;

import java.time.Instant;
import java.util.Set;

import org.odomo.vehicle.DataCategory;

import tools.jackson.databind.node.ObjectNode;

/**
 * A message was stored: one for every stored message, late ones included (a message measured
 * before the stored state changes no part, so {@code changedParts} is empty, but the trips it
 * belongs to are rebuilt from it). What the features that evaluate vehicle data (trips, monitors)
 * read. The message is the filtered one: it holds only what the vehicle may upload.
 *
 * @param messageType  the message's type as the protocol names it ({@code telemetry}, {@code event}, ...)
 * @param changedParts the state parts this message made newer
 * @param uploadable   what the vehicle was allowed to upload when the message was accepted
 * @param data         the message's data sample, or null
 * @param event        the message's event section, or null
 */
public record VehicleDataReceived(String vin, String messageId, Instant at, Instant receivedAt, String messageType,
        Set<String> changedParts, Set<DataCategory> uploadable, ObjectNode data, ObjectNode event)
        implements VehicleEvent {
}
