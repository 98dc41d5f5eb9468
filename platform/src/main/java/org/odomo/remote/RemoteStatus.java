package org.odomo.remote;

/**
 * The statuses of a remote action, spelled as the API's {@code RemoteActionStatus}: the pending
 * ones, then the three final ones.
 */
enum RemoteStatus {
    Accepted, WakingUpVehicle, CheckingVehicle, SentToVehicle, VehicleBatteryChargeTooLow, TooManyWakeUpsOverMonth,
    Success, AlreadyDone, Failed;

    boolean done() {
        return this == Success || this == AlreadyDone || this == Failed;
    }

    /** The notification's {@code eventStatus.type}. */
    String eventType() {
        return done() ? "Done" : "Pending";
    }
}
