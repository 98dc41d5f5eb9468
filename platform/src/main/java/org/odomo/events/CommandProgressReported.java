package org.odomo.events;

import java.time.Instant;

/**
 * A vehicle reported the progress of a remote command ({@code commandProgress}).
 *
 * @param commandId     the command's id, as the platform sent it
 * @param status        {@code Received}, {@code InProgress} or {@code Done}
 * @param result        with {@code Done}: {@code Success}, {@code AlreadyDone} or {@code Failed}; else null
 * @param failureCause  with {@code Failed}: the API's remote failure cause; else null
 * @param feedbackDetail the API's feedback detail, when the vehicle gave one; else null
 */
public record CommandProgressReported(String vin, String messageId, Instant at, Instant receivedAt, String commandId,
        String status, String result, String failureCause, String feedbackDetail) implements VehicleEvent {
}
