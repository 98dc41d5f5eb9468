package org.odomo.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.Scopes;

/**
 * The project's table of API members: for each member of every answer of the B2C read API and of
 * the fleet API's vehicle data (see {@link #fleetApi()}), which
 * data-catalog item it is, which scopes grant it and which powertrains produce it, or that it is
 * structure (links, ids, times, paging counters). Tests check it against the published data
 * catalog and against every member of the published response schemas.
 *
 * <p>A path covers everything below it (except a container's, which covers only itself). The
 * table fails closed: a member under no rule is left out of the answer, so a member added to a
 * view without a rule never leaks data.
 */
public final class FieldRules {

    private static final List<FieldRule> RULES = new ArrayList<>();
    private static final Map<String, List<FieldRule>> BY_RESOURCE = new HashMap<>();

    private static final String T = Scopes.TELEMETRY;
    private static final String P = Scopes.POSITION;
    private static final String ALL = "IBPF";
    private static final String ELECTRIFIED = "BPF";
    private static final String COMBUSTION = "IP";

    static {
        // Status (and the same names inside telemetry's vehicle object).
        status("ignition.type", "Ignition state", ALL, T);
        status("lastPosition.geometry", "Position coordinates", ALL, P);
        status("lastPosition.properties.type", "Position type", ALL, P);
        status("lastPosition.properties.heading", "Position heading", ALL, P);
        status("lastPosition.properties.signalQuality", "Position signal quality", ALL, P);
        status("lastPosition.properties.fixStatus", "Position signal fix status", ALL, P);
        status("lastPosition.properties.createdAt", "Position coordinates", ALL, P);
        status("lastPosition.type", "Position coordinates", ALL, P);
        status("kinetic.speed", "Longitudinal speed", ALL, T);
        status("kinetic.acceleration", "Acceleration", ALL, T);
        status("kinetic.moving", "Moving state", ALL, T);
        status("privacy.state", "Privacy state", ALL, T);
        status("environment.air.temp", "Outside temperature", ALL, T);
        status("environment.luminosity.day", "Ambiant luminosity state", ALL, T);
        status("odometer.mileage", "Odometer mileage", ALL, T);
        status("safety.beltStatus[].id", "Belt passenger identifier", ALL, T);
        status("safety.beltStatus[].belt", "Belt status", ALL, T);
        status("safety.autoECallTriggering", "ECall state", ALL, T);
        status("drivingBehavior.mode", "Driving behavior mode", ALL, T);
        status("battery.voltage", "Battery voltage", ALL, T);
        status("doorsState.lockedStates", "Doors lock state", ALL, T);
        status("doorsState.opening[].identifier", "Door opening identifier", ALL, T);
        status("doorsState.opening[].state", "Door opening status", ALL, T);
        status("engines[].type", "Engine type", ALL, T);
        status("engines[].speed", "Engine speed", ALL, T);
        status("engines[].extension.thermic.coolant.level", "Engine coolant level", COMBUSTION, T);
        status("engines[].extension.thermic.coolant.temp", "Engine coolant temperature", COMBUSTION, T);
        status("engines[].extension.thermic.oil.level", "Engine oil level", COMBUSTION, T);
        status("engines[].extension.thermic.oil.temp", "Engine oil temperature", COMBUSTION, T);
        status("engines[].extension.thermic.air.temp", "Engine air temperature", COMBUSTION, T);
        status("powertrain.status", "Powertrain state", ALL, T);
        status("preconditioning.airConditioning.status", "Preconditioning state", ALL, T);
        status("preconditioning.airConditioning.startingCause", "Preconditioning state", ALL, T);
        status("preconditioning.airConditioning.failureCause", "Preconditioning error state", ALL, T);
        status("preconditioning.airConditioning.programs[].enabled", "Preconditioning program enable", ALL, T);
        status("preconditioning.airConditioning.programs[].recurrence", "Preconditioning program reccurence", ALL, T);
        status("preconditioning.airConditioning.programs[].occurence", "Preconditioning program occurence day", ALL, T);
        status("preconditioning.airConditioning.programs[].start", "Preconditioning program start time", ALL, T);
        status("preconditioning.airConditioning.programs[].slot", "Preconditionning program slot", ALL, T);
        status("lightingSystem.turn[].direction", "Lighting Turn direction", ALL, T);
        status("lightingSystem.turn[].position", "Lighting Turn position", ALL, T);
        status("lightingSystem.turn[].status", "Lighting Turn status", ALL, T);
        status("lightingSystem.fog[].direction", "Lighting Fog direction", ALL, T);
        status("lightingSystem.fog[].position", "Lighting Fog position", ALL, T);
        status("lightingSystem.fog[].status", "Lighting Fog status", ALL, T);
        status("energies[].type", "Energy supply type", ALL, T);
        status("energies[].subType", "Energy supply subtype", ALL, T);
        status("energies[].level", "Energy level", ALL, T);
        status("energies[].autonomy", "Energy autonomy", ALL, T);
        status("energies[].extension.fuel.consumption", "Fuel instant consumption", COMBUSTION, T);
        status("energies[].extension.fuel.consumptions.instant", "Fuel instant consumption", COMBUSTION, T);
        status("energies[].extension.fuel.consumptions.total", "Fuel total consumption", COMBUSTION, T);
        status("energies[].extension.electric.battery.load.capacity", "Battery capacity", ELECTRIFIED, T);
        status("energies[].extension.electric.battery.capacity", "Battery capacity", ELECTRIFIED, T);
        status("energies[].extension.electric.battery.load.residual", "Battery residual energy", ELECTRIFIED, T);
        status("energies[].extension.electric.residual", "Battery residual energy", ELECTRIFIED, T);
        status("energies[].extension.electric.consumption", "Battery residual energy", ELECTRIFIED, T);
        status("energies[].extension.electric.battery.health.capacity", "Battery health capicity", ELECTRIFIED, T);
        status("energies[].extension.electric.battery.health.resistance", "Battery health resistance", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.plugged", "Charging plugged state", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.status", "Charging state", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.chargingMode", "Charging mode", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.chargingRate", "Charging rate", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.chargingPowerLevel", "Charging rate", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.remainingTime", "Charging remaining time", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.nextDelayedTime", "Charging next delayed time", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.type", "Charging state", ELECTRIFIED, T);
        status("energies[].extension.electric.charging.schedule", "Charging next delayed time", ELECTRIFIED, T);
        status("alarm.trigger.type", "Alarm trigger type", ELECTRIFIED, T);
        status("alarm.trigger.position", "Alarm trigger position", ALL, T);
        status("alarm.trigger.startAt", "Alarm trigger start timestamp", ALL, T);
        status("alarm.status.activation", "Alarm activation state", ELECTRIFIED, T);
        // Deprecated members, governed as their current counterparts: the service type is the
        // energy type, gmpStatus the powertrain state, oil the thermic extension's oil.
        status("service.type", "Energy supply type", ALL, T);
        status("engines[].gmpStatus", "Powertrain state", ALL, T);
        status("engines[].oil.temp", "Engine oil temperature", COMBUSTION, T);
        // When each part was measured: shown beside the part's data, never alone.
        for (String part : List.of("ignition", "kinetic", "privacy", "environment.air", "environment.luminosity",
                "odometer", "safety", "drivingBehavior", "battery", "doorsState", "engines[]", "powertrain",
                "preconditioning.airConditioning", "lightingSystem", "energies[]",
                "energies[].extension.electric.battery.load", "energies[].extension.electric.battery.health",
                "service", "alarm.status", "alarm.trigger")) {
            statusStructure(part + ".createdAt");
        }
        statusStructure("energies[].updatedAt");
        statusStructure("preconditioning.airConditioning.updatedAt");
        structure("status", "_links");
        structure("status", "createdAt");
        structure("status", "updatedAt");
        // Telemetry-only parts.
        telemetry("vehicle.wipingBlades.active", "Wiping blade state", ALL, T);
        telemetry("vehicle.wipingBlades.speed", "Wiping blade speed", ALL, T);
        telemetry("vehicle.adas.parkAssist.front", "Park assist front", ALL, T);
        telemetry("vehicle.adas.parkAssist.rear", "Park assist rear", ALL, T);
        telemetry("vehicle.adas.accr", "ACCR State", ALL, T);
        telemetry("vehicle.adas.lvv", "LVV State", ALL, T);
        telemetry("vehicle.adas.rvv", "RVV state", ALL, T);
        telemetry("vehicle.adas.aebs", "AEBS State", ALL, T);
        telemetry("vehicle.adas.afil", "AFIL State", ALL, T);
        telemetry("vehicle.adas.artiv", "ARTIV State", ALL, T);
        telemetry("vehicle.adas.bsm", "BSM State", ALL, T);
        telemetry("vehicle.adas.esp", "ESP State", ALL, T);
        telemetry("vehicle.adas.abs", "ABS State", ALL, T);
        telemetry("vehicle.adas.fse", "FSE State", ALL, T);
        telemetry("vehicle.adas.sli", "SLI State", ALL, T);
        telemetry("vehicle.adas.rlka", "RLKA State", ALL, T);
        telemetry("vehicle.adas.llka", "LLKA State", ALL, T);
        telemetry("vehicle.adas.rgi", "Gear suggestion", ALL, T);
        telemetry("vehicle.transmission.gearbox.mode.automatic", "Gearbox automatic mode", ALL, T);
        telemetry("vehicle.transmission.gearbox.mode.sport", "Gearbox sport mode", ALL, T);
        telemetry("vehicle.transmission.gearbox.mode.snow", "Gearbox snow mode", ALL, T);
        telemetry("vehicle.transmission.gearbox.mode.semiManual", "Gearbox semiManual mode", ALL, T);
        telemetry("vehicle.transmission.gearbox.mode.sequential", "Gearbox sequential mode", ALL, T);
        telemetry("vehicle.transmission.gearbox.ratio", "Gearbox ratio", COMBUSTION, T);
        telemetry("_embedded.extension.maintenance.daysBeforeMaintenance", "Days Before Maintenance", ALL, T);
        telemetry("_embedded.extension.maintenance.mileageBeforeMaintenance", "Mileage Before Maintenance", ALL, T);
        telemetry("_embedded.extension.location", "Position coordinates", ALL, P);
        structure("telemetry", "_embedded.extension.maintenance.createdAt");
        structure("telemetry", "_links");
        structure("telemetry", "createdAt");
        rule("maintenance", "daysBeforeMaintenance", "Days Before Maintenance", ALL, T);
        rule("maintenance", "mileageBeforeMaintenance", "Mileage Before Maintenance", ALL, T);
        structure("maintenance", "_links");
        structure("maintenance", "createdAt");
        structure("maintenance", "updatedAt");
        // Alerts.
        rule("alert", "type", "Alert type", ALL, Scopes.ALERT);
        rule("alert", "severity", "Alert severity", ALL, Scopes.ALERT);
        rule("alert", "active", "Alert active state", ALL, Scopes.ALERT);
        rule("alert", "startedAt", "Alert start timestamp", ALL, Scopes.ALERT);
        rule("alert", "endAt", "Alert end timestamp", ALL, Scopes.ALERT);
        rule("alert", "startPosition", "Alert start position", ALL, Scopes.ALERT, P);
        rule("alert", "endPosition", "Alert end position", ALL, Scopes.ALERT, P);
        // A link to where the alert started reveals no more than the start position does.
        rule("alert", "_links.position", "Alert start position", ALL, Scopes.ALERT, P);
        // Collisions.
        rule("collision", "details[].side", "Collision side", ALL, Scopes.COLLISION);
        rule("collision", "details[].severity", "Collision severity", ALL, Scopes.COLLISION);
        rule("collision", "tippedOver", "Collision tipped over", ALL, Scopes.COLLISION);
        rule("collision", "pedestrian", "Collision pedestrian", ALL, Scopes.COLLISION);
        // Trips.
        rule("trip", "distance", "Trip distance", ALL, Scopes.TRIP);
        rule("trip", "duration", "Trip duration", ALL, Scopes.TRIP);
        rule("trip", "startPosition", "Trip start position", ALL, Scopes.TRIP, P);
        rule("trip", "stopPosition", "Trip end position", ALL, Scopes.TRIP, P);
        rule("trip", "done", "Trip completion", ALL, Scopes.TRIP);
        rule("trip", "faults", "Trip faults", ALL, Scopes.TRIP);
        rule("trip", "startedAt", "Trip start timestamp", ALL, Scopes.TRIP);
        rule("trip", "stoppedAt", "Trip stop timestamp", ALL, Scopes.TRIP);
        rule("trip", "startMileage", "Trip start mileage", ALL, Scopes.TRIP);
        rule("trip", "startEnergies", "Trip start energy", ALL, Scopes.TRIP);
        rule("trip", "endEnergies", "Trip end energy", ALL, Scopes.TRIP);
        rule("trip", "energyConsumptions", "Trip energy consumption", ALL, Scopes.TRIP);
        rule("trip", "kinetic.avgSpeed", "Trip average speed", ALL, Scopes.TRIP);
        rule("trip", "kinetic.maxSpeed", "Trip max speed", ALL, Scopes.TRIP);
        rule("trip", "segments", "Trip energy ratio", ALL, Scopes.TRIP);
        rule("trip", "_links.alerts", "Trip alerts", ALL, Scopes.TRIP, Scopes.ALERT);
        rule("trip", "_links.telemetry", "Trip telemetry", ALL, Scopes.TRIP, T);
        rule("trip", "_links.collisions", "Trip Collisions", ALL, Scopes.TRIP, Scopes.COLLISION);
        rule("trip", "_links.waypoints", "Trip Waypoints", ALL, Scopes.TRIP, P);
        // A trip's path: every point of it is the trip's waypoints.
        for (String member : List.of("type", "geometry", "properties")) {
            rule("waypoint", member, "Trip Waypoints", ALL, Scopes.TRIP, P);
        }
        // Links, ids and times of the history records.
        for (String resource : List.of("alert", "collision", "trip")) {
            structure(resource, "_links");
            structure(resource, "id");
            structure(resource, "createdAt");
            structure(resource, "updatedAt");
        }
        // An alarm item: the status' alarm object with the record's id.
        for (FieldRule r : List.copyOf(RULES)) {
            if (r.resource().equals("status") && r.path().startsWith("alarm.")) {
                add("alarm", r.path().substring("alarm.".length()), r.catalogName(), r.scopes(), r.producedBy(),
                        r.kind());
            }
        }
        structure("alarm", "id");
        // The user's vehicles: identity items the catalog grants without a scope, shown to their owner.
        rule("vehicle", "vin", "vin", ALL);
        rule("vehicle", "motorization", "engine class", ALL);
        rule("vehicle", "brand", "brand", ALL);
        rule("vehicle", "label", "vehicle label", ALL);
        rule("vehicle", "pictures", "vehicle pictures", ALL);
        rule("vehicle", "_embedded.extension.branding.brand", "brand", ALL);
        rule("vehicle", "_embedded.extension.branding.label", "vehicle label", ALL);
        rule("vehicle", "_embedded.extension.pictures", "vehicle pictures", ALL);
        // What the model can do (not what it measured) and whom to call if it is stolen.
        structure("vehicle", "_embedded.extension.onboardCapabilities");
        structure("vehicle", "callCenter");
        container("vehicle", "_embedded");
        container("vehicle", "_embedded.extension");
        for (String member : List.of("_links", "id", "createdAt", "updatedAt")) {
            structure("vehicle", member);
        }
        // The user: their own account, no vehicle data. The schema also lets the user embed their
        // vehicles, which then follow the vehicle's rules.
        for (String member : List.of("_links", "email", "firstName", "lastName", "createdAt", "updatedAt")) {
            structure("user", member);
        }
        for (FieldRule r : List.copyOf(RULES)) {
            if (r.resource().equals("vehicle")) {
                add("user", "_embedded.Vehicles[]." + r.path(), r.catalogName(), r.scopes(), r.producedBy(), r.kind());
            }
        }
        container("user", "_embedded");
        fleetApi();
        // A collection page's envelope. Its items are each filtered, as their own resource, before
        // they are paged.
        for (String member : List.of("_links", "total", "totalPage", "currentPage")) {
            structure("page", member);
        }
        container("page", "_embedded");
        for (String items : List.of("vehicles", "telemetries", "alerts", "Collisions", "alarms", "trips",
                "positions", "fleets", "status", "maintenances")) {
            structure("page", "_embedded." + items);
        }
    }

