package org.odomo.vehicle;

public class UnknownVehicleException extends RuntimeException {

    public UnknownVehicleException(String vin) {
        super("no vehicle registered with VIN " + vin);
    }
}
