package org.odomo.events;

import java.time.Instant;

/**
 * Something that happened to a vehicle, as the platform learnt it from one stored message and
 * wrote it to the event log in the transaction that stored the message. Consumers receive each
 * event at least once, in order per vehicle; {@link #vin()} and {@link #messageId()} identify the
 * message, so that a consumer can recognise one it already handled.
 */
public sealed interface VehicleEvent
        permits VehicleDataReceived, AlertRaised, AlertClosed, ChargingStarted, ChargingFinished, PrivacyModeChanged,
        TripStarted, TripEnded, CommandProgressReported, VehicleLifecycleReported {

    String vin();

    /** The message that caused the event. */
    String messageId();

    /** When the vehicle measured what the event reports. */
    Instant at();

    /** When the platform received the message. */
    Instant receivedAt();
}
