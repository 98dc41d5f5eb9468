package org.odomo.spec;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Which published data-catalog item each member of a B2C read answer is, from the API's member
 * names, written out here independently of the platform's own field table; or that it is structure
 * (links, ids, times, paging counters), shown beside the data of the object that holds it. Tests
 * use it to tell what a caller may see from the catalog alone.
 *
 * <p>Paths name array items {@code []}. A table entry covers its path and everything below it;
 * the longest entry wins. Times of a part ({@code createdAt}, {@code updatedAt} below the root)
 * are structure of that part unless an entry names them.
 */
public final class ApiMembers {

    public static final String STRUCTURE = "(structure)";

    /** A data-catalog item: the scopes that grant it and the vehicle types (ICE, BEV...) that produce it. */
    public record Item(String name, String domain, Set<String> scopes, Set<String> vehicleTypes) {
    }

    /**
     * What a member is: a catalog item or {@link #STRUCTURE}, and how many leading segments of
     * the member's path name the table entry that decided it (the object holding a structure
     * member is the path without its last entry segment). The time of a part also names the
     * item of the part ({@code partOf}) and the segments of that item's entry.
     */
    public record Match(String item, int segments, String partOf, int partSegments) {
        Match(String item, int segments) {
            this(item, segments, null, 0);
        }
    }

    /** Member path prefixes (array items as []) of a status, to catalog item names. */
    static final Map<String, String> STATUS = new LinkedHashMap<>();
    /** Telemetry-only parts of a telemetry item. */
    static final Map<String, String> TELEMETRY_ONLY = new LinkedHashMap<>();
    static final Map<String, String> ALERT = new LinkedHashMap<>();
    static final Map<String, String> COLLISION = new LinkedHashMap<>();
    static final Map<String, String> TRIP = new LinkedHashMap<>();
    static final Map<String, String> VEHICLE = new LinkedHashMap<>();
    static final Map<String, String> MAINTENANCE = new LinkedHashMap<>();

