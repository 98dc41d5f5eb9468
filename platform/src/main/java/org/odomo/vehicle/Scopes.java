package org.odomo.vehicle;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** The OAuth2 scopes of the B2C API: five data scopes and one write scope per remote type. */
public final class Scopes {

    public static final String TELEMETRY = "data:telemetry";
    public static final String POSITION = "data:position";
    public static final String TRIP = "data:trip";
    public static final String ALERT = "data:alert";
    public static final String COLLISION = "data:collision";

    public static final Set<String> DATA = Set.of(TELEMETRY, POSITION, TRIP, ALERT, COLLISION);

    /** Every scope an app may request, data scopes first, in a stable order. */
    public static final Set<String> ALL;

    static {
        Set<String> all = new LinkedHashSet<>(java.util.List.of(TELEMETRY, POSITION, TRIP, ALERT, COLLISION));
        Arrays.stream(RemoteType.values()).map(RemoteType::scope).forEach(all::add);
        ALL = java.util.Collections.unmodifiableSet(all);
    }

    /**
     * Remote scopes a fleet contract may cover and no app may request: the fleet owner's
     * immobilization and stolen-vehicle remotes (B2B only).
     */
    public static final Set<String> FLEET_ONLY = Set.of("remote:immobilization:write", "remote:stolen:write");

    private Scopes() {
    }

    public static boolean isKnown(String scope) {
        return ALL.contains(scope);
    }

    /** What the scope lets an app do, in plain words, for the consent page. */
    public static String describe(String scope) {
        return switch (scope) {
            case TELEMETRY -> "Read your vehicle's status and measurements: energy level and range, mileage, "
                    + "doors, lights, temperature, maintenance";
            case POSITION -> "See where your vehicle is and where it has been";
            case TRIP -> "Read the trips you make: when, how far, how long, how much energy";
            case ALERT -> "Read the alerts your vehicle raises (low fuel, tyre pressure...)";
            case COLLISION -> "Know when your vehicle has had a collision";
            case "remote:door:write" -> "Lock and unlock your vehicle's doors";
            case "remote:preconditioning:write" -> "Heat or cool your vehicle before you leave";
            case "remote:horn:write" -> "Sound your vehicle's horn";
            case "remote:charging:write" -> "Start, stop and schedule your vehicle's charging";
            case "remote:lights:write" -> "Flash your vehicle's lights";
            case "remote:wakeup:write" -> "Wake your vehicle up to refresh its status";
            case "remote:navigation:write" -> "Send destinations to your vehicle's navigation";
            default -> scope;
        };
    }
}