    private FieldRules() {
    }

    /** The B2C status' deprecated spellings and members, which the B2B status schema does not have. */
    private static boolean b2cLegacyStatusMember(String path) {
        return path.startsWith("energy.") || path.startsWith("energy[].") || path.startsWith("preconditionning.")
                || List.of("energies[].updatedAt", "energies[].extension.fuel.consumption",
                        "energies[].extension.electric.battery.capacity", "energies[].extension.electric.residual",
                        "energies[].extension.electric.consumption", "preconditioning.airConditioning.updatedAt",
                        "engines[].oil.temp").contains(path);
    }

    /**
     * The fleet API (B2B v3). Its vehicle data follows the same catalog items as the B2C API's, with
     * the operations the catalog lists for each ({@code webapi_b2b_v3}): a fleet's vehicle status
     * ({@code fleetStatus}) holds every status item; the items of the fleet-wide status list
     * ({@code fleetStatusItem}) hold neither the preconditioning items nor the belt passenger
     * identifier, which the catalog grants only to the single status. The status schema's
     * {@code wipingBlades}, {@code adas}, {@code transmission}, {@code stolen} and
     * {@code _embedded.extension} are granted by the catalog to the telemetry and the stolen-vehicle
     * operations only, so they have no rule here and never come out of a status. The VIN beside a
     * fleet's status or maintenance is structure: the fleet owner reads it of its own vehicles.
     * The deprecated members that B2C apps of the platform still read are no members of the B2B
     * status, which never had them: they stay out of its answers.
     */
    private static void fleetApi() {
        for (FieldRule r : List.copyOf(BY_RESOURCE.get("status"))) {
            if (b2cLegacyStatusMember(r.path())) {
                continue;
            }
            add("fleetStatus", r.path(), r.catalogName(), r.scopes(), r.producedBy(), r.kind());
            boolean singleStatusOnly = r.path().startsWith("preconditioning.")
                    || r.path().startsWith("preconditionning.") || r.path().equals("safety.beltStatus[].id");
            if (!singleStatusOnly) {
                add("fleetStatusItem", r.path(), r.catalogName(), r.scopes(), r.producedBy(), r.kind());
            }
        }
        // Structure of the B2B schema that the B2C status does not have: the VIN (also in its
        // position's properties) and when the driving behaviour was last updated.
        for (String resource : List.of("fleetStatus", "fleetStatusItem")) {
            for (String member : List.of("vin", "lastPosition.properties.vin", "drivingBehavior.updatedAt")) {
                structure(resource, member);
            }
        }
        for (FieldRule r : List.copyOf(BY_RESOURCE.get("maintenance"))) {
            add("fleetMaintenance", r.path(), r.catalogName(), r.scopes(), r.producedBy(), r.kind());
        }
        structure("fleetMaintenance", "vin");
        // A fleet is the partner's own record (its name, description and id), no vehicle data.
        for (String member : List.of("_links", "id", "name", "description", "createdAt", "updatedAt")) {
            structure("fleet", member);
        }
    }

