package org.odomo.state;

import java.time.Instant;

import org.odomo.protocol.VehicleMessage;

/**
 * A message that passed authentication, validation and the upload filter, ready to be written.
 *
 * @param storedBody      the message as it is kept in the history (filtered, without credential)
 * @param locationAllowed whether positions may be attached to alerts, collisions and alarms
 */
public record IncomingMessage(VehicleMessage message, String storedBody, Instant receivedAt, boolean locationAllowed) {
}
