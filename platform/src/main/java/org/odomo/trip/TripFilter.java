package org.odomo.trip;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The trip list filters of the API: a distance range (km), a duration range (s), each inclusive
 * with an open upper end when null, and trip states ({@code Nominal}, or the faults a trip has).
 *
 * @param distance null for any distance, else {low, high}
 * @param duration null for any duration, else {low, high}
 * @param states   empty for any state
 */
public record TripFilter(double[] distance, double[] duration, List<String> states) {

    public static final Set<String> STATES = Set.of("Nominal", "Unstarted", "DataLacking", "Unfinished");

    public static final TripFilter NONE = new TripFilter(null, null, List.of());

    public TripFilter {
        states = List.copyOf(states);
    }

    public boolean matches(Trip t) {
        return within(t.distance(), distance) && within(t.duration() == null ? null : t.duration().doubleValue(),
                duration) && stateMatches(t);
    }

    private boolean stateMatches(Trip t) {
        if (states.isEmpty()) {
            return true;
        }
        if (t.nominal()) {
            return states.contains("Nominal");
        }
        return states.stream().anyMatch(t::hasFault);
    }

    private static boolean within(Double value, double[] range) {
        return range == null || (value != null && value >= range[0] && value <= range[1]);
    }

    /**
     * The same filter on the trip table's columns (table alias {@code h}), with its parameters: the
     * stored distance is the shown one before rounding to metres, the stored faults are
     * {@link TripMath#faultCodes} (empty for a nominal trip).
     */
    String sql(List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (distance != null) {
            // The API shows the distance rounded to 3 decimals: compare what rounds into the range.
            where.append(" AND h.distance_km >= ? AND h.distance_km < ?");
            params.add(distance[0] - 0.0005);
            params.add(distance[1] == Double.MAX_VALUE ? Double.MAX_VALUE : distance[1] + 0.0005);
        }
        if (duration != null) {
            where.append(" AND h.duration_s >= ? AND h.duration_s <= ?");
            params.add(Math.ceil(duration[0]));
            params.add(duration[1] >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.floor(duration[1]));
        }
        if (!states.isEmpty()) {
            List<String> any = new ArrayList<>();
            for (String state : states) {
                if (state.equals("Nominal")) {
                    any.add("h.faults = ''");
                } else {
                    any.add("h.faults LIKE ?");
                    params.add("%" + state + "%");
                }
            }
            where.append(" AND (").append(String.join(" OR ", any)).append(")");
        }
        return where.toString();
    }
}
