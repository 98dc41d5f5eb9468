package org.odomo.vehicle;

/** Powertrain families as the data catalog names them, with the API's {@code motorization} word. */
public enum Motorization {
    ICE("Thermic"),
    BEV("Electric"),
    PHEV("Hybrid"),
    FCEV("Hydrogen");

    private final String apiName;

    Motorization(String apiName) {
        this.apiName = apiName;
    }

    /** The value of {@code Vehicle.motorization} in the B2C API. */
    public String apiName() {
        return apiName;
    }

    public boolean hasFuelTank() {
        return this == ICE || this == PHEV || this == FCEV;
    }

    public boolean hasTractionBattery() {
        return this != ICE;
    }

    public boolean isPlugIn() {
        return this == BEV || this == PHEV;
    }
}
