package org.odomo.vehicle;

import java.util.Arrays;
import java.util.Optional;

/**
 * The privacy setting chosen in the car. The vehicle reports it as {@code privacy.state}, whose
 * words name what is kept private: nothing, the geolocation, or everything.
 */
public enum PrivacyMode {
    /** "Data &amp; Location": service data and geolocation are refreshed. */
    DATA_AND_LOCATION("None"),
    /** "Data": service data refreshed, geolocation not. */
    DATA("Geolocation"),
    /** Plane mode: nothing is refreshed. */
    PLANE("Full");

    private final String stateName;

    PrivacyMode(String stateName) {
        this.stateName = stateName;
    }

    /** The value of {@code privacy.state} in the vehicle protocol and the API. */
    public String stateName() {
        return stateName;
    }

    public boolean refreshesData() {
        return this != PLANE;
    }

    public boolean refreshesLocation() {
        return this == DATA_AND_LOCATION;
    }

    public static Optional<PrivacyMode> ofState(String state) {
        return Arrays.stream(values()).filter(m -> m.stateName.equals(state)).findFirst();
    }
}