    static {
        STATUS.put("_links", STRUCTURE);
        STATUS.put("createdAt", STRUCTURE);
        STATUS.put("updatedAt", STRUCTURE);
        STATUS.put("lastPosition", "Position coordinates");
        STATUS.put("lastPosition.properties.heading", "Position heading");
        STATUS.put("lastPosition.properties.type", "Position type");
        STATUS.put("lastPosition.properties.signalQuality", "Position signal quality");
        STATUS.put("lastPosition.properties.fixStatus", "Position signal fix status");
        STATUS.put("ignition", "Ignition state");
        STATUS.put("kinetic", "Longitudinal speed");
        STATUS.put("kinetic.acceleration", "Acceleration");
        STATUS.put("kinetic.moving", "Moving state");
        STATUS.put("privacy", "Privacy state");
        STATUS.put("environment", "Outside temperature");
        STATUS.put("environment.luminosity", "Ambiant luminosity state");
        STATUS.put("odometer", "Odometer mileage");
        STATUS.put("safety", "Belt status");
        STATUS.put("safety.autoECallTriggering", "ECall state");
        STATUS.put("drivingBehavior", "Driving behavior mode");
        STATUS.put("battery", "Battery voltage");
        STATUS.put("doorsState", "Doors lock state");
        STATUS.put("doorsState.opening", "Door opening status");
        STATUS.put("engines", "Engine type");
        STATUS.put("engines[].speed", "Engine speed");
        // Oil, coolant and intake air exist only where there is a thermal engine.
        STATUS.put("engines[].extension.thermic", "Engine oil level");
        STATUS.put("engines[].oil", "Engine oil temperature");
        STATUS.put("engines[].gmpStatus", "Powertrain state");
        STATUS.put("powertrain", "Powertrain state");
        STATUS.put("preconditioning", "Preconditioning state");
        STATUS.put("preconditionning", "Preconditioning state");
        STATUS.put("lightingSystem", "Lighting Turn status");
        STATUS.put("service", "Energy supply type");
        STATUS.put("alarm.status", "Alarm activation state");
        STATUS.put("alarm.trigger", "Alarm trigger type");
        STATUS.put("alarm.trigger.position", "Alarm trigger position");
        STATUS.put("alarm.trigger.startAt", "Alarm trigger start timestamp");
        // Energies, and the deprecated energy (one object or the array the platform serves, whose
        // electric item carries the older charging object directly).
        for (String e : List.of("energies", "energy")) {
            STATUS.put(e, "Energy level");
            STATUS.put(e + "[].type", "Energy supply type");
            STATUS.put(e + "[].subType", "Energy supply subtype");
            STATUS.put(e + "[].autonomy", "Energy autonomy");
            STATUS.put(e + "[].extension.fuel", "Fuel instant consumption");
            STATUS.put(e + "[].extension.fuel.consumptions.total", "Fuel total consumption");
            STATUS.put(e + "[].extension.electric", "Battery capacity");
            STATUS.put(e + "[].extension.electric.residual", "Battery residual energy");
            STATUS.put(e + "[].extension.electric.consumption", "Battery residual energy");
            STATUS.put(e + "[].extension.electric.battery.load.residual", "Battery residual energy");
            STATUS.put(e + "[].extension.electric.battery.health.capacity", "Battery health capicity");
            STATUS.put(e + "[].extension.electric.battery.health.resistance", "Battery health resistance");
            STATUS.put(e + "[].extension.electric.charging", "Charging state");
            STATUS.put(e + "[].charging", "Charging state");
        }
        TELEMETRY_ONLY.put("_links", STRUCTURE);
        TELEMETRY_ONLY.put("createdAt", STRUCTURE);
        TELEMETRY_ONLY.put("vehicle.transmission", "Gearbox automatic mode");
        TELEMETRY_ONLY.put("vehicle.transmission.gearbox.ratio", "Gearbox ratio");
        TELEMETRY_ONLY.put("vehicle.adas", "ABS State");
        TELEMETRY_ONLY.put("vehicle.wipingBlades", "Wiping blade state");
        TELEMETRY_ONLY.put("_embedded.extension.location", "Position coordinates");
        TELEMETRY_ONLY.put("_embedded.extension.maintenance", "Days Before Maintenance");
        for (String m : List.of("_links", "id", "createdAt", "updatedAt")) {
            ALERT.put(m, STRUCTURE);
            COLLISION.put(m, STRUCTURE);
            TRIP.put(m, STRUCTURE);
        }
        ALERT.put("type", "Alert type");
        ALERT.put("severity", "Alert severity");
        ALERT.put("active", "Alert active state");
        ALERT.put("startedAt", "Alert start timestamp");
        ALERT.put("endAt", "Alert end timestamp");
        ALERT.put("startPosition", "Alert start position");
        ALERT.put("endPosition", "Alert end position");
        // A link to where the alert started tells where it started.
        ALERT.put("_links.position", "Alert start position");
        COLLISION.put("details", "Collision side");
        COLLISION.put("tippedOver", "Collision tipped over");
        COLLISION.put("pedestrian", "Collision pedestrian");
        TRIP.put("_links.waypoints", "Trip Waypoints");
        TRIP.put("_links.alerts", "Trip alerts");
        TRIP.put("_links.collisions", "Trip Collisions");
        TRIP.put("_links.telemetry", "Trip telemetry");
        TRIP.put("distance", "Trip distance");
        TRIP.put("duration", "Trip duration");
        TRIP.put("startPosition", "Trip start position");
        TRIP.put("stopPosition", "Trip end position");
        TRIP.put("done", "Trip completion");
        TRIP.put("faults", "Trip faults");
        TRIP.put("startedAt", "Trip start timestamp");
        TRIP.put("stoppedAt", "Trip stop timestamp");
        TRIP.put("startMileage", "Trip start mileage");
        TRIP.put("startEnergies", "Trip start energy");
        TRIP.put("endEnergies", "Trip end energy");
        TRIP.put("energyConsumptions", "Trip energy consumption");
        TRIP.put("kinetic.avgSpeed", "Trip average speed");
        TRIP.put("kinetic.maxSpeed", "Trip max speed");
        TRIP.put("segments", "Trip energy ratio");
        for (String m : List.of("_links", "id", "createdAt", "updatedAt", "callCenter",
                "_embedded.extension.onboardCapabilities")) {
            VEHICLE.put(m, STRUCTURE);
        }
        VEHICLE.put("vin", "vin");
        VEHICLE.put("motorization", "engine class");
        VEHICLE.put("brand", "brand");
        VEHICLE.put("label", "vehicle label");
        VEHICLE.put("pictures", "vehicle pictures");
        VEHICLE.put("_embedded.extension.branding.brand", "brand");
        VEHICLE.put("_embedded.extension.branding.label", "vehicle label");
        VEHICLE.put("_embedded.extension.pictures", "vehicle pictures");
        for (String m : List.of("_links", "createdAt", "updatedAt")) {
            MAINTENANCE.put(m, STRUCTURE);
        }
        MAINTENANCE.put("daysBeforeMaintenance", "Days Before Maintenance");
        MAINTENANCE.put("mileageBeforeMaintenance", "Mileage Before Maintenance");
    }

    private ApiMembers() {
    }

    /** The catalog item of a member of an answer of {@code kind}, or null when it is not known here. */
    public static String itemOf(String kind, String path) {
        Match m = match(kind, path);
        return m == null ? null : m.item();
    }

