package org.odomo.b2c;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.odomo.access.FieldAccess;
import org.odomo.state.StatePart;
import org.odomo.state.VehicleState;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.Vehicle;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the v4 {@code Status} object from the stored state parts, before access filtering. The
 * parts of a state are shared with other readers: what is returned holds them as they are where
 * they need no change (access filtering copies what it trims), and copies of the ones it adds to.
 */
public final class StatusView {

    private StatusView() {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The status as the caller may see it, as the JSON of the answer, or null when access
     * filtering leaves no data. Everything but the links depends only on the state, the
     * powertrain and what the caller may see ({@link FieldAccess} equality), so it is built,
     * filtered and written once per state and kind of caller, then shared: a state never
     * changes, and a cached one answers many calls.
     */
    static byte[] render(Vehicle vehicle, VehicleState state, FieldAccess fields, String clientId) {
        Motorization motorization = vehicle.motorization();
        Filtered filtered = state.derived(new FilteredBody(motorization, fields), s -> {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            // Filtering replaces only the top-level fields of the object it is given.
            copy.setAll(state.<ObjectNode>derived(new Body(motorization), b -> body(motorization, b)));
            boolean data = fields.filter("status", copy);
            return new Filtered(JSON.writeValueAsBytes(copy), data);
        });
        if (!filtered.hasData()) {
            return null;
        }
        String base = "/user/vehicles/" + vehicle.apiId();
        ObjectNode links = JsonNodeFactory.instance.objectNode();
        links.set("self", Links.link(Links.href(clientId, base + "/status")));
        links.set("vehicle", Links.link(Links.href(clientId, base)));
        byte[] linkJson = JSON.writeValueAsBytes(links);
        byte[] body = filtered.json();
        // {"_links":<links>,<the body's fields>}: the body is an object with at least its times.
        ByteArrayOutputStream out = new ByteArrayOutputStream(LINKS_FIELD.length + linkJson.length + body.length + 1);
        out.writeBytes(LINKS_FIELD);
        out.writeBytes(linkJson);
        if (body.length > 2) {
            out.write(',');
            out.write(body, 1, body.length - 1);
        } else {
            out.write('}');
        }
        return out.toByteArray();
    }

    /**
     * The status body (without links) as the reader may see it, or null when filtering leaves no
     * data: the answer of the status operation, for data sent rather than served.
     */
    static ObjectNode data(Vehicle vehicle, VehicleState state, FieldAccess fields) {
        Motorization motorization = vehicle.motorization();
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        copy.setAll(state.<ObjectNode>derived(new Body(motorization), b -> body(motorization, b)));
        return fields.filter("status", copy) ? copy : null;
    }

    /**
     * The whole status body (without links) before access filtering: built once per state and
     * powertrain and shared, so callers must not modify it (filter a shallow copy). For the
     * readers of other APIs that filter it with their own field rules (the B2B API).
     */
    public static ObjectNode body(Vehicle vehicle, VehicleState state) {
        Motorization motorization = vehicle.motorization();
        return state.<ObjectNode>derived(new Body(motorization), b -> body(motorization, b));
    }

    private static final byte[] LINKS_FIELD = "{\"_links\":".getBytes(StandardCharsets.US_ASCII);

    private record Body(Motorization motorization) {
    }

    private record FilteredBody(Motorization motorization, FieldAccess fields) {
    }

    private record Filtered(byte[] json, boolean hasData) {
    }

    private static ObjectNode body(Motorization motorization, VehicleState state) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        Instant measured = state.lastMeasuredAt().orElse(state.updatedAt());
        json.put("createdAt", measured.toString());
        json.put("updatedAt", state.updatedAt().toString());
        copy(state, StatePart.IGNITION, json, "ignition");
        state.part(StatePart.POSITION).ifPresent(p -> json.set("lastPosition", position(p)));
        state.part(StatePart.PRECONDITIONING).ifPresent(p -> {
            ObjectNode airConditioning = withUpdatedAt((ObjectNode) p);
            json.putObject("preconditioning").set("airConditioning", airConditioning);
            // The misspelt deprecated twin that clients of the platform still read.
            json.putObject("preconditionning").set("airConditioning", airConditioning);
        });
        ArrayNode energies = JsonNodeFactory.instance.arrayNode();
        ArrayNode legacyEnergies = JsonNodeFactory.instance.arrayNode();
        for (String part : List.of(StatePart.ENERGY_FUEL, StatePart.ENERGY_ELECTRIC)) {
            state.part(part).ifPresent(e -> {
                ObjectNode energy = statusEnergy((ObjectNode) e);
                energies.add(energy);
                legacyEnergies.add(legacyEnergy(energy));
            });
        }
        if (!energies.isEmpty()) {
            json.set("energies", energies);
            json.set("energy", legacyEnergies);
        }
        JsonNode gmpStatus = state.part(StatePart.POWERTRAIN).map(p -> p.get("status")).orElse(null);
        state.part(StatePart.ENGINES).ifPresent(e -> {
            ArrayNode engines = json.putArray("engines");
            for (JsonNode engine : e.path("items")) {
                ObjectNode copy = (ObjectNode) engine.deepCopy();
                if (!copy.has("createdAt")) {
                    copy.put("createdAt", e.path("createdAt").stringValue());
                }
                withLegacyEngineMembers(copy, gmpStatus);
                engines.add(copy);
            }
        });
        copy(state, StatePart.POWERTRAIN, json, "powertrain");
        copy(state, StatePart.DOORS, json, "doorsState");
        copy(state, StatePart.PRIVACY, json, "privacy");
        copy(state, StatePart.BATTERY, json, "battery");
        if (motorization != Motorization.ICE && !energies.isEmpty()) {
            ObjectNode service = json.putObject("service");
            service.put("type", motorization == Motorization.BEV ? "Electric" : "Hybrid");
            service.put("createdAt", energies.get(0).path("createdAt").stringValue());
        }
        copy(state, StatePart.SAFETY, json, "safety");
        copy(state, StatePart.ODOMETER, json, "odometer");
        copy(state, StatePart.KINETIC, json, "kinetic");
        ObjectNode environment = JsonNodeFactory.instance.objectNode();
        copy(state, StatePart.AIR, environment, "air");
        copy(state, StatePart.LUMINOSITY, environment, "luminosity");
        if (!environment.isEmpty()) {
            json.set("environment", environment);
        }
        copy(state, StatePart.DRIVING_BEHAVIOR, json, "drivingBehavior");
        copy(state, StatePart.LIGHTING, json, "lightingSystem");
        ObjectNode alarm = JsonNodeFactory.instance.objectNode();
        copy(state, StatePart.ALARM_STATUS, alarm, "status");
        state.part(StatePart.ALARM_TRIGGER).ifPresent(t -> alarm.set("trigger", alarmTrigger(t)));
        if (!alarm.isEmpty()) {
            json.set("alarm", alarm);
        }
        return json;
    }

