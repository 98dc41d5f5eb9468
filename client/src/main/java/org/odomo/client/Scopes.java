package org.odomo.client;

/**
 * The scopes an app asks a user for. An app may ask only for scopes it was registered with; the
 * user grants all of them or none.
 */
public final class Scopes {

    /** Vehicle status and measurements: energy, mileage, telemetry, maintenance. */
    public static final String TELEMETRY = "data:telemetry";
    /** The vehicle's position, also where a trip or alert started and stopped. */
    public static final String POSITION = "data:position";
    /** Trips. */
    public static final String TRIP = "data:trip";
    /** Alerts. */
    public static final String ALERT = "data:alert";
    /** Collisions. */
    public static final String COLLISION = "data:collision";
    /** OpenID Connect: an ID token beside the access token. */
    public static final String OPENID = "openid";

    private Scopes() {
    }
}