    private static void status(String path, String name, String types, String... scopes) {
        statusMember(path, (resource, p) -> rule(resource, p, name, types, scopes));
    }

    private static void statusStructure(String path) {
        statusMember(path, FieldRules::structure);
    }

    /**
     * A member of the status, the same member inside telemetry's "vehicle" object, and the
     * status' deprecated spellings of it, which follow exactly the rule of the current one:
     * {@code energy} (one object, or the array of items the platform serves, whose electric item
     * carries the older {@code charging} directly) follows {@code energies}, and
     * {@code preconditionning} follows {@code preconditioning}.
     */
    private static void statusMember(String path, java.util.function.BiConsumer<String, String> add) {
        add.accept("status", path);
        String energies = "energies[].";
        String charging = "energies[].extension.electric.charging.";
        if (path.startsWith(energies)) {
            add.accept("status", "energy." + path.substring(energies.length()));
            add.accept("status", "energy[]." + path.substring(energies.length()));
        }
        if (path.startsWith(charging)) {
            add.accept("status", "energy[].charging." + path.substring(charging.length()));
        }
        if (path.startsWith("preconditioning.")) {
            add.accept("status", "preconditionning." + path.substring("preconditioning.".length()));
        }
        // The telemetry resource holds the same items under its "vehicle" object.
        if (!path.startsWith("lastPosition") && !path.startsWith("privacy") && !path.startsWith("environment")) {
            add.accept("telemetry", "vehicle." + path);
        } else if (!path.startsWith("lastPosition")) {
            add.accept("telemetry", path);
        }
    }