    /**
     * A stored energy part as an item of {@code energies}: a copy in which the battery's load and
     * health carry their own createdAt (the energy's), with the deprecated members of the item
     * filled from their current counterparts, since apps written for the platform still read them:
     * {@code updatedAt} (the energy's createdAt), {@code extension.fuel.consumption} (the instant
     * consumption), {@code extension.electric.battery.capacity} (the load's capacity, both in Wh)
     * and {@code extension.electric.residual} (the load's residual energy, there in kWh). What the
     * vehicle sent itself for a deprecated member is kept.
     */
    private static ObjectNode statusEnergy(ObjectNode stored) {
        ObjectNode energy = stored.deepCopy();
        JsonNode createdAt = energy.path("createdAt");
        if (createdAt.isString()) {
            energy.set("updatedAt", createdAt);
        }
        if (energy.path("extension").path("electric").path("battery") instanceof ObjectNode battery) {
            for (String part : List.of("load", "health")) {
                if (battery.get(part) instanceof ObjectNode node && !node.has("createdAt") && createdAt.isString()) {
                    node.set("createdAt", createdAt);
                }
            }
        }
        withLegacyEnergyMembers(energy);
        return energy;
    }

    /**
     * Fills, in place, the deprecated members an energy item shares with the telemetry's
     * {@code energies} items from their current counterparts: {@code extension.fuel.consumption}
     * (the instant consumption), {@code extension.electric.battery.capacity} (the load's capacity,
     * both in Wh) and {@code extension.electric.residual} (the load's residual energy, there in
     * kWh). What the vehicle sent itself for a deprecated member is kept.
     */
    static void withLegacyEnergyMembers(ObjectNode energy) {
        if (energy.path("extension").path("fuel") instanceof ObjectNode fuel && !fuel.has("consumption")
                && fuel.path("consumptions").path("instant").isNumber()) {
            fuel.putObject("consumption").set("consumption", fuel.path("consumptions").path("instant"));
        }
        if (energy.path("extension").path("electric") instanceof ObjectNode electric
                && electric.get("battery") instanceof ObjectNode battery) {
            JsonNode load = battery.path("load");
            if (!battery.has("capacity") && load.path("capacity").isNumber()) {
                battery.set("capacity", load.path("capacity"));
            }
            if (!electric.has("residual") && load.path("residual").isNumber()) {
                electric.putObject("residual").put("consumption", load.path("residual").asDouble() / 1000);
            }
        }
    }

