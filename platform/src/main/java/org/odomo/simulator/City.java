package org.odomo.simulator;

import java.time.ZoneId;
import java.util.List;

/**
 * European cities the simulated cars live around and drive between: position, altitude, time zone,
 * a rough climate (yearly mean and seasonal half-swing of the air temperature) and, for coastal
 * cities, the bearings where the sea is, so that local trips do not end in the water.
 */
record City(String name, double lon, double lat, int altitude, ZoneId zone, double meanTemp, double tempSwing,
        int seaFrom, int seaTo) {

    private static City of(String name, double lon, double lat, int alt, String zone, double mean, double swing) {
        return new City(name, lon, lat, alt, ZoneId.of(zone), mean, swing, -1, -1);
    }

    private static City coast(String name, double lon, double lat, int alt, String zone, double mean, double swing,
            int seaFrom, int seaTo) {
        return new City(name, lon, lat, alt, ZoneId.of(zone), mean, swing, seaFrom, seaTo);
    }

    static final List<City> ALL = List.of(
            of("Paris", 2.3522, 48.8566, 35, "Europe/Paris", 12.4, 8.0),                       // 0
            of("Lyon", 4.8357, 45.7640, 173, "Europe/Paris", 12.5, 9.5),                        // 1
            coast("Marseille", 5.3698, 43.2965, 12, "Europe/Paris", 15.5, 8.5, 110, 270),       // 2
            of("Lille", 3.0573, 50.6292, 20, "Europe/Paris", 11.0, 7.5),                        // 3
            of("Bordeaux", -0.5792, 44.8378, 6, "Europe/Paris", 13.5, 7.5),                     // 4
            of("Toulouse", 1.4442, 43.6047, 146, "Europe/Paris", 13.5, 8.5),                    // 5
            of("Nantes", -1.5536, 47.2184, 20, "Europe/Paris", 12.5, 7.0),                      // 6
            of("Strasbourg", 7.7521, 48.5734, 142, "Europe/Paris", 11.0, 9.5),                  // 7
            of("Brussels", 4.3517, 50.8503, 13, "Europe/Brussels", 11.0, 7.5),                  // 8
            of("Amsterdam", 4.9041, 52.3676, 0, "Europe/Amsterdam", 10.5, 7.0),                 // 9
            of("Frankfurt", 8.6821, 50.1109, 112, "Europe/Berlin", 10.5, 9.5),                  // 10
            of("Cologne", 6.9603, 50.9375, 53, "Europe/Berlin", 10.5, 8.5),                     // 11
            of("Munich", 11.5820, 48.1351, 519, "Europe/Berlin", 9.0, 9.5),                     // 12
            of("Berlin", 13.4050, 52.5200, 34, "Europe/Berlin", 10.0, 10.0),                    // 13
            of("Rüsselsheim", 8.4119, 49.9950, 88, "Europe/Berlin", 10.5, 9.5),                 // 14
            of("Madrid", -3.7038, 40.4168, 657, "Europe/Madrid", 15.0, 10.0),                   // 15
            coast("Barcelona", 2.1734, 41.3851, 12, "Europe/Madrid", 16.5, 7.5, 45, 200),       // 16
            of("Milan", 9.1900, 45.4642, 120, "Europe/Rome", 13.0, 10.5),                       // 17
            of("Turin", 7.6869, 45.0703, 239, "Europe/Rome", 12.5, 10.0),                       // 18
            of("Rome", 12.4964, 41.9028, 21, "Europe/Rome", 15.5, 8.5),                         // 19
            of("London", -0.1276, 51.5072, 11, "Europe/London", 11.5, 7.0),                     // 20
            of("Luton", -0.4200, 51.8787, 122, "Europe/London", 10.5, 7.0),                     // 21
            of("Birmingham", -1.8904, 52.4862, 140, "Europe/London", 10.0, 6.5),                // 22
            of("Manchester", -2.2426, 53.4808, 38, "Europe/London", 10.0, 6.5),                 // 23
            of("Vienna", 16.3738, 48.2082, 190, "Europe/Vienna", 11.0, 10.0),                   // 24
            of("Zurich", 8.5417, 47.3769, 408, "Europe/Zurich", 9.5, 9.0),                      // 25
            of("Geneva", 6.1432, 46.2044, 375, "Europe/Zurich", 10.5, 9.0),                     // 26
            coast("Lisbon", -9.1393, 38.7223, 15, "Europe/Lisbon", 17.5, 5.5, 160, 330),        // 27
            coast("Porto", -8.6291, 41.1579, 75, "Europe/Lisbon", 15.0, 4.5, 200, 340),         // 28
            of("Prague", 14.4378, 50.0755, 235, "Europe/Prague", 9.0, 9.5),                     // 29
            of("Warsaw", 21.0122, 52.2297, 100, "Europe/Warsaw", 8.5, 10.5),                    // 30
            of("Sochaux", 6.8296, 47.5086, 330, "Europe/Paris", 10.5, 9.0));                    // 31

    /** Roads between cities that a car plausibly drives in one go (no sea crossing but the Channel tunnel). */
    private static final int[][] ROADS = {
            {0, 1}, {0, 3}, {0, 6}, {0, 7}, {0, 4}, {0, 8}, {0, 20}, {1, 2}, {1, 26}, {1, 18}, {1, 31},
            {2, 5}, {5, 4}, {5, 16}, {4, 6}, {4, 15}, {15, 16}, {15, 27}, {15, 28}, {27, 28}, {3, 8},
            {8, 9}, {8, 11}, {9, 11}, {11, 10}, {10, 14}, {14, 11}, {10, 12}, {10, 7}, {10, 13}, {12, 24},
            {12, 25}, {12, 29}, {29, 13}, {29, 24}, {25, 26}, {25, 17}, {26, 18}, {17, 18}, {17, 19},
            {7, 25}, {7, 31}, {31, 25}, {20, 21}, {20, 22}, {21, 22}, {22, 23}, {20, 23}, {9, 13},
            {13, 30}, {24, 30}, {3, 20}};

    private static final int[][] NEIGHBOURS = neighbours();

    private static int[][] neighbours() {
        int[] counts = new int[ALL.size()];
        for (int[] road : ROADS) {
            counts[road[0]]++;
            counts[road[1]]++;
        }
        int[][] result = new int[ALL.size()][];
        for (int i = 0; i < result.length; i++) {
            result[i] = new int[counts[i]];
            counts[i] = 0;
        }
        for (int[] road : ROADS) {
            result[road[0]][counts[road[0]]++] = road[1];
            result[road[1]][counts[road[1]]++] = road[0];
        }
        return result;
    }

    static City get(int index) {
        return ALL.get(index);
    }

    static int[] neighboursOf(int index) {
        return NEIGHBOURS[index];
    }

    static int nearest(double lon, double lat) {
        int best = 0;
        double bestKm = Double.MAX_VALUE;
        for (int i = 0; i < ALL.size(); i++) {
            City c = ALL.get(i);
            double km = Geo.distanceKm(lon, lat, c.lon, c.lat);
            if (km < bestKm) {
                bestKm = km;
                best = i;
            }
        }
        return best;
    }

    /** Whether a bearing from near this city points to the sea. */
    boolean seaward(double bearing) {
        if (seaFrom < 0) {
            return false;
        }
        return seaFrom <= seaTo ? bearing >= seaFrom && bearing <= seaTo : bearing >= seaFrom || bearing <= seaTo;
    }
}
