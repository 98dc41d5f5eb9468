package org.odomo.state;

/** Another node changed a vehicle's state between our read and our write; the batch is retried. */
public class ConcurrentStateUpdateException extends RuntimeException {

    public ConcurrentStateUpdateException(String vin) {
        super("state of " + vin + " changed concurrently");
    }
}