    /** The members of the older charging object, which the platform sends directly on the electric item. */
    private static final List<String> LEGACY_CHARGING = List.of("plugged", "status", "remainingTime",
            "chargingRate", "chargingMode", "nextDelayedTime");

    /**
     * An item of the deprecated {@code energy} array, which the platform sends (one item per
     * energy type, like {@code energies}) where the published schema declares one object: the
     * {@code energies} item, and on the electric one the older {@code charging} object beside its
     * extension. The item's members are shared with the {@code energies} item, never changed.
     */
    private static ObjectNode legacyEnergy(ObjectNode energy) {
        ObjectNode item = energy.objectNode();
        item.setAll(energy);
        JsonNode charging = energy.path("extension").path("electric").path("charging");
        if (charging.isObject()) {
            ObjectNode legacy = item.putObject("charging");
            for (String member : LEGACY_CHARGING) {
                if (charging.has(member)) {
                    legacy.set(member, charging.get(member));
                }
            }
            if (legacy.isEmpty()) {
                item.remove("charging");
            }
        }
        return item;
    }

    /** A copy of a timed part with the deprecated {@code updatedAt} beside its createdAt. */
    private static ObjectNode withUpdatedAt(ObjectNode part) {
        ObjectNode copy = part.objectNode();
        copy.setAll(part);
        if (part.path("createdAt").isString()) {
            copy.set("updatedAt", part.get("createdAt"));
        }
        return copy;
    }

    /**
     * The deprecated members of an engine: {@code oil.temp}, the thermic extension's oil
     * temperature, and {@code gmpStatus}, the state of the powertrain (its "groupe
     * motopropulseur"), as the powertrain part last gave it.
     */
    static void withLegacyEngineMembers(ObjectNode engine, JsonNode gmpStatus) {
        JsonNode oilTemp = engine.path("extension").path("thermic").path("oil").path("temp");
        if (oilTemp.isNumber() && !engine.has("oil")) {
            engine.putObject("oil").set("temp", oilTemp);
        }
        if (gmpStatus != null && gmpStatus.isString()) {
            engine.set("gmpStatus", gmpStatus);
        }
    }

    /** A stored position part as a GeoJSON feature. */
    public static ObjectNode position(JsonNode part) {
        ObjectNode feature = JsonNodeFactory.instance.objectNode();
        feature.put("type", "Feature");
        ObjectNode geometry = feature.putObject("geometry");
        geometry.put("type", "Point");
        geometry.set("coordinates", part.path("coordinates"));
        ObjectNode properties = feature.putObject("properties");
        properties.put("createdAt", part.path("createdAt").stringValue());
        for (String f : List.of("heading", "signalQuality", "type", "fixStatus")) {
            if (part.has(f)) {
                properties.set(f, part.get(f));
            }
        }
        return feature;
    }

    private static ObjectNode alarmTrigger(JsonNode stored) {
        ObjectNode trigger = JsonNodeFactory.instance.objectNode();
        trigger.put("type", stored.path("type").stringValue());
        trigger.put("startAt", stored.path("startAt").stringValue());
        trigger.put("createdAt", stored.path("createdAt").stringValue());
        if (stored.has("coordinates")) {
            ObjectNode feature = JsonNodeFactory.instance.objectNode();
            feature.put("type", "Feature");
            ObjectNode geometry = feature.putObject("geometry");
            geometry.put("type", "Point");
            geometry.set("coordinates", stored.get("coordinates"));
            feature.putObject("properties").put("createdAt", stored.path("startAt").stringValue());
            trigger.set("position", feature);
        }
        return trigger;
    }

    private static void copy(VehicleState state, String part, ObjectNode target, String name) {
        JsonNode p = state.parts().get(part);
        if (p != null) {
            target.set(name, p);
        }
    }
}
