package org.odomo.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.odomo.delivery.Destination;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.events.TripEnded;
import org.odomo.events.TripStarted;
import org.odomo.events.VehicleDataReceived;
import org.odomo.events.VehicleEvent;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.Membership;
import org.odomo.fleet.StolenStates;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.odomo.events.VehicleEventConsumer;
import org.odomo.monitor.EvaluationStore.Watched;
import org.odomo.monitor.MonitorDefinition.Attribute;
import org.odomo.monitor.MonitorDefinition.TimeTrigger;
import org.odomo.monitor.MonitorEvaluation.EdgeState;
import org.odomo.monitor.MonitorEvaluation.Outcome;
import org.odomo.monitor.MonitorEvaluation.VehicleSample;
import org.odomo.monitor.VehicleSamples.TripFigures;
import org.odomo.trip.Trip;
import org.odomo.trip.TripQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes monitors fire. A consumer of the vehicle event log: for each batch it reads (and locks)
 * the monitors of the batch's vehicles, their edges and the vehicles' last samples in three
 * queries, carries each vehicle's sample forward event by event, evaluates that vehicle's running
 * monitors on each step, and writes what changed and the notifications, all in the transaction that
 * moves its cursor. A batch that does not commit leaves no edge and no notification behind, so a
 * batch handed again after a crash fires once. The cost of an event is that of its vehicle's
 * monitors; a monitor created, paused or deleted on any node counts from the next batch, since
 * nothing about monitors is kept in memory but their parsed definitions (by id and version).
 *
 * <p>Time windows and reminders also change with time alone: every {@code tick-interval} one node
 * of the cluster (ShedLock row) evaluates the running monitors that have either, against their
 * vehicle's last known state at the current time.
 */
@Component
class MonitorEngine implements VehicleEventConsumer {

    private static final Logger log = LoggerFactory.getLogger(MonitorEngine.class);
    private static final int TICK_PAGE = 500;

    private final EvaluationStore store;
    private final FleetMonitors fleetMonitors;
    private final FleetMonitorStore fleetStore;
    private final ObjectProvider<StolenStates> stolenStates;
    private final VehicleRegistry vehicles;
    private final FleetDirectory fleetDirectory;
    private final Counter fleetFired;
    private final Counter fleetEvaluations;
    private final NotificationOutbox outbox;
    private final MonitorExtensions extensions;
    private final TripQueries trips;
    private final MonitorProperties settings;
    private final TransactionTemplate tx;
    private final LockingTaskExecutor locks;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final Cache<String, Parsed> definitions;
    private final Counter fired;
    private final Counter refreshed;
    private final Counter handled;
    private final Counter evaluations;
    private final Counter edgeWrites;
    private final Counter sampleWrites;
    private final Counter cpu;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** A stored definition read into types, with what the reader does not keep. */
    record Parsed(MonitorDefinition definition, List<Destination.Attribute> attributes) {

        /** Whether a trigger reads the {@code vehicle.trip.*} data. */
        boolean readsTrips() {
            return definition.triggers().stream().anyMatch(t -> t instanceof MonitorDefinition.DataTrigger d
                    && d.path().tripData());
        }
    }

