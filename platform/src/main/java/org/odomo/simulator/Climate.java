package org.odomo.simulator;

import java.time.Instant;

/**
 * Air temperature, daylight and local time where a car is. The weather of a city on a given day is
 * a function of the fleet seed, the city and the day: cars of the same city feel the same weather,
 * and each car stays deterministic on its own.
 */
final class Climate {

    private static final double YEAR = 365.2422;
    private static final long DAYS_TO_2000 = 10957;
    private static final double RAD = Math.PI / 180;

    private Climate() {
    }

    static double dayOfYear(long epochSecond) {
        double d = (epochSecond / 86400.0 - DAYS_TO_2000) % YEAR;
        return d < 0 ? d + YEAR : d;
    }

    static double solarHour(double lon, long epochSecond) {
        double h = Math.floorMod(epochSecond, 86400L) / 3600.0 + lon / 15;
        return ((h % 24) + 24) % 24;
    }

    /** Air temperature, °C, half-degree steps. */
    static double airTemp(Twin t, long now) {
        City c = City.get(t.climateCity);
        double seasonal = c.meanTemp() - c.tempSwing() * StrictMath.cos(2 * Math.PI * (dayOfYear(now) - 17) / YEAR);
        double diurnal = 4.5 * StrictMath.cos(2 * Math.PI * (solarHour(t.lon, now) - 15) / 24);
        long day = Math.floorDiv(now, 86400L);
        double frac = (now - day * 86400) / 86400.0;
        double weather = 4.5 * (noise(t.world, t.climateCity, day) * (1 - frac) + noise(t.world, t.climateCity, day + 1) * frac);
        return Math.round((seasonal + diurnal + weather) * 2) / 2.0;
    }

    private static double noise(long world, int city, long day) {
        long h = Twin.mix(world * 0x9E3779B97F4A7C15L + city * 0xC2B2AE3D27D4EB4FL + day * 0x165667B19E3779F9L);
        return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
    }

    /** Whether the sun is above the horizon. */
    static boolean daylight(double lon, double lat, long now) {
        double decl = 23.44 * StrictMath.sin(2 * Math.PI * (284 + dayOfYear(now)) / 365);
        double hourAngle = 15 * (solarHour(lon, now) - 12);
        double sinElevation = StrictMath.sin(lat * RAD) * StrictMath.sin(decl * RAD)
                + StrictMath.cos(lat * RAD) * StrictMath.cos(decl * RAD) * StrictMath.cos(hourAngle * RAD);
        return sinElevation > -0.0145;
    }

    /** Offset of the car's home time zone from UTC at that instant, seconds. */
    static int utcOffset(Twin t, long now) {
        return City.get(t.homeCity).zone().getRules().getOffset(Instant.ofEpochSecond(now)).getTotalSeconds();
    }
}
