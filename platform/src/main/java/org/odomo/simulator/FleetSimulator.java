package org.odomo.simulator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fleet of simulated cars talking to the platform through a {@link VehicleTransport}, as real
 * cars would: telemetry, events, sleep and wake-up, answers to remote commands, per the vehicle
 * protocol v1.
 * <p>
 * One scheduler thread runs every car: an agenda (an indexed heap of next-step times) holds when
 * each car must act next, and downlink messages and acknowledgements from other threads are queued
 * to it. Cars are compact twins of primitive fields; their JSON is built only when a message is
 * sent. With a {@link SimClock.Manual manual clock} nothing runs by itself: {@link #runDue()} runs
 * what is due on the calling thread, which makes runs reproducible byte for byte.
 * <p>
 * Persistence: {@link #save(FleetSimulator, Path)} writes every car (its registration, credential,
 * twin state, unacknowledged messages and commands in progress) as one JSON document;
 * {@link #load} rebuilds a fleet from it. A restored car never goes back in odometer and never
 * reuses a message id.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final String FORMAT = "odomo-fleet-simulator";
    private static final int BATCH = 20_000;

    private final VehicleTransport transport;
    private final ProtocolCodec codec;
    private final SimulatorSettings settings;
    private final SimClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Twin> twins = new ArrayList<>();
    private final Map<String, Twin> byVin = new HashMap<>();
    private final TimeHeap agenda = new TimeHeap();
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final Messenger messenger;
    private final Behaviour behaviour;
    private volatile Thread worker;
    private volatile boolean running;
    private boolean closed;
    private long downlinks;
    private long downlinksIgnored;

    private record Downlink(int index, byte[] json) {
    }

    private record Result(Pending message, boolean ok) {
    }

    /** A fleet on the real-time clock of the settings (accelerated by their time factor). */
    public FleetSimulator(VehicleTransport transport, ProtocolCodec codec, SimulatorSettings settings) {
        this(transport, codec, settings, SimClock.accelerated(
                settings.start() != null ? settings.start() : Instant.now().truncatedTo(ChronoUnit.SECONDS),
                settings.timeFactor()));
    }

    public FleetSimulator(VehicleTransport transport, ProtocolCodec codec, SimulatorSettings settings, SimClock clock) {
        this.transport = transport;
        this.codec = codec;
        this.settings = settings;
        this.clock = clock;
        this.messenger = new Messenger(codec, settings, !transport.linksProveTheVehicle(), new Messenger.Results() {
            @Override
            public boolean inline() {
                return lock.isHeldByCurrentThread();
            }

            @Override
            public void later(Pending message, boolean ok) {
                inbox.add(new Result(message, ok));
                signal();
            }
        });
        this.behaviour = new Behaviour(settings, messenger, nodes);
    }

    public SimClock clock() {
        return clock;
    }

    /** Adds a car, parked at home and asleep; it introduces itself within the settings' intro spread. */
    public void add(SimulatedVehicle vehicle) {
        lock.lock();
        try {
            checkOpen();
            if (byVin.containsKey(vehicle.vin())) {
                throw new IllegalArgumentException("vehicle already simulated: " + vehicle.vin());
            }
            Twin t = new Twin(twins.size(), vehicle);
            behaviour.init(t, nowSeconds());
            register(t);
        } finally {
            lock.unlock();
        }
    }

    private void register(Twin t) {
        int index = t.index;
        t.link = transport.connect(t.vin(), t.spec.credential(), json -> {
            inbox.add(new Downlink(index, json));
            signal();
        });
        twins.add(t);
        byVin.put(t.vin(), t);
        agenda.set(index, t.nextTime());
    }

    /** The cars simulated, with the upload categories they currently apply. */
    public List<SimulatedVehicle> vehicles() {
        lock.lock();
        try {
            List<SimulatedVehicle> list = new ArrayList<>(twins.size());
            for (Twin t : twins) {
                list.add(currentSpec(t));
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    private static SimulatedVehicle currentSpec(Twin t) {
        Set<DataCategory> upload = EnumSet.noneOf(DataCategory.class);
        for (DataCategory c : DataCategory.values()) {
            if ((t.upload & Samples.bit(c)) != 0) {
                upload.add(c);
            }
        }
        SimulatedVehicle s = t.spec;
        return new SimulatedVehicle(s.vin(), s.modelCode(), s.credential(), s.privacyMode(), upload,
                s.homeLongitude(), s.homeLatitude());
    }

    /** Starts the scheduler thread (and the real-time clock). */
    public void start() {
        lock.lock();
        try {
            checkOpen();
            if (running) {
                return;
            }
            if (clock instanceof SimClock.Accelerated accelerated) {
                accelerated.start();
            }
            running = true;
            Thread thread = new Thread(this::loop, "fleet-simulator");
            thread.setDaemon(true);
            worker = thread;
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs, on the calling thread, everything due up to the clock's current time: downlinks and
     * acknowledgements received, then every car step in time order. Meant for manual clocks.
     *
     * @return the number of car steps run
     */
    public int runDue() {
        int steps = 0;
        while (true) {
            lock.lock();
            try {
                long now = nowSeconds();
                drainInbox(now);
                int n = processDue(now, BATCH);
                steps += n;
                if (n < BATCH && inbox.isEmpty()) {
                    return steps;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void loop() {
        while (running) {
            long waitNanos;
            lock.lock();
            try {
                long now = nowSeconds();
                drainInbox(now);
                if (processDue(now, BATCH) == BATCH) {
                    continue;
                }
                waitNanos = agenda.isEmpty() ? 50_000_000L
                        : Math.min(50_000_000L, realNanosUntil(agenda.peekTime()));
            } catch (RuntimeException e) {
                // a broken car must not stop the fleet: log and go on
                System.getLogger(FleetSimulator.class.getName()).log(System.Logger.Level.ERROR,
                        "fleet simulator step failed", e);
                waitNanos = 1_000_000L;
            } finally {
                lock.unlock();
            }
            if (waitNanos > 0 && inbox.isEmpty()) {
                LockSupport.parkNanos(this, waitNanos);
            }
        }
    }

    private long realNanosUntil(long epochSecond) {
        if (clock instanceof SimClock.Accelerated accelerated) {
            return accelerated.realNanosUntil(epochSecond);
        }
        return 5_000_000L;
    }

    private void signal() {
        Thread t = worker;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    long nowSeconds() {
        long millis = clock instanceof SimClock.Accelerated accelerated ? accelerated.nowMillis()
                : clock.now().toEpochMilli();
        return Math.floorDiv(millis, 1000L);
    }

    private int processDue(long now, int budget) {
        int n = 0;
        while (n < budget && !agenda.isEmpty() && agenda.peekTime() <= now) {
            int index = agenda.peekIndex();
            long at = agenda.peekTime();
            Twin t = twins.get(index);
            long stepAt = Math.max(at, t.lastT);
            behaviour.step(t, stepAt);
            long next = t.nextTime();
            agenda.set(index, next <= stepAt ? stepAt + 1 : next);
            n++;
        }
        return n;
    }

    private void drainInbox(long now) {
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof Result r) {
                Twin t = r.message().twin;
                if (twins.get(t.index) == t) {
                    messenger.result(r.message(), r.ok(), Math.max(now, t.lastT));
                    agenda.set(t.index, t.nextTime());
                } else {
                    messenger.settled++; // a car replaced by a restore: its old message is settled all the same
                }
            } else if (item instanceof Downlink d) {
                Twin t = twins.get(d.index());
                long at = Math.max(now, t.lastT);
                t.lastT = at;
                downlink(t, d.json(), at);
                agenda.set(t.index, t.nextTime());
            }
        }
    }

    private void downlink(Twin t, byte[] json, long now) {
        downlinks++;
        JsonNode root;
        try {
            root = codec.readTree(json);
        } catch (RuntimeException e) {
            downlinksIgnored++;
            return;
        }
        MessageType type = root != null && root.isObject() && root.path("type").isString()
                ? MessageType.ofWire(root.path("type").stringValue()).orElse(null) : null;
        if (type == null || type.isUplink() || root.path("v").intValue() != ProtocolCodec.VERSION
                || !t.vin().equals(root.path("vin").asString(null))) {
            downlinksIgnored++;
            return;
        }
        switch (type) {
            case WAKE_UP -> behaviour.wakeUp(t, now);
            case CONFIG -> {
                JsonNode categories = root.path("upload").path("categories");
                if (!categories.isArray()) {
                    downlinksIgnored++;
                    return;
                }
                int mask = 0;
                for (JsonNode c : categories) {
                    for (DataCategory d : DataCategory.values()) {
                        if (d.wireName().equals(c.asString(""))) {
                            mask |= Samples.bit(d);
                        }
                    }
                }
                t.upload = mask;
                if (t.awake) {
                    t.lastExchange = now;
                }
            }
            case COMMAND -> {
                // a sleeping car does not hear commands: the platform must wake it first
                if (!t.awake || !t.introduced) {
                    downlinksIgnored++;
                    return;
                }
                t.lastExchange = now;
                if (!behaviour.commands.receive(t, now, root.path("command"))) {
                    downlinksIgnored++;
                }
            }
            default -> downlinksIgnored++;
        }
    }

    public SimulatorStats stats() {
        lock.lock();
        try {
            int awake = 0;
            int driving = 0;
            int charging = 0;
            for (Twin t : twins) {
                awake += t.awake ? 1 : 0;
                driving += t.mode == Twin.DRIVING ? 1 : 0;
                charging += t.charging() ? 1 : 0;
            }
            return new SimulatorStats(Instant.ofEpochSecond(nowSeconds()), twins.size(), awake, twins.size() - awake,
                    driving, charging, messenger.sent, messenger.acked, messenger.failed, messenger.pending,
                    messenger.dropped, downlinks, downlinksIgnored);
        } finally {
            lock.unlock();
        }
    }

    /** How far behind its clock the scheduler is, in simulated seconds (0 when it keeps up). */
    public long lagSeconds() {
        lock.lock();
        try {
            return agenda.isEmpty() ? 0 : Math.max(0, nowSeconds() - agenda.peekTime());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Plans a collision for a car: it has one (of a random severity, reported as any other) on its
     * first driving step at or after {@code notBefore}.
     */
    public void planCollision(String vin, Instant notBefore) {
        lock.lock();
        try {
            Twin t = known(vin);
            t.collisionAt = notBefore.getEpochSecond();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a parked car leave on an errand by {@code at} (at once when that time is past).
     *
     * @return false when the car is not parked (driving or charging on the way already)
     */
    public boolean departBy(String vin, Instant at) {
        lock.lock();
        try {
            Twin t = known(vin);
            boolean parked = behaviour.departBy(t, at.getEpochSecond());
            agenda.set(t.index, t.nextTime());
            signal();
            return parked;
        } finally {
            lock.unlock();
        }
    }

    /** Messages handed to the transport whose outcome the fleet has not yet taken in. */
    public long inFlight() {
        lock.lock();
        try {
            return messenger.sent - messenger.settled;
        } finally {
            lock.unlock();
        }
    }

    private Twin known(String vin) {
        Twin t = byVin.get(vin);
        if (t == null) {
            throw new IllegalArgumentException("vehicle not simulated: " + vin);
        }
        return t;
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * Writes the whole fleet as one JSON document (streamed: a car at a time). Taken while running,
     * each car's message counter is saved {@code idReserve} ahead, since the car goes on sending
     * after the snapshot. The stream is flushed, not closed.
     */
    public void snapshot(OutputStream out) {
        lock.lock();
        try {
            JsonGenerator g = codec.json().createGenerator(out);
            g.writeStartObject();
            g.writeStringProperty("format", FORMAT);
            g.writeNumberProperty("version", 1);
            g.writeNumberProperty("seed", settings.seed());
            g.writeStringProperty("simulatedTime", Instant.ofEpochSecond(nowSeconds()).toString());
            g.writeName("vehicles");
            g.writeStartArray();
            long reserve = running ? settings.idReserve() : 0;
            for (Twin t : twins) {
                g.writeTree(vehicleJson(t, reserve));
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode vehicleJson(Twin t, long reserve) {
        SimulatedVehicle s = currentSpec(t);
        ObjectNode v = nodes.objectNode();
        v.put("vin", s.vin()).put("model", s.modelCode()).put("credential", s.credential())
                .put("privacy", s.privacyMode().name());
        ArrayNode upload = v.putArray("upload");
        for (DataCategory c : DataCategory.values()) {
            if (s.upload().contains(c)) {
                upload.add(c.wireName());
            }
        }
        v.putArray("home").add(s.homeLongitude()).add(s.homeLatitude());
        ObjectNode state = v.putObject("state");
        t.writeState(state);
        state.put("counter", t.counter + reserve);
        ArrayNode pending = v.putArray("pending");
        if (t.outbox != null) {
            for (Pending p : t.outbox) {
                pending.addObject().put("type", p.type.wireName()).put("attempts", p.attempts)
                        .put("json", new String(p.json, StandardCharsets.UTF_8));
            }
        }
        ArrayNode commands = v.putArray("commands");
        if (t.commands != null) {
            for (Cmd c : t.commands) {
                commands.addObject().put("id", c.id).put("action", c.action).put("phase", c.phase).put("at", c.at)
                        .set("params", c.params);
            }
        }
        ArrayNode recent = v.putArray("recentCommands");
        if (t.recent != null) {
            for (Cmd c : t.recent) {
                ObjectNode r = recent.addObject().put("id", c.id).put("action", c.action).put("result", c.result);
                if (c.failureCause != null) {
                    r.put("failureCause", c.failureCause);
                }
                if (c.feedbackDetail != null) {
                    r.put("feedbackDetail", c.feedbackDetail);
                }
            }
        }
        return v;
    }

    /**
     * Reads a snapshot written by {@link #snapshot}: known cars (same VIN) take the saved state,
     * others are added with it. Only before {@link #start()}. A real-time clock not yet started is
     * moved forward to the saved time; a car whose state is older than the catch-up limit is
     * settled at the current time instead of replaying the gap. Unacknowledged messages are resent
     * as they were.
     */
    public void restore(InputStream in) {
        lock.lock();
        try {
            checkOpen();
            if (running) {
                throw new IllegalStateException("restore before start()");
            }
            List<Twin> restored = new ArrayList<>();
            ObjectReader tree = codec.json().readerFor(JsonNode.class)
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            Instant savedAt = null;
            try (JsonParser p = codec.json().createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("not a fleet snapshot");
                }
                boolean format = false;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "format" -> format = FORMAT.equals(p.getString());
                        case "simulatedTime" -> savedAt = Instant.parse(p.getString());
                        case "vehicles" -> {
                            if (!format || value != JsonToken.START_ARRAY) {
                                throw new IllegalArgumentException("not a fleet snapshot");
                            }
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                restored.add(restoreVehicle(tree.readValue(p)));
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            if (savedAt != null && clock instanceof SimClock.Accelerated accelerated) {
                accelerated.notBefore(savedAt.getEpochSecond());
            }
            long now = nowSeconds();
            for (Twin t : restored) {
                behaviour.settle(t, now);
                agenda.set(t.index, t.nextTime());
            }
        } finally {
            lock.unlock();
        }
    }

    private Twin restoreVehicle(JsonNode v) {
        Set<DataCategory> upload = EnumSet.noneOf(DataCategory.class);
        for (JsonNode c : v.path("upload")) {
            for (DataCategory d : DataCategory.values()) {
                if (d.wireName().equals(c.asString(""))) {
                    upload.add(d);
                }
            }
        }
        SimulatedVehicle spec = new SimulatedVehicle(v.path("vin").asString(null), v.path("model").asString(null),
                v.path("credential").asString(null), PrivacyMode.valueOf(v.path("privacy").asString("")), upload,
                v.path("home").path(0).doubleValue(), v.path("home").path(1).doubleValue());
        Twin old = byVin.get(spec.vin());
        Twin t = new Twin(old != null ? old.index : twins.size(), spec);
        t.readState(v.path("state"));
        for (JsonNode m : v.path("pending")) {
            MessageType type = MessageType.ofWire(m.path("type").asString("")).orElseThrow();
            Pending p = new Pending(t, type, m.path("json").asString("").getBytes(StandardCharsets.UTF_8));
            p.attempts = m.path("attempts").intValue();
            p.state = Pending.WAITING;
            p.retryAt = t.lastT;
            messenger.enqueue(p);
        }
        for (JsonNode c : v.path("commands")) {
            if (t.commands == null) {
                t.commands = new ArrayDeque<>(2);
            }
            t.commands.addLast(new Cmd(c.path("id").asString(""), c.path("action").asString(""),
                    c.path("params").isObject() ? c.path("params") : nodes.objectNode(),
                    (byte) c.path("phase").intValue(), c.path("at").longValue()));
        }
        for (JsonNode c : v.path("recentCommands")) {
            Cmd done = new Cmd(c.path("id").asString(""), c.path("action").asString(""), null, Cmd.DONE, Twin.NEVER);
            done.result = c.path("result").asString("Success");
            done.failureCause = c.path("failureCause").asString(null);
            done.feedbackDetail = c.path("feedbackDetail").asString(null);
            Commands.remember(t, done);
        }
        if (old != null) {
            drop(old);
            t.link = old.link;
            twins.set(t.index, t);
            byVin.put(t.vin(), t);
            agenda.set(t.index, t.nextTime());
        } else {
            register(t);
        }
        return t;
    }

    private void drop(Twin old) {
        if (old.outbox != null) {
            for (Pending p : old.outbox) {
                p.state = Pending.DROPPED;
                messenger.pending--;
            }
            old.outbox = null;
        }
    }

    /** Saves the fleet to a file, atomically (written aside, then moved in place). */
    public static void save(FleetSimulator fleet, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                fleet.snapshot(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fleet on the settings' real-time clock, restored from a file written by {@link #save}. */
    public static FleetSimulator load(Path file, VehicleTransport transport, ProtocolCodec codec,
            SimulatorSettings settings) {
        return load(file, transport, codec, settings, null);
    }

    /** Same, on the given clock (null: the settings' real-time clock). */
    public static FleetSimulator load(Path file, VehicleTransport transport, ProtocolCodec codec,
            SimulatorSettings settings, SimClock clock) {
        FleetSimulator fleet = clock == null ? new FleetSimulator(transport, codec, settings)
                : new FleetSimulator(transport, codec, settings, clock);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            fleet.restore(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fleet;
    }

    // ------------------------------------------------------------------ test access

    Twin twin(String vin) {
        return byVin.get(vin);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("fleet simulator closed");
        }
    }

    /** Stops the scheduler and closes every car's link. Unacknowledged messages stay in {@link #snapshot}s. */
    @Override
    public void close() {
        running = false;
        Thread thread = worker;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker = null;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Twin t : twins) {
                try {
                    if (t.link != null) {
                        t.link.close();
                    }
                } catch (RuntimeException e) {
                    // closing is best effort
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
