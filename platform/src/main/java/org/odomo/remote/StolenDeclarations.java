package org.odomo.remote;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.odomo.events.VehicleDataReceived;
import org.odomo.events.VehicleEvent;
import org.odomo.fleet.FleetMembershipChanged;
import org.odomo.fleet.StolenStates;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;

/**
 * Stolen-vehicle declarations and the positions a vehicle reports while declared stolen. A fleet
 * remote {@code stolen: {stolen: true}} opens one when it is accepted ({@code Declared}); the
 * vehicle's success turns it to {@code Tracking}, its refusal closes it (a time-out leaves it
 * declared); a {@code stolen: false}
 * that the vehicle carries out closes it; a {@code trackingPeriod} the vehicle carries out is
 * recorded on it. Everything is in the database and written in the transaction of the remote
 * action that causes it, under the vehicle's remote lock: any node answers {@link #stolen}.
 */
@Component
class StolenDeclarations implements StolenStates {

    enum State {
        Declared, Tracking, Closed
    }

    record Declaration(String id, String vin, String fleetId, State state, Integer runningPeriod,
            Integer shutdownPeriod, Instant startedAt, Instant endedAt, Instant createdAt, Instant updatedAt) {
        boolean open() {
            return state != State.Closed;
        }
    }

    record Waypoint(Instant at, double longitude, double latitude, Double altitude, Integer heading) {
    }

    /** The most declarations of one vehicle in one fleet read at once (they are rare events). */
    static final int MAX_DECLARATIONS = 1000;

    private static final String COLUMNS = "id, vin, fleet_id, state, running_period, shutdown_period, started_at,"
            + " ended_at, created_at, updated_at";

    private final JdbcClient jdbc;
    private final java.time.Clock clock;

    StolenDeclarations(JdbcClient jdbc, Optional<java.time.Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(java.time.Clock.systemUTC());
    }

    @Override
    public boolean stolen(String vin) {
        return isOpen(vin);
    }

