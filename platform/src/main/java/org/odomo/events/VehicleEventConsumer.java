package org.odomo.events;

import java.util.List;

/**
 * A feature that reacts to vehicle events. Every Spring bean implementing it is fed the log: each
 * event at least once, one vehicle's events in log order, in batches. {@link #handle} runs in the
 * transaction that then moves the consumer's cursor past the batch, so what it writes to the
 * database commits with that move (or rolls back with it, and the batch is handed again). If it
 * throws, nothing of the batch counts and the same batch comes again later; an event it can never
 * handle must therefore be set aside by the consumer itself, or it holds up its partition.
 *
 * <p>After a crash the events since the last commit come again: a consumer whose effects leave
 * the database (a notification sent) must recognise events it already handled by
 * ({@link VehicleEvent#vin()}, {@link VehicleEvent#messageId()}).
 */
public interface VehicleEventConsumer {

    /** Stable across releases: the consumer's cursors are kept under this name. */
    String name();

    void handle(List<VehicleEvent> batch);
}