    /**
     * What a member of an answer of {@code kind} is: status, lastPosition, telemetry, alarm,
     * alert, collision, trip, waypoint, vehicle, maintenance or user. Null when not known here.
     */
    public static Match match(String kind, String path) {
        Match m = switch (kind) {
            case "status" -> longest(STATUS, path, 0);
            case "lastPosition" -> longest(STATUS, "lastPosition." + path, -1);
            case "telemetry" -> {
                Match item = longest(TELEMETRY_ONLY, path, 0);
                if (item == null && path.startsWith("vehicle.")) {
                    item = longest(STATUS, path.substring("vehicle.".length()), 1);
                }
                if (item == null && (path.startsWith("environment") || path.startsWith("privacy"))) {
                    item = longest(STATUS, path, 0);
                }
                yield item;
            }
            case "alarm" -> path.equals("id") ? new Match(STRUCTURE, 1) : longest(STATUS, "alarm." + path, -1);
            case "alert" -> longest(ALERT, path, 0);
            case "collision" -> longest(COLLISION, path, 0);
            case "trip" -> longest(TRIP, path, 0);
            case "waypoint" -> new Match("Trip Waypoints", 1);
            case "vehicle" -> longest(VEHICLE, path, 0);
            case "maintenance" -> longest(MAINTENANCE, path, 0);
            case "user" -> Set.of("_links", "email", "firstName", "lastName", "createdAt", "updatedAt")
                    .contains(path.split("\\.")[0]) ? new Match(STRUCTURE, 1) : null;
            default -> throw new IllegalArgumentException(kind);
        };
        List<String> segments = List.of(path.split("\\."));
        String last = segments.get(segments.size() - 1);
        if (m != null && segments.size() > 1 && (last.equals("createdAt") || last.equals("updatedAt"))
                && !m.item().equals(STRUCTURE) && m.segments() < segments.size()) {
            // When a part was measured: structure of that part.
            return new Match(STRUCTURE, segments.size(), m.item(), m.segments());
        }
        return m;
    }

    private static Match longest(Map<String, String> table, String path, int shift) {
        String best = null;
        String key = null;
        for (Map.Entry<String, String> e : table.entrySet()) {
            String p = e.getKey();
            boolean covers = path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[");
            if (covers && (key == null || p.length() > key.length())) {
                best = e.getValue();
                key = p;
            }
        }
        if (key == null) {
            return null;
        }
        // An entry "a.b" covering "a.b[].c" names two segments of the path ("a", "b[]").
        return new Match(best, key.split("\\.").length + shift);
    }

    /** A page's own members (not its items): structure. */
    public static boolean isPageMember(String path) {
        String first = path.split("[.\\[]")[0];
        return Set.of("_links", "total", "totalPage", "currentPage").contains(first)
                || path.matches("_embedded\\.[A-Za-z]+");
    }

    public interface LeafVisitor {
        void visit(String path, JsonNode value);
    }

    /** Every value that is not an object or array (and every empty one), with its path (items as []). */
    public static void leaves(JsonNode node, String path, LeafVisitor visitor) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), visitor);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                leaves(item, path + "[]", visitor);
            }
        } else {
            visitor.visit(path, node);
        }
    }

    /** Like {@link #leaves} with each item's index in its path ({@code a[0].b}). */
    public static void indexedLeaves(JsonNode node, String path, LeafVisitor visitor) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                indexedLeaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), visitor);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                indexedLeaves(node.get(i), path + "[" + i + "]", visitor);
            }
        } else {
            visitor.visit(path, node);
        }
    }

    /** {@code a[0].b[12]} as {@code a[].b[]}. */
    public static String withoutIndexes(String path) {
        return path.replaceAll("\\[\\d+]", "[]");
    }

    private static Map<String, Item> catalog;

    /** The published data catalog, by item name. */
    @SuppressWarnings("unchecked")
    public static synchronized Map<String, Item> catalog() {
        if (catalog == null) {
            Map<String, Item> items = new LinkedHashMap<>();
            for (Map<String, Object> item : (List<Map<String, Object>>) SharedSpecs.load("data-catalog.yaml")
                    .get("data")) {
                Set<String> scopes = new HashSet<>();
                if (item.get("scope") instanceof List<?> list) {
                    list.forEach(s -> scopes.add(String.valueOf(s)));
                }
                Set<String> types = new HashSet<>();
                if (item.get("availability") instanceof Map<?, ?> availability
                        && availability.get("vehicle_types") instanceof Map<?, ?> vt) {
                    vt.forEach((type, produced) -> {
                        if (Boolean.parseBoolean(String.valueOf(produced))) {
                            types.add(String.valueOf(type));
                        }
                    });
                }
                String name = String.valueOf(item.get("name")).trim();
                items.put(name, new Item(name, String.valueOf(item.get("domain")), Collections.unmodifiableSet(scopes),
                        Collections.unmodifiableSet(types)));
            }
            catalog = Collections.unmodifiableMap(items);
        }
        return catalog;
    }
}