    /** Always shown beside the data of its parent, never data itself. */
    private static void structure(String resource, String path) {
        add(resource, path, null, Set.of(), EnumSet.allOf(Motorization.class), FieldRule.Kind.STRUCTURE);
    }

    /** Kept even when none of its members is data; each member needs its own rule. */
    private static void container(String resource, String path) {
        add(resource, path, null, Set.of(), EnumSet.allOf(Motorization.class), FieldRule.Kind.CONTAINER);
    }

    private static void telemetry(String path, String name, String types, String... scopes) {
        rule("telemetry", path, name, types, scopes);
    }

    private static void rule(String resource, String path, String name, String types, String... scopes) {
        EnumSet<Motorization> produced = EnumSet.noneOf(Motorization.class);
        for (char c : types.toCharArray()) {
            produced.add(switch (c) {
                case 'I' -> Motorization.ICE;
                case 'B' -> Motorization.BEV;
                case 'P' -> Motorization.PHEV;
                case 'F' -> Motorization.FCEV;
                default -> throw new IllegalArgumentException(types);
            });
        }
        add(resource, path, name, new LinkedHashSet<>(List.of(scopes)), produced, FieldRule.Kind.DATA);
    }

    private static void add(String resource, String path, String name, Set<String> scopes,
            Set<Motorization> produced, FieldRule.Kind kind) {
        FieldRule r = new FieldRule(resource, path, name, Collections.unmodifiableSet(scopes),
                Collections.unmodifiableSet(produced), kind);
        RULES.add(r);
        BY_RESOURCE.computeIfAbsent(resource, k -> new ArrayList<>()).add(r);
    }

