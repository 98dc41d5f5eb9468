package org.odomo.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.odomo.events.AlertClosed;
import org.odomo.events.AlertRaised;
import org.odomo.events.TripEnded;
import org.odomo.events.TripStarted;
import org.odomo.events.VehicleDataReceived;
import org.odomo.events.VehicleEvent;
import org.odomo.monitor.MonitorEvaluation.Position;
import org.odomo.monitor.MonitorEvaluation.VehicleSample;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vehicle's known state as the triggers read it, carried forward event by event: a message's
 * data sample replaces the values it holds and keeps the others (a message about energy says
 * nothing about the position); raised and closed alerts keep the list of open alert types; a trip
 * that starts or stops sets the {@code vehicle.trip.*} data.
 */
final class VehicleSamples {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private VehicleSamples() {
    }

    /**
     * What a finished trip amounted to, as the trips API shows it.
     *
     * @param duration seconds; null when unknown
     * @param distance km; null when unknown
     * @param states   the API's trip states ({@code Nominal}, or its faults)
     */
    record TripFigures(Long duration, Double distance, List<String> states) {
    }

    /** {@link #next(VehicleSample, VehicleEvent, Function)} without the figures of ended trips. */
    static VehicleSample next(VehicleSample previous, VehicleEvent event) {
        return next(previous, event, ended -> Optional.empty());
    }

    /**
     * The state after the event, or null when the event says nothing a trigger reads. The caller
     * decides what an event older than {@code previous} means (the evaluation never fires on it).
     * A trip event says something only about a trip newer than the latest one known (a trip a
     * rebuild found in the past, or a trip event handed again, says nothing); such a sample is
     * dated no earlier than {@code previous}, since the vehicle's other data stays what it was.
     *
     * @param figures the figures of an ended trip, asked only for a trip end that is news
     */
    static VehicleSample next(VehicleSample previous, VehicleEvent event,
            Function<TripEnded, Optional<TripFigures>> figures) {
        Map<DataPath, List<String>> data = new HashMap<>(previous == null ? Map.of() : previous.data());
        Position position = previous == null ? null : previous.position();
        Instant tripStartedAt = previous == null ? null : previous.tripStartedAt();
        if (event instanceof TripStarted started) {
            if (tripStartedAt != null && !started.at().isAfter(tripStartedAt)) {
                return null;
            }
            data.put(DataPath.TRIP_START, List.of(started.tripId()));
            // The figures belong to the trip that ended; the new one has none until it ends.
            data.remove(DataPath.TRIP_DURATION);
            data.remove(DataPath.TRIP_DISTANCE);
            data.remove(DataPath.TRIP_STATE);
            return tripSample(previous, started.at(), position, data, started.at());
        }
        if (event instanceof TripEnded ended) {
            List<String> latest = data.get(DataPath.TRIP_START);
            List<String> id = List.of(ended.tripId());
            // A trip ends news when it is the latest known (or none is: monitors declared mid-trip).
            if (id.equals(data.get(DataPath.TRIP_STOP)) || (latest != null && !latest.equals(id))) {
                return null;
            }
            data.put(DataPath.TRIP_STOP, id);
            figures.apply(ended).ifPresent(f -> {
                if (f.duration() != null) {
                    data.put(DataPath.TRIP_DURATION, List.of(Long.toString(f.duration())));
                }
                if (f.distance() != null) {
                    data.put(DataPath.TRIP_DISTANCE, List.of(Double.toString(f.distance())));
                }
                data.put(DataPath.TRIP_STATE, List.copyOf(f.states()));
            });
            return tripSample(previous, ended.at(), position, data, tripStartedAt);
        }
        if (event instanceof VehicleDataReceived received) {
            List<String> sides = collision(received.event(), "side");
            boolean collided = !sides.isEmpty();
            if (received.data() == null && !collided && !data.containsKey(DataPath.COLLISION_SIDE)) {
                return null;
            }
            // A collision is an instant: what the previous message reported is over.
            data.remove(DataPath.COLLISION_SIDE);
            data.remove(DataPath.COLLISION_SEVERITY);
            if (collided) {
                data.put(DataPath.COLLISION_SIDE, sides);
                data.put(DataPath.COLLISION_SEVERITY, collision(received.event(), "severity"));
            }
            if (received.data() != null) {
                Position p = position(received.data());
                if (p != null) {
                    position = p;
                }
                for (DataPath path : DataPath.values()) {
                    if (path.statusPath().isPresent()) {
                        List<String> values = values(received.data(), path);
                        if (!values.isEmpty()) {
                            data.put(path, values);
                        }
                    }
                }
            }
        } else if (event instanceof AlertRaised raised) {
            Set<String> open = new LinkedHashSet<>(data.getOrDefault(DataPath.ALERT, List.of()));
            open.add(raised.alertType());
            data.put(DataPath.ALERT, List.copyOf(open));
        } else if (event instanceof AlertClosed closed) {
            List<String> open = new ArrayList<>(data.getOrDefault(DataPath.ALERT, List.of()));
            open.remove(closed.alertType());
            data.put(DataPath.ALERT, List.copyOf(open));
        } else {
            return null;
        }
        return new VehicleSample(event.at(), position, Map.copyOf(data), tripStartedAt);
    }