    @Override
    public Optional<tools.jackson.databind.node.ObjectNode> openDeclaration(String fleetId, String vin) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stolen_declaration WHERE fleet_id = ? AND vin = ?"
                + " AND state <> 'Closed' ORDER BY started_at DESC, id LIMIT 1").params(fleetId, vin)
                .query(this::row).optional().map(d -> StolenVehiclesApi.body(this, d));
    }

    boolean isOpen(String vin) {
        return jdbc.sql("SELECT COUNT(*) FROM stolen_declaration WHERE vin = ? AND state <> 'Closed'").param(vin)
                .query(Integer.class).single() > 0;
    }

    /** Opens a declaration unless one is open already (a second declaration changes nothing). */
    void open(String vin, String fleetId, String remoteId, Instant now) {
        if (isOpen(vin)) {
            return;
        }
        jdbc.sql("INSERT INTO stolen_declaration (" + COLUMNS + ", opened_by) VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL,"
                + " ?, ?, ?)")
                .params(UUID.randomUUID().toString(), vin, fleetId, State.Declared.name(), ts(now), ts(now), ts(now),
                        remoteId)
                .update();
    }

    /**
     * A fleet {@code stolen} remote is over.
     *
     * @param params    its {@code RemoteStolen} member
     * @param succeeded whether the vehicle carried it out ({@code Success} or {@code AlreadyDone})
     * @param cause     the failure cause, when it failed
     */
    void actionDone(String vin, String remoteId, JsonNode params, boolean succeeded, String cause, Instant at) {
        if (params.has("stolen")) {
            if (params.get("stolen").asBoolean()) {
                if (succeeded) {
                    // The declaration this action or an earlier one opened: the car tracks now.
                    jdbc.sql("UPDATE stolen_declaration SET state = 'Tracking', updated_at = ? WHERE vin = ?"
                            + " AND state = 'Declared'").params(ts(at), vin).update();
                } else if (!"VehicleConnectionTimeout".equals(cause)) {
                    // The car refused it. A car out of reach stays declared: being out of reach is what
                    // a stolen car often is, and the fleet owner may send the declaration again.
                    jdbc.sql("UPDATE stolen_declaration SET state = 'Closed', ended_at = ?, updated_at = ?"
                            + " WHERE opened_by = ? AND state = 'Declared'").params(ts(at), ts(at), remoteId).update();
                }
            } else if (succeeded) {
                jdbc.sql("UPDATE stolen_declaration SET state = 'Closed', ended_at = ?, updated_at = ? WHERE vin = ?"
                        + " AND state <> 'Closed'").params(ts(at), ts(at), vin).update();
            }
        } else if (params.has("trackingPeriod") && succeeded) {
            JsonNode p = params.get("trackingPeriod");
            jdbc.sql("""
                    UPDATE stolen_declaration SET running_period = COALESCE(?, running_period),
                        shutdown_period = COALESCE(?, shutdown_period), updated_at = ?
                    WHERE vin = ? AND state <> 'Closed'""")
                    .params(p.has("running") ? p.get("running").intValue() : null,
                            p.has("shutdown") ? p.get("shutdown").intValue() : null, ts(at), vin)
                    .update();
        }
    }

    /**
     * Keeps the positions that vehicles declared stolen reported in this batch of events (in the
     * event consumer's transaction; a batch handed again writes nothing twice).
     */
    void positions(List<VehicleEvent> batch) {
        Map<String, List<VehicleDataReceived>> located = new HashMap<>();
        for (VehicleEvent e : batch) {
            if (e instanceof VehicleDataReceived d && d.data() != null
                    && d.data().path("position").path("coordinates").isArray()
                    && d.data().path("position").path("coordinates").size() >= 2) {
                located.computeIfAbsent(d.vin(), k -> new ArrayList<>()).add(d);
            }
        }
        if (located.isEmpty()) {
            return;
        }
        Map<String, Opened> open = openDeclarations(located.keySet());
        for (Map.Entry<String, Opened> declaration : open.entrySet()) {
            for (VehicleDataReceived d : located.get(declaration.getKey())) {
                if (d.at().isBefore(declaration.getValue().startedAt())) {
                    // Measured before the declaration: where the car was, not where the thief took it.
                    continue;
                }
                JsonNode p = d.data().get("position");
                JsonNode c = p.get("coordinates");
                jdbc.sql("INSERT INTO stolen_waypoint (declaration_id, at, longitude, latitude, altitude, heading)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(declaration.getValue().id(), ts(d.at()), c.get(0).doubleValue(), c.get(1).doubleValue(),
                                c.size() > 2 ? c.get(2).doubleValue() : null,
                                p.path("heading").isIntegralNumber() ? p.get("heading").intValue() : null)
                        .update();
            }
        }
    }

    private record Opened(String id, Instant startedAt) {
    }

    /**
     * A vehicle left the fleet that declared it stolen: that fleet can no longer follow or withdraw
     * the declaration, so it is closed (the vehicle is not told; its new keeper declares it again if
     * need be). Otherwise the car's user could never send a remote again.
     */
    @EventListener
    void on(FleetMembershipChanged changed) {
        if (changed.previousFleetId() == null) {
            return;
        }
        Timestamp now = ts(clock.instant());
        jdbc.sql("UPDATE stolen_declaration SET state = 'Closed', ended_at = ?, updated_at = ? WHERE vin = ?"
                + " AND fleet_id = ? AND state <> 'Closed'").params(now, now, changed.vin(), changed.previousFleetId())
                .update();
    }

    /** The open declaration of each of these vehicles that has one, by VIN. */
    private Map<String, Opened> openDeclarations(Collection<String> vins) {
        Map<String, Opened> open = new HashMap<>();
        List<String> all = List.copyOf(vins);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 500));
            jdbc.sql("SELECT vin, id, started_at FROM stolen_declaration WHERE state <> 'Closed' AND vin IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")
                    .params(new ArrayList<Object>(chunk))
                    .query((rs, n) -> Map.entry(rs.getString(1).trim(), new Opened(rs.getString(2), instant(rs, 3))))
                    .list().forEach(e -> open.put(e.getKey(), e.getValue()));
        }
        return open;
    }

    /** A fleet's declarations of one vehicle, oldest first. */
    List<Declaration> of(String fleetId, String vin) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stolen_declaration WHERE fleet_id = ? AND vin = ?"
                + " ORDER BY started_at, id LIMIT ?").params(fleetId, vin, MAX_DECLARATIONS).query(this::row).list();
    }

    Optional<Declaration> find(String fleetId, String vin, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stolen_declaration WHERE id = ? AND fleet_id = ? AND vin = ?")
                .params(id, fleetId, vin).query(this::row).optional();
    }

    int countWaypoints(String declarationId) {
        return jdbc.sql("SELECT COUNT(*) FROM stolen_waypoint WHERE declaration_id = ?").param(declarationId)
                .query(Integer.class).single();
    }

    /** Oldest first. */
    List<Waypoint> waypoints(String declarationId, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("SELECT at, longitude, latitude, altitude, heading FROM stolen_waypoint WHERE declaration_id = ?"
                + " ORDER BY at LIMIT ? OFFSET ?").params(declarationId, limit, offset)
                .query((rs, n) -> new Waypoint(instant(rs, 1), rs.getDouble(2), rs.getDouble(3),
                        (Double) rs.getObject(4, Double.class), (Integer) rs.getObject(5, Integer.class)))
                .list();
    }

    /** The first and the last position of a declaration, if it has any. */
    Optional<Waypoint> firstWaypoint(String declarationId, boolean last) {
        return jdbc.sql("SELECT at, longitude, latitude, altitude, heading FROM stolen_waypoint WHERE declaration_id = ?"
                + " ORDER BY at " + (last ? "DESC" : "ASC") + " LIMIT 1").param(declarationId)
                .query((rs, n) -> new Waypoint(instant(rs, 1), rs.getDouble(2), rs.getDouble(3),
                        (Double) rs.getObject(4, Double.class), (Integer) rs.getObject(5, Integer.class)))
                .optional();
    }

    private Declaration row(ResultSet rs, int n) throws SQLException {
        return new Declaration(rs.getString(1), rs.getString(2).trim(), rs.getString(3), State.valueOf(rs.getString(4)),
                (Integer) rs.getObject(5, Integer.class), (Integer) rs.getObject(6, Integer.class), instant(rs, 7),
                instant(rs, 8), instant(rs, 9), instant(rs, 10));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