    public static List<FieldRule> all() {
        return Collections.unmodifiableList(RULES);
    }

    /**
     * The rule governing a path of a resource: the rule of the path itself or of its nearest
     * ancestor that is not a container; empty when no rule covers the path, and then the member
     * is left out of answers.
     */
    public static Optional<FieldRule> governing(String resource, String path) {
        return Optional.ofNullable(node(resource, path).rule());
    }

    /** Whether some rule governs a descendant of this path (the path is a container of data). */
    static boolean containsRules(String resource, String path) {
        return node(resource, path).deeper();
    }

    /** The root of a resource's rules as a tree of field names, for walking a JSON document. */
    static PathNode tree(String resource) {
        PathNode root = Trees.BY_RESOURCE.get(resource);
        return root != null ? root : PathNode.NONE;
    }

    private static PathNode node(String resource, String path) {
        PathNode node = tree(resource);
        for (String token : tokens(path)) {
            node = token.equals(PathNode.ITEMS) ? node.items() : node.child(token);
        }
        return node;
    }

    /** {@code a.b[].c} as {@code a}, {@code b}, {@code []}, {@code c}. */
    private static List<String> tokens(String path) {
        List<String> tokens = new ArrayList<>();
        for (String segment : path.split("\\.")) {
            int arrays = 0;
            while (segment.endsWith(PathNode.ITEMS)) {
                segment = segment.substring(0, segment.length() - 2);
                arrays++;
            }
            if (!segment.isEmpty()) {
                tokens.add(segment);
            }
            for (int i = 0; i < arrays; i++) {
                tokens.add(PathNode.ITEMS);
            }
        }
        return tokens;
    }