    private static VehicleSample tripSample(VehicleSample previous, Instant at, Position position,
            Map<DataPath, List<String>> data, Instant tripStartedAt) {
        Instant when = previous == null || at.isAfter(previous.at()) ? at : previous.at();
        return new VehicleSample(when, position, Map.copyOf(data), tripStartedAt);
    }

    /** The same state, looked at a later time (the tick job's "now"). */
    static VehicleSample at(VehicleSample sample, Instant at) {
        return new VehicleSample(at, sample.position(), sample.data(), sample.tripStartedAt());
    }

    /** The distinct values of one member of the collision's details, in order; empty when no collision. */
    private static List<String> collision(JsonNode event, String member) {
        if (event == null) {
            return List.of();
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode d : event.path("collision").path("details")) {
            JsonNode v = d.get(member);
            if (v != null && v.isString()) {
                values.add(v.stringValue());
            }
        }
        return List.copyOf(values);
    }

    private static Position position(JsonNode data) {
        JsonNode c = data.path("position").path("coordinates");
        if (!c.isArray() || c.size() < 2 || !c.get(0).isNumber() || !c.get(1).isNumber()) {
            return null;
        }
        return new Position(c.get(0).doubleValue(), c.get(1).doubleValue());
    }

    /**
     * The values at the path's status member ({@code energies[].level}: every energy's level).
     * The energy-specific paths read only the energies of their type.
     */
    static List<String> values(JsonNode data, DataPath path) {
        String[] segments = path.statusPath().orElseThrow().split("\\.");
        List<JsonNode> nodes = List.of(data);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean array = segment.endsWith("[]");
            String name = array ? segment.substring(0, segment.length() - 2) : segment;
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : nodes) {
                JsonNode child = n.get(name);
                if (child == null || child.isNull()) {
                    continue;
                }
                if (array && child.isArray()) {
                    for (JsonNode item : child) {
                        if (i == 0 && name.equals("energies") && !ofEnergy(path, item)) {
                            continue;
                        }
                        next.add(item);
                    }
                } else if (!array) {
                    next.add(child);
                }
            }
            nodes = next;
        }
        List<String> values = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.isValueNode()) {
                values.add(n.asString());
            } else {
                // An object or array watched only for its changes (doors, air conditioning).
                values.add(JSON.writeValueAsString(n));
            }
        }
        return values;
    }

    private static boolean ofEnergy(DataPath path, JsonNode energy) {
        String type = energy.path("type").asString("");
        return switch (path) {
            case ELECTRIC_LEVEL, ELECTRIC_AUTONOMY, CHARGING_STATUS, CHARGING_PLUGGED, CHARGING_TYPE ->
                type.equals("Electric");
            case FUEL_LEVEL, FUEL_AUTONOMY -> type.equals("Fuel");
            default -> true;
        };
    }

    /** The data as stored: wire names to value lists. */
    static String dataJson(Map<DataPath, List<String>> data) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        data.forEach((path, values) -> {
            ArrayNode a = o.putArray(path.wireName());
            values.forEach(a::add);
        });
        return JSON.writeValueAsString(o);
    }

    static Map<DataPath, List<String>> data(String json) {
        Map<DataPath, List<String>> data = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : JSON.readTree(json).properties()) {
            DataPath.ofWireName(e.getKey()).ifPresent(path -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asString()));
                data.put(path, List.copyOf(values));
            });
        }
        return Map.copyOf(data);
    }
}
