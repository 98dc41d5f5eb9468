package org.odomo.state;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes batches of accepted messages: the message log (which also makes re-delivery a no-op),
 * the current state, and the typed history (positions, maintenance, alerts, collisions, alarms),
 * all in one transaction per batch.
 *
 * <p>Current states are cached between batches; the version column detects a state another node
 * changed meanwhile, and the whole batch is then rolled back and retried from fresh reads.
 */
@Service
public class VehicleStateWriter {

    private static final int CACHE_LIMIT = 50_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Map<String, CachedState> cache = new ConcurrentHashMap<>();
    private final CurrentStateCache currentStates;
    private final StateText text;
    private volatile BatchStatements statements;

    /** A committed state, with the JSON texts of its parts (see {@link StateText}). */
    private record CachedState(ObjectNode doc, long version, Map<JsonNode, String> partTexts) {
    }

    VehicleStateWriter(JdbcTemplate jdbc, PlatformTransactionManager transactions, CurrentStateCache currentStates) {
        this.jdbc = jdbc;
        this.currentStates = currentStates;
        this.tx = new TransactionTemplate(transactions);
        this.json = JsonMapper.builder().build();
        this.text = new StateText(json);
    }

    /**
     * Writes the batch in one transaction. Messages of one VIN must be given in arrival order,
     * and no two calls may run at the same time for the same VIN on this node. At the end of the
     * transaction {@code inTransaction} is given what each stored message (duplicates left out)
     * did to its vehicle's state, to write more in the same transaction: whatever it writes
     * commits or rolls back with the batch.
     */
    public WriteResult write(List<IncomingMessage> batch, Consumer<List<StoredChange>> inTransaction) {
        if (statements == null) {
            statements = BatchStatements.of(jdbc);
        }
        Set<String> vins = new LinkedHashSet<>();
        batch.forEach(m -> vins.add(m.message().vin()));
        Map<String, CachedState> written = new HashMap<>();
        try {
            WriteResult result = tx.execute(status -> doWrite(batch, vins, written, inTransaction));
            if (cache.size() + written.size() > CACHE_LIMIT) {
                trimCache();
            }
            cache.putAll(written);
            return result;
        } catch (RuntimeException e) {
            vins.forEach(cache::remove);
            throw e;
        } finally {
            // After the commit (or the rollback): a read from now on sees the new state.
            vins.forEach(currentStates::forget);
        }
    }

