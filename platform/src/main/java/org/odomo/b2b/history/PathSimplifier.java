package org.odomo.b2b.history;

import java.util.ArrayList;
import java.util.List;

import org.odomo.state.VehicleHistory;

/**
 * The {@code tolerance} of a trip's waypoints: the Ramer-Douglas-Peucker simplification, keeping
 * the points that lie farther than the tolerance (km) from the path through the points kept.
 * Distances are measured on a local flat projection, ample at the scale of a trip's points.
 */
final class PathSimplifier {

    private static final double EARTH_RADIUS_KM = 6371.0088;

    private PathSimplifier() {
    }

    static List<VehicleHistory.PositionRecord> simplify(List<VehicleHistory.PositionRecord> path, double toleranceKm) {
        if (toleranceKm <= 0 || path.size() < 3) {
            return path;
        }
        boolean[] keep = new boolean[path.size()];
        keep[0] = true;
        keep[path.size() - 1] = true;
        // An explicit stack: a long trip's path would nest recursion deeply.
        List<int[]> stack = new ArrayList<>();
        stack.add(new int[] {0, path.size() - 1});
        while (!stack.isEmpty()) {
            int[] span = stack.remove(stack.size() - 1);
            int farthest = -1;
            double max = toleranceKm;
            for (int i = span[0] + 1; i < span[1]; i++) {
                double d = distanceToSegmentKm(path.get(i), path.get(span[0]), path.get(span[1]));
                if (d > max) {
                    max = d;
                    farthest = i;
                }
            }
            if (farthest >= 0) {
                keep[farthest] = true;
                stack.add(new int[] {span[0], farthest});
                stack.add(new int[] {farthest, span[1]});
            }
        }
        List<VehicleHistory.PositionRecord> kept = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            if (keep[i]) {
                kept.add(path.get(i));
            }
        }
        return kept;
    }

    /** The distance from p to the segment a-b, on the plane tangent at a. */
    static double distanceToSegmentKm(VehicleHistory.PositionRecord p, VehicleHistory.PositionRecord a,
            VehicleHistory.PositionRecord b) {
        double cos = Math.cos(Math.toRadians(a.latitude()));
        double px = x(p, a, cos), py = y(p, a);
        double bx = x(b, a, cos), by = y(b, a);
        double length2 = bx * bx + by * by;
        double t = length2 == 0 ? 0 : Math.max(0, Math.min(1, (px * bx + py * by) / length2));
        double dx = px - t * bx, dy = py - t * by;
        return Math.sqrt(dx * dx + dy * dy);
    }

    private static double x(VehicleHistory.PositionRecord p, VehicleHistory.PositionRecord origin, double cos) {
        return Math.toRadians(p.longitude() - origin.longitude()) * cos * EARTH_RADIUS_KM;
    }

    private static double y(VehicleHistory.PositionRecord p, VehicleHistory.PositionRecord origin) {
        return Math.toRadians(p.latitude() - origin.latitude()) * EARTH_RADIUS_KM;
    }
}