    /** Built once all rules are declared. */
    private static final class Trees {
        static final Map<String, PathNode> BY_RESOURCE = new HashMap<>();

        static {
            Map<String, PathNode.Builder> builders = new HashMap<>();
            for (FieldRule rule : RULES) {
                PathNode.Builder node = builders.computeIfAbsent(rule.resource(), k -> new PathNode.Builder());
                for (String token : tokens(rule.path())) {
                    node = node.children.computeIfAbsent(token, k -> new PathNode.Builder());
                }
                if (node.rule != null) {
                    throw new IllegalStateException("two rules for " + rule.resource() + " " + rule.path());
                }
                node.rule = rule;
            }
            builders.forEach((resource, builder) -> BY_RESOURCE.put(resource, builder.build(null)));
        }
    }

    /**
     * A field path in a resource: the rule governing it (its own or its nearest ancestor's that is
     * not a container) and whether rules exist below it. Fields under no rule path resolve to a
     * shared leaf that inherits the rule its parent passes down (none below a container), so
     * walking a document allocates nothing.
     */
    static final class PathNode {
        static final String ITEMS = "[]";
        static final PathNode NONE = new PathNode(null, Map.of());

        private final FieldRule rule;
        private final Map<String, PathNode> children;
        private final PathNode leaf;