    private WriteResult doWrite(List<IncomingMessage> batch, Set<String> vins, Map<String, CachedState> written,
            Consumer<List<StoredChange>> inTransaction) {
        List<Boolean> stored = insertMessages(batch);
        Map<String, ObjectNode> docs = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        Map<String, Map<JsonNode, String>> partTexts = new HashMap<>();
        loadStates(vins, docs, versions, partTexts);
        Map<String, Map<String, Instant>> openAlerts = loadOpenAlerts(batch, stored);
        Map<String, Instant> newest = new HashMap<>();
        List<StoredChange> changes = new ArrayList<>();

        Map<Integer, Set<String>> changed = new HashMap<>();
        // Sorted: every node updates states in the same order, so two batches never deadlock.
        Set<String> dirty = new TreeSet<>();
        List<Object[]> positions = new ArrayList<>();
        List<Object[]> maintenance = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!stored.get(i)) {
                continue;
            }
            IncomingMessage in = batch.get(i);
            VehicleMessage msg = in.message();
            ObjectNode doc = docs.computeIfAbsent(msg.vin(), v -> json.createObjectNode());
            ObjectNode before = snapshot(doc);
            Instant newestBefore = newest.computeIfAbsent(msg.vin(), v -> newestPart(doc));
            Set<String> parts = new LinkedHashSet<>(StateMerge.apply(doc, msg.data(), msg.at()));
            collectHistory(msg, positions, maintenance);
            if (parts.contains(StatePart.ALARM_STATUS)) {
                // Alarm status is reported in every sample; the history keeps its changes only.
                JsonNode alarm = doc.get(StatePart.ALARM_STATUS);
                jdbc.update("INSERT INTO alarm_event (id, vin, kind, measured_at, body) VALUES (?, ?, 'status', ?, ?)",
                        newId(), msg.vin(), odt(partTime(alarm, msg.at())), json.writeValueAsString(alarm));
            }
            StoredChange.AlertChange alert = null;
            if (msg.type() == MessageType.EVENT) {
                alert = applyEvent(in, doc, parts, openAlerts.computeIfAbsent(msg.vin(), v -> new HashMap<>()));
            }
            if (!parts.isEmpty()) {
                dirty.add(msg.vin());
                changed.put(i, parts);
                newest.put(msg.vin(), later(newestBefore, newestPart(doc, parts)));
            }
            boolean older = parts.isEmpty() && newestBefore != null && msg.at().isBefore(newestBefore);
            changes.add(new StoredChange(i, in, before, parts.isEmpty() ? before : snapshot(doc), Set.copyOf(parts),
                    older, alert));
        }
        statements.insertPositions(positions);
        statements.insertMaintenance(maintenance);
        Map<String, String> privacy = saveStates(dirty, docs, versions, partTexts, written, changed, batch);
        // Last, so that whatever it locks is held for as short a time as possible.
        inTransaction.accept(changes);
        return new WriteResult(stored, changed, privacy);
    }

    /** A copy sharing the parts, which are replaced, never changed in place. */
    private ObjectNode snapshot(ObjectNode doc) {
        ObjectNode copy = json.createObjectNode();
        copy.setAll(doc);
        return copy;
    }

    /** The newest measurement time among the given parts of a state, or null. */
    private static Instant newestPart(ObjectNode doc, Iterable<String> parts) {
        Instant newest = null;
        for (String name : parts) {
            JsonNode part = doc.get(name);
            newest = part == null ? newest : later(newest, partTime(part, null));
        }
        return newest;
    }

    private static Instant newestPart(ObjectNode doc) {
        return newestPart(doc, doc.propertyNames());
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || !b.isAfter(a) ? a : b;
    }

    /** The open alerts (type to start) of the vehicles whose stored messages raise or clear one. */
    private Map<String, Map<String, Instant>> loadOpenAlerts(List<IncomingMessage> batch, List<Boolean> stored) {
        Set<String> vins = new TreeSet<>();
        for (int i = 0; i < batch.size(); i++) {
            String name = batch.get(i).message().eventName();
            if (stored.get(i) && ("alertRaised".equals(name) || "alertCleared".equals(name))) {
                vins.add(batch.get(i).message().vin());
            }
        }
        Map<String, Map<String, Instant>> open = new HashMap<>();
        for (String vin : vins) {
            Map<String, Instant> types = new HashMap<>();
            jdbc.query("SELECT type, started_at FROM alert WHERE vin = ? AND active", rs -> {
                Instant startedAt = rs.getObject(2, OffsetDateTime.class).toInstant();
                types.merge(rs.getString(1), startedAt, (a, b) -> a.isBefore(b) ? a : b);
            }, vin);
            open.put(vin, types);
        }
        return open;
    }

    private List<Boolean> insertMessages(List<IncomingMessage> batch) {
        List<Object[]> rows = new ArrayList<>(batch.size());
        Set<String> seen = new HashSet<>();
        List<Boolean> firstInBatch = new ArrayList<>(batch.size());
        for (IncomingMessage in : batch) {
            VehicleMessage m = in.message();
            boolean first = seen.add(m.vin() + '\u0000' + m.id());
            firstInBatch.add(first);
            if (first) {
                rows.add(new Object[] {m.vin(), m.id(), m.type().wireName(), odt(m.at()), odt(in.receivedAt()),
                        in.storedBody()});
            }
        }
        boolean[] inserted = rows.isEmpty() ? new boolean[0] : statements.insertMessages(rows);
        List<Boolean> stored = new ArrayList<>(batch.size());
        int r = 0;
        for (Boolean first : firstInBatch) {
            stored.add(first && inserted[r++]);
        }
        return stored;
    }

    private void loadStates(Set<String> vins, Map<String, ObjectNode> docs, Map<String, Long> versions,
            Map<String, Map<JsonNode, String>> partTexts) {
        List<String> missing = new ArrayList<>();
        for (String vin : vins) {
            CachedState c = cache.get(vin);
            if (c != null) {
                // A new document holding the same parts: merging replaces parts, never changes
                // one in place, so the cached document stays as committed if this batch fails.
                ObjectNode doc = json.createObjectNode();
                doc.setAll(c.doc());
                docs.put(vin, doc);
                versions.put(vin, c.version());
                partTexts.put(vin, c.partTexts());
            } else {
                missing.add(vin);
            }
        }
        statements.loadStates(missing, rs -> {
            String vin = rs.getString(1).trim();
            docs.put(vin, (ObjectNode) json.readTree(rs.getString(2)));
            versions.put(vin, rs.getLong(3));
        });
    }

    private Map<String, String> saveStates(Set<String> dirty, Map<String, ObjectNode> docs, Map<String, Long> versions,
            Map<String, Map<JsonNode, String>> partTexts, Map<String, CachedState> written,
            Map<Integer, Set<String>> changed, List<IncomingMessage> batch) {
        Map<String, String> privacy = new LinkedHashMap<>();
        if (dirty.isEmpty()) {
            return privacy;
        }
        Instant now = batch.get(batch.size() - 1).receivedAt();
        List<String> updates = new ArrayList<>();
        List<Object[]> updateRows = new ArrayList<>();
        List<String> inserts = new ArrayList<>();
        List<Object[]> insertRows = new ArrayList<>();
        for (String vin : dirty) {
            StateText.Written doc = text.write(docs.get(vin), partTexts.getOrDefault(vin, Map.of()));
            Long version = versions.get(vin);
            if (version == null) {
                inserts.add(vin);
                insertRows.add(new Object[] {vin, doc.json(), 1L, odt(now)});
                written.put(vin, new CachedState(docs.get(vin), 1L, doc.parts()));
            } else {
                updates.add(vin);
                updateRows.add(new Object[] {vin, doc.json(), version + 1, odt(now), version});
                written.put(vin, new CachedState(docs.get(vin), version + 1, doc.parts()));
            }
        }
        if (!insertRows.isEmpty()) {
            Set<String> inserted = statements.insertStates(insertRows);
            for (String vin : inserts) {
                if (!inserted.contains(vin)) {
                    throw new ConcurrentStateUpdateException(vin);
                }
            }
        }
        if (!updateRows.isEmpty()) {
            Set<String> updated = statements.updateStates(updateRows);
            for (String vin : updates) {
                if (!updated.contains(vin)) {
                    throw new ConcurrentStateUpdateException(vin);
                }
            }
        }
        for (Map.Entry<Integer, Set<String>> e : changed.entrySet()) {
            if (e.getValue().contains(StatePart.PRIVACY)) {
                String vin = batch.get(e.getKey()).message().vin();
                privacy.put(vin, docs.get(vin).path(StatePart.PRIVACY).path("state").stringValue());
            }
        }
        return privacy;
    }

    private void collectHistory(VehicleMessage msg, List<Object[]> positions, List<Object[]> maintenance) {
        ObjectNode data = msg.data();
        if (data == null) {
            return;
        }
        JsonNode position = data.get("position");
        if (position != null) {
            JsonNode c = position.get("coordinates");
            Instant at = partTime(position, msg.at());
            JsonNode speed = data.path("kinetic").get("speed");
            positions.add(new Object[] {msg.vin(), msg.id(), odt(at), c.get(0).doubleValue(), c.get(1).doubleValue(),
                    c.size() > 2 ? c.get(2).doubleValue() : null, intOrNull(position.get("heading")),
                    intOrNull(position.get("signalQuality")), textOrNull(position.get("type")),
                    textOrNull(position.get("fixStatus")), speed == null ? null : speed.doubleValue()});
        }
        JsonNode m = data.get("maintenance");
        if (m != null) {
            maintenance.add(new Object[] {msg.vin(), msg.id(), odt(partTime(m, msg.at())),
                    intOrNull(m.get("daysBeforeMaintenance")),
                    m.has("mileageBeforeMaintenance") ? m.get("mileageBeforeMaintenance").doubleValue() : null});
        }
    }

    private StoredChange.AlertChange applyEvent(IncomingMessage in, ObjectNode doc, Set<String> parts,
            Map<String, Instant> openAlerts) {
        VehicleMessage msg = in.message();
        ObjectNode event = msg.event();
        String name = msg.eventName();
        double[] where = in.locationAllowed() ? positionOf(msg, doc) : null;
        OffsetDateTime at = odt(msg.at());
        StoredChange.AlertChange alert = null;
        switch (name) {
            case "alertRaised" -> {
                alert = AlertTransitions.apply(openAlerts, msg);
                if (alert != null) {
                    jdbc.update("""
                            INSERT INTO alert (id, vin, type, severity, active, started_at, start_longitude,
                                start_latitude, start_altitude, start_pos_at, created_at, updated_at)
                            VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?)""",
                            newId(), msg.vin(), alert.type(), alert.severity(), at,
                            coord(where, 0), coord(where, 1), coord(where, 2), where == null ? null : posTime(doc, at),
                            odt(in.receivedAt()), odt(in.receivedAt()));
                }
            }
            case "alertCleared" -> {
                alert = AlertTransitions.apply(openAlerts, msg);
                if (alert != null) {
                    jdbc.update("""
                            UPDATE alert SET active = FALSE, end_at = ?, end_longitude = ?, end_latitude = ?,
                                end_altitude = ?, end_pos_at = ?, updated_at = ?
                            WHERE vin = ? AND type = ? AND active AND started_at <= ?""",
                            at, coord(where, 0), coord(where, 1), coord(where, 2),
                            where == null ? null : posTime(doc, at), odt(in.receivedAt()), msg.vin(), alert.type(), at);
                }
            }
            case "collision" -> {
                JsonNode c = event.path("collision");
                jdbc.update("""
                        INSERT INTO collision (id, vin, occurred_at, details, tipped_over, pedestrian, longitude,
                            latitude, altitude, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        newId(), msg.vin(), at, json.writeValueAsString(c.path("details")),
                        c.has("tippedOver") ? c.get("tippedOver").booleanValue() : null,
                        c.has("pedestrian") ? c.get("pedestrian").booleanValue() : null,
                        coord(where, 0), coord(where, 1), coord(where, 2), odt(in.receivedAt()));
            }
            case "alarm" -> {
                ObjectNode trigger = (ObjectNode) event.path("alarm").path("trigger");
                ObjectNode body = trigger.deepCopy();
                body.put("startAt", msg.at().toString());
                if (where != null) {
                    body.set("coordinates", where.length > 2
                            ? json.valueToTree(new double[] {where[0], where[1], where[2]})
                            : json.valueToTree(new double[] {where[0], where[1]}));
                }
                jdbc.update("INSERT INTO alarm_event (id, vin, kind, measured_at, body) VALUES (?, ?, 'trigger', ?, ?)",
                        newId(), msg.vin(), at, json.writeValueAsString(body));
                if (StateMerge.applyAlarmTrigger(doc, body, msg.at())) {
                    parts.add(StatePart.ALARM_TRIGGER);
                }
            }
            default -> {
                // ignition, doors, charging and preconditioning events carry only data.
            }
        }
        return alert;
    }

    /** Where the vehicle was: the message's own position, else the last one in the state. */
    private static double[] positionOf(VehicleMessage msg, ObjectNode doc) {
        JsonNode position = msg.data() != null && msg.data().has("position") ? msg.data().get("position")
                : doc.get(StatePart.POSITION);
        if (position == null) {
            return null;
        }
        JsonNode c = position.get("coordinates");
        return c.size() > 2 ? new double[] {c.get(0).doubleValue(), c.get(1).doubleValue(), c.get(2).doubleValue()}
                : new double[] {c.get(0).doubleValue(), c.get(1).doubleValue()};
    }

    private static OffsetDateTime posTime(ObjectNode doc, OffsetDateTime fallback) {
        JsonNode p = doc.get(StatePart.POSITION);
        return p != null && p.has("createdAt") ? odt(MeasuredAt.parse(p.get("createdAt").stringValue())) : fallback;
    }

    private static Double coord(double[] where, int i) {
        return where == null || where.length <= i ? null : where[i];
    }

    private void trimCache() {
        Iterator<String> it = cache.keySet().iterator();
        int drop = cache.size() / 4;
        while (it.hasNext() && drop-- > 0) {
            it.next();
            it.remove();
        }
    }

    private static Instant partTime(JsonNode part, Instant fallback) {
        JsonNode c = part.get("createdAt");
        return c != null && c.isString() ? MeasuredAt.parse(c.stringValue()) : fallback;
    }

    private static Integer intOrNull(JsonNode n) {
        return n == null ? null : n.intValue();
    }

    private static String textOrNull(JsonNode n) {
        return n == null ? null : n.stringValue();
    }

    static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

}
