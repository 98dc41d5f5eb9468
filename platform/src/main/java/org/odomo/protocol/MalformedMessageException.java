package org.odomo.protocol;

/** The bytes are not a valid message of the protocol; the reason says what is wrong. */
public class MalformedMessageException extends RuntimeException {

    private final String vin;

    public MalformedMessageException(String vin, String reason) {
        super(reason);
        this.vin = vin;
    }

    /** The VIN the message claimed, when it could be read; null otherwise. */
    public String vin() {
        return vin;
    }
}