        private PathNode(FieldRule rule, Map<String, PathNode> children) {
            this(rule, children, rule);
        }

        private PathNode(FieldRule rule, Map<String, PathNode> children, FieldRule passedDown) {
            this.rule = rule;
            this.children = children;
            this.leaf = children.isEmpty() && passedDown == rule ? this : new PathNode(passedDown, Map.of());
        }

        FieldRule rule() {
            return rule;
        }

        boolean deeper() {
            return !children.isEmpty();
        }

        PathNode child(String name) {
            PathNode child = children.get(name);
            return child != null ? child : leaf;
        }

        PathNode items() {
            return child(ITEMS);
        }

        private static final class Builder {
            FieldRule rule;
            final Map<String, Builder> children = new HashMap<>();

            PathNode build(FieldRule inherited) {
                if (rule != null && rule.kind() == FieldRule.Kind.CONTAINER && children.isEmpty()) {
                    throw new IllegalStateException("a container without member rules: " + rule.path());
                }
                FieldRule governing = rule != null ? rule : inherited;
                // A container covers itself, not its members.
                FieldRule passedDown = governing != null && governing.kind() == FieldRule.Kind.CONTAINER ? inherited
                        : governing;
                Map<String, PathNode> built = new HashMap<>();
                children.forEach((name, child) -> built.put(name, child.build(passedDown)));
                return new PathNode(governing, Map.copyOf(built), passedDown);
            }
        }
    }
}
