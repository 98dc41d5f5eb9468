package org.odomo.events;

import java.util.List;

/**
 * A consumer that needs to know where its events sit in the log (partition and position), such
 * as a relay that passes them on with an id and an order a subscriber can check. The dispatcher
 * calls {@link #handleStored} instead of {@link #handle}, under the same rules.
 */
interface LogPositionAware extends VehicleEventConsumer {

    /** @param batch the next events of one partition, in log order */
    void handleStored(int partition, List<EventLogStore.Stored> batch);

    @Override
    default void handle(List<VehicleEvent> batch) {
        throw new UnsupportedOperationException(name() + " is fed with the events' positions");
    }
}
