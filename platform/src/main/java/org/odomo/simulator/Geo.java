package org.odomo.simulator;

/**
 * Spherical geometry on WGS 84 degrees. StrictMath everywhere so that the same seed gives the same
 * bytes on every JVM and CPU.
 */
final class Geo {

    static final double EARTH_KM = 6371.0088;
    private static final double RAD = Math.PI / 180;

    private Geo() {
    }

    static double distanceKm(double lon1, double lat1, double lon2, double lat2) {
        double dLat = (lat2 - lat1) * RAD;
        double dLon = (lon2 - lon1) * RAD;
        double a = StrictMath.sin(dLat / 2) * StrictMath.sin(dLat / 2)
                + StrictMath.cos(lat1 * RAD) * StrictMath.cos(lat2 * RAD) * StrictMath.sin(dLon / 2) * StrictMath.sin(dLon / 2);
        return 2 * EARTH_KM * StrictMath.asin(StrictMath.min(1, StrictMath.sqrt(a)));
    }

    /** Initial bearing from the first point to the second, degrees clockwise from north in [0, 360). */
    static double bearing(double lon1, double lat1, double lon2, double lat2) {
        double p1 = lat1 * RAD;
        double p2 = lat2 * RAD;
        double dLon = (lon2 - lon1) * RAD;
        double y = StrictMath.sin(dLon) * StrictMath.cos(p2);
        double x = StrictMath.cos(p1) * StrictMath.sin(p2) - StrictMath.sin(p1) * StrictMath.cos(p2) * StrictMath.cos(dLon);
        return normalize(StrictMath.atan2(y, x) / RAD);
    }

    static double normalize(double degrees) {
        double d = degrees % 360;
        return d < 0 ? d + 360 : d;
    }

    /** Latitude reached going {@code km} along {@code bearing} (local flat approximation, fine below 50 km). */
    static double offsetLat(double lat, double bearing, double km) {
        return lat + km / (EARTH_KM * RAD) * StrictMath.cos(bearing * RAD);
    }

    static double offsetLon(double lon, double lat, double bearing, double km) {
        return lon + km / (EARTH_KM * RAD * StrictMath.cos(lat * RAD)) * StrictMath.sin(bearing * RAD);
    }

    static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }
}
