package org.odomo.ingest;

import java.time.Instant;
import java.util.Set;

import org.odomo.protocol.VehicleMessage;
import org.odomo.vehicle.DataCategory;

/**
 * Published after a message has been durably stored, for the features that react to vehicle
 * data (trips, monitors, remote commands). The message is the filtered one: it holds only what
 * the vehicle may upload.
 *
 * @param changedParts state parts this message made newer
 * @param uploadable   what the vehicle was allowed to upload when the message was accepted
 */
public record VehicleMessageAccepted(VehicleMessage message, Instant receivedAt, Set<String> changedParts,
        Set<DataCategory> uploadable) {
}