    MonitorEngine(EvaluationStore store, NotificationOutbox outbox, MonitorExtensions extensions, TripQueries trips,
            MonitorProperties settings, PlatformTransactionManager transactions, DataSource dataSource,
            TaskScheduler scheduler, MeterRegistry meters, Optional<Clock> clock, FleetMonitors fleetMonitors,
            FleetMonitorStore fleetStore, ObjectProvider<StolenStates> stolenStates, VehicleRegistry vehicles,
            FleetDirectory fleetDirectory) {
        this.store = store;
        this.fleetDirectory = fleetDirectory;
        this.fleetMonitors = fleetMonitors;
        this.fleetStore = fleetStore;
        this.stolenStates = stolenStates;
        this.vehicles = vehicles;
        this.fleetFired = Counter.builder("odomo.monitors.fleet.notifications")
                .description("Fleet monitor notifications raised").register(meters);
        this.fleetEvaluations = Counter.builder("odomo.monitors.fleet.evaluations")
                .description("Fleet monitor evaluations (one monitor, one vehicle) on vehicle events").register(meters);
        this.outbox = outbox;
        this.extensions = extensions;
        this.trips = trips;
        this.settings = settings;
        this.definitions = Caffeine.newBuilder().maximumSize(settings.definitionCache()).build();
        this.tx = new TransactionTemplate(transactions);
        this.locks = new DefaultLockingTaskExecutor(new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration
                .builder().withJdbcTemplate(new JdbcTemplate(dataSource)).withTableName("monitor_job_lock")
                .usingDbTime().build()));
        this.scheduler = scheduler;
        this.clock = clock.orElse(Clock.systemUTC());
        this.fired = Counter.builder("odomo.monitors.notifications").tag("refresh", "false")
                .description("Monitor notifications raised").register(meters);
        this.refreshed = Counter.builder("odomo.monitors.notifications").tag("refresh", "true")
                .description("Monitor notifications raised").register(meters);
        this.handled = Counter.builder("odomo.monitors.events").description("Log events the monitors consumer handled")
                .register(meters);
        this.evaluations = Counter.builder("odomo.monitors.evaluations")
                .description("Monitor evaluations on vehicle events").register(meters);
        this.edgeWrites = Counter.builder("odomo.monitors.writes").tag("table", "b2c_monitor_edge")
                .description("Rows the monitors consumer wrote").register(meters);
        this.sampleWrites = Counter.builder("odomo.monitors.writes").tag("table", "b2c_monitor_sample")
                .description("Rows the monitors consumer wrote").register(meters);
        this.cpu = Counter.builder("odomo.monitors.consumer.cpu").baseUnit("seconds")
                .description("CPU time of the monitors consumer's batches (database work of an embedded database included)")
                .register(meters);
    }

    @Override
    public String name() {
        return "monitors";
    }

    @Override
    public void handle(List<VehicleEvent> batch) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        try {
            evaluate(batch);
        } finally {
            handled.increment(batch.size());
            long used = threads.getCurrentThreadCpuTime() - cpu0;
            if (cpu0 >= 0 && used > 0) {
                cpu.increment(used / 1e9);
            }
        }
    }

    private void evaluate(List<VehicleEvent> batch) {
        Set<String> vins = new LinkedHashSet<>();
        batch.forEach(e -> vins.add(e.vin()));
        List<Watched> monitors = store.lockMonitorsOf(vins);
        // The fleet monitors come from caches (membership by VIN, monitors by fleet): no query
        // unless a vehicle's fleet has some.
        Map<String, FleetMonitors.Watching> fleetWatching = fleetMonitors.watching(vins);
        if (monitors.isEmpty() && fleetWatching.isEmpty()) {
            return;
        }
        Map<String, List<Watched>> byVin = new HashMap<>();
        monitors.forEach(m -> byVin.computeIfAbsent(m.vin(), v -> new ArrayList<>()).add(m));
        Map<String, EdgeState> edges = monitors.isEmpty() ? new HashMap<>()
                : store.edges(monitors.stream().map(Watched::id).toList());
        Map<String, EdgeState> fleetEdges = fleetWatching.isEmpty() ? new HashMap<>()
                : fleetStore.edgesOf(fleetWatching.keySet());
        Set<String> watchedVins = new LinkedHashSet<>(byVin.keySet());
        watchedVins.addAll(fleetWatching.keySet());
        Map<String, VehicleSample> samples = store.samples(watchedVins);
        Set<String> changedEdges = new LinkedHashSet<>();
        Set<String> changedFleetEdges = new LinkedHashSet<>();
        Set<String> changedSamples = new LinkedHashSet<>();
        for (VehicleEvent event : batch) {
            List<Watched> watching = byVin.getOrDefault(event.vin(), List.of());
            FleetMonitors.Watching fleet = fleetWatching.get(event.vin());
            if (watching.isEmpty() && fleet == null) {
                continue;
            }
            VehicleSample previous = samples.get(event.vin());
            VehicleSample current = VehicleSamples.next(previous, event, this::figures);
            if (fleet != null && event instanceof VehicleDataReceived
                    && fleet.monitors().stream().anyMatch(FleetMonitors.Watch::readsStolen)) {
                // The stolen state is asked on each message of the car, whatever the message holds.
                current = withStolenState(previous, current, event);
            }
            if (current == null) {
                continue;
            }
            // A trip event says nothing new about anything but the trip data: only the monitors
            // that read it are evaluated (the others would see the same data at the same time).
            boolean tripEvent = event instanceof TripStarted || event instanceof TripEnded;
            for (Watched m : watching) {
                if (m.status() != MonitorStore.Status.Running) {
                    continue;
                }
                Parsed parsed = parsed(m);
                if (parsed.definition() == null || (tripEvent && !parsed.readsTrips())) {
                    continue;
                }
                EdgeState edge = edges.getOrDefault(m.id(), EdgeState.INITIAL);
                Outcome outcome = MonitorEvaluation.evaluate(parsed.definition(), edge, previous, current);
                evaluations.increment();
                if (outcome.state() != edge) {
                    edges.put(m.id(), outcome.state());
                    changedEdges.add(m.id());
                }
                outcome.notification().ifPresent(n -> notify(m, parsed, n));
            }
            // The fleet sees the vehicle's data from when it joined on. A paused fleet monitor goes
            // on: its notifications wait in the outbox until it is resumed.
            if (fleet != null && !current.at().isBefore(fleet.membership().joinedAt())) {
                for (FleetMonitors.Watch m : fleet.monitors()) {
                    if (m.definition() == null || (tripEvent && !m.readsTrips())) {
                        continue;
                    }
                    String key = FleetMonitorStore.key(m.id(), event.vin());
                    EdgeState edge = fleetEdges.getOrDefault(key, EdgeState.INITIAL);
                    Outcome outcome = MonitorEvaluation.evaluate(m.definition(), edge, previous, current);
                    fleetEvaluations.increment();
                    if (outcome.state() != edge) {
                        fleetEdges.put(key, outcome.state());
                        changedFleetEdges.add(key);
                    }
                    outcome.notification().ifPresent(n -> notifyFleet(m, event.vin(), n));
                }
            }
            if (previous == null || current.at().isAfter(previous.at()) || event instanceof TripStarted
                    || event instanceof TripEnded) {
                // An older event says nothing about the vehicle now: the known state stays. A trip
                // event that made a sample is news (VehicleSamples.next), whatever its time.
                samples.put(event.vin(), current);
                changedSamples.add(event.vin());
            }
        }
        changedEdges.forEach(id -> store.writeEdge(id, edges.get(id)));
        for (String key : changedFleetEdges) {
            int slash = key.indexOf('/');
            fleetStore.writeEdge(key.substring(0, slash), key.substring(slash + 1), fleetEdges.get(key));
        }
        changedSamples.forEach(vin -> store.writeSample(vin, samples.get(vin)));
        edgeWrites.increment(changedEdges.size() + changedFleetEdges.size());
        sampleWrites.increment(changedSamples.size());
    }

    /**
     * The sample with the vehicle's stolen state now: the message's own sample, or the known one
     * moved to the message's time when the message holds nothing else a trigger reads. No
     * stolen-vehicle declarations on this node: not stolen.
     */
    private VehicleSample withStolenState(VehicleSample previous, VehicleSample current, VehicleEvent event) {
        StolenStates states = stolenStates.getIfAvailable();
        boolean stolen = states != null && states.stolen(event.vin());
        VehicleSample base = current;
        if (base == null) {
            if (previous != null && !event.at().isAfter(previous.at())) {
                return null;
            }
            base = previous == null ? new VehicleSample(event.at(), null, Map.of(), null)
                    : VehicleSamples.at(previous, event.at());
        }
        Map<DataPath, List<String>> data = new HashMap<>(base.data());
        data.put(DataPath.STOLEN, List.of(Boolean.toString(stolen)));
        return new VehicleSample(base.at(), base.position(), Map.copyOf(data), base.tripStartedAt());
    }

    private void notifyFleet(FleetMonitors.Watch m, String vin, MonitorEvaluation.Notification n) {
        ObjectNode event = MonitorMessages.fleetEvent(m.fleetId(), vin, n);
        Optional<Vehicle> vehicle = vehicles.findCached(vin);
        if (vehicle.isPresent() && !m.definition().extensions().isEmpty()) {
            Instant joinedAt = fleetDirectory.membership(vin).filter(x -> x.fleetId().equals(m.fleetId()))
                    .map(org.odomo.fleet.Membership::joinedAt).orElse(n.at());
            extensions.attachFleet(event, vehicle.get(), m.fleetId(), joinedAt, m.clientId(), m.contract(),
                    m.definition(), n.at());
        }
        // The variables a B2B attribute may name: $vin, $monitorID, $fleetID, $vid.
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("vin", vin);
        variables.put("monitorID", m.id());
        variables.put("fleetID", m.fleetId());
        variables.put("vid", vehicle.map(Vehicle::apiId).orElse(vin));
        // The stream is the monitor: a batch groups the events of all the fleet's vehicles.
        outbox.enqueue(new Notification(m.id(), m.id(), n.at(), Notification.Kind.MONITOR, event, variables));
        fleetFired.increment();
    }

    /**
     * The ended trip as the trips API shows it: the trips consumer appended the event in the
     * transaction that wrote the trip, so the trip is there (unless a rebuild removed it since).
     */
    private Optional<TripFigures> figures(TripEnded ended) {
        return trips.trip(ended.vin(), ended.tripId()).map(MonitorEngine::figures);
    }

    static TripFigures figures(Trip trip) {
        List<String> states = trip.nominal() ? List.of("Nominal")
                : trip.faults().stream().map(Trip.Fault::fault).distinct().toList();
        return new TripFigures(trip.duration(), trip.distance(), states);
    }

    @EventListener(ApplicationReadyEvent.class)
    void startTicking() {
        Duration every = settings.tickInterval();
        scheduler.scheduleWithFixedDelay(this::scheduledTick, Instant.now().plus(every), every);
    }

    private void scheduledTick() {
        Duration every = settings.tickInterval();
        // Held at least most of an interval: the other nodes, ticking at about the same time, skip.
        LockConfiguration lock = new LockConfiguration(Instant.now(), "monitor-ticks", every.multipliedBy(10),
                every.dividedBy(2));
        try {
            locks.executeWithLock(() -> tick(clock.instant()), lock);
        } catch (Throwable e) {
            log.warn("monitor tick failed: {}", e.toString());
        }
    }

    /**
     * Evaluates the running monitors with a time window or a reminder against their vehicle's last
     * known state at {@code now}; each monitor in its own short transaction, under its row lock.
     *
     * @return how many notifications it raised
     */
    int tick(Instant now) {
        int raised = 0;
        String after = "";
        while (true) {
            String from = after;
            List<String> ids = tx.execute(s -> store.runningWithTimeTriggersOrReminders(from, TICK_PAGE));
            if (ids == null || ids.isEmpty()) {
                break;
            }
            for (String id : ids) {
                Integer n = tx.execute(s -> tickOne(id, now));
                raised += n == null ? 0 : n;
            }
            if (ids.size() < TICK_PAGE) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        return raised + tickFleets(now);
    }

    /**
     * The fleet monitors with a time window or a reminder, for each vehicle of their fleet (those
     * that have a known state since they joined), a page of vehicles per transaction.
     */
    private int tickFleets(Instant now) {
        int raised = 0;
        String after = "";
        while (true) {
            String from = after;
            List<FleetMonitorStore.Stored> page = tx.execute(s -> fleetStore.runningWithTimeTriggersOrReminders(from,
                    TICK_PAGE));
            if (page == null || page.isEmpty()) {
                return raised;
            }
            for (FleetMonitorStore.Stored stored : page) {
                // The cached (parsed) monitor, unless it changed within the cache's life.
                FleetMonitors.Watch m = fleetMonitors.monitorsOf(stored.fleetId()).stream()
                        .filter(w -> w.id().equals(stored.id())).findFirst()
                        .orElseGet(() -> fleetMonitors.watch(stored, Optional.empty()));
                if (m.definition() == null || (m.definition().refreshEvent() == null && m.definition().triggers()
                        .stream().noneMatch(t -> t instanceof TimeTrigger))) {
                    continue;
                }
                String afterVin = null;
                while (true) {
                    String fromVin = afterVin;
                    List<Membership> members = fleetDirectory.members(m.fleetId(), null, fromVin, TICK_PAGE);
                    if (members.isEmpty()) {
                        break;
                    }
                    Integer n = tx.execute(s -> tickFleetVehicles(m, members, now));
                    raised += n == null ? 0 : n;
                    if (members.size() < TICK_PAGE) {
                        break;
                    }
                    afterVin = members.get(members.size() - 1).vin();
                }
            }
            if (page.size() < TICK_PAGE) {
                return raised;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    private int tickFleetVehicles(FleetMonitors.Watch m, List<Membership> members, Instant now) {
        List<String> vins = members.stream().map(Membership::vin).toList();
        Map<String, VehicleSample> samples = store.samples(vins);
        Map<String, EdgeState> edges = fleetStore.edgesOf(vins);
        int raised = 0;
        for (Membership member : members) {
            VehicleSample last = samples.get(member.vin());
            if (last == null || !now.isAfter(last.at()) || last.at().isBefore(member.joinedAt())) {
                continue;
            }
            String key = FleetMonitorStore.key(m.id(), member.vin());
            EdgeState edge = edges.getOrDefault(key, EdgeState.INITIAL);
            Outcome outcome = MonitorEvaluation.evaluate(m.definition(), edge, last, VehicleSamples.at(last, now));
            if (outcome.state() != edge) {
                fleetStore.writeEdge(m.id(), member.vin(), outcome.state());
            }
            if (outcome.notification().isPresent()) {
                notifyFleet(m, member.vin(), outcome.notification().get());
                raised++;
            }
        }
        return raised;
    }

    private int tickOne(String id, Instant now) {
        Optional<Watched> locked = store.lockRunning(id);
        if (locked.isEmpty()) {
            return 0;
        }
        Watched m = locked.get();
        Parsed parsed = parsed(m);
        if (parsed.definition() == null) {
            return 0;
        }
        boolean timed = parsed.definition().triggers().stream().anyMatch(t -> t instanceof TimeTrigger);
        if (!timed && parsed.definition().refreshEvent() == null) {
            return 0;
        }
        VehicleSample last = store.samples(List.of(m.vin())).get(m.vin());
        if (last == null || !now.isAfter(last.at())) {
            return 0;
        }
        EdgeState edge = store.edges(List.of(id)).getOrDefault(id, EdgeState.INITIAL);
        Outcome outcome = MonitorEvaluation.evaluate(parsed.definition(), edge, last, VehicleSamples.at(last, now));
        if (outcome.state() != edge) {
            store.writeEdge(id, outcome.state());
        }
        outcome.notification().ifPresent(n -> notify(m, parsed, n));
        return outcome.notification().isPresent() ? 1 : 0;
    }

    private void notify(Watched m, Parsed parsed, MonitorEvaluation.Notification n) {
        ObjectNode event = MonitorMessages.event(m.id(), n);
        extensions.attach(event, m, parsed.definition(), n.at());
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("Vin", m.vin());
        variables.put("MonitorID", m.id());
        variables.put("MonitorLabel", parsed.definition().label());
        outbox.enqueue(new Notification(m.callbackId(), m.id(), n.at(), Notification.Kind.MONITOR, event, variables,
                parsed.attributes()));
        (n.refresh() ? refreshed : fired).increment();
    }

    /**
     * The parsed definition; one that no longer reads (rules tightened since it was accepted) has a
     * null definition and is skipped, logged once per version: throwing would hold up the whole
     * partition for ever, since the same batch would come again.
     */
    private Parsed parsed(Watched m) {
        return definitions.get(m.id() + "@" + m.updatedAt(), k -> {
            try {
                return parse(m.definition());
            } catch (RuntimeException e) {
                log.warn("monitor {} is not evaluated: its stored definition does not read ({})", m.id(),
                        e.getMessage());
                return new Parsed(null, List.of());
            }
        });
    }

    /**
     * The monitor's own attributes, then its callback attributes (those of its callback's channel:
     * creation refused any other, so whichever is there).
     */
    static Parsed parse(String stored) {
        JsonNode body = VehicleSamples.JSON.readTree(stored);
        JsonNode callbackAttributes = body.path("subscribeParam").path("callbackAttributes");
        String channel = "webhook";
        JsonNode channelAttributes = null;
        for (String c : List.of("webhook", "websocket", "pushnotif")) {
            if (callbackAttributes.has(c)) {
                channel = c;
                channelAttributes = callbackAttributes.get(c);
            }
        }
        MonitorDefinition definition = MonitorReader.read(body, channel);
        List<Destination.Attribute> attributes = new ArrayList<>();
        for (Attribute a : definition.attributes()) {
            attributes.add(attribute(a.type(), a.key(), a.value()));
        }
        if (channelAttributes != null) {
            for (JsonNode a : channelAttributes) {
                attributes.add(attribute(a.get("type").asString(), a.get("key").asString(), a.get("value").asString()));
            }
        }
        return new Parsed(definition, List.copyOf(attributes));
    }

    private static Destination.Attribute attribute(String type, String key, String value) {
        Destination.Attribute.Kind kind = switch (type) {
            case "Header" -> Destination.Attribute.Kind.HEADER;
            case "Query" -> Destination.Attribute.Kind.QUERY;
            default -> Destination.Attribute.Kind.BODY;
        };
        return new Destination.Attribute(kind, key, value);
    }
}
