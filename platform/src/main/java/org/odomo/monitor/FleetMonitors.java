package org.odomo.monitor;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistry;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.FleetMembershipChanged;
import org.odomo.fleet.Membership;
import org.odomo.monitor.FleetMonitorReader.FleetMonitorDefinition;
import org.odomo.monitor.FleetMonitorStore.Stored;
import org.odomo.monitor.MonitorStore.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import tools.jackson.databind.JsonNode;

/**
 * The fleet monitors: what the API does with them, each operation in one transaction, and what the
 * evaluation reads of them. A fleet monitor watches whichever vehicles its fleet holds at the time
 * of each message: nothing is stored per vehicle but its edge state, so a vehicle that joins is
 * watched from its next message on and one that leaves is not.
 *
 * <p>The monitors consumer asks, for every message of a fleet vehicle, which monitors its fleet has:
 * a bounded cache by fleet answers (no query per message), dropped on this node after each change
 * commits and expiring after a few seconds for the changes made on other nodes.
 */
@Service
class FleetMonitors {

    private static final Logger log = LoggerFactory.getLogger(FleetMonitors.class);

    /**
     * A fleet monitor as the evaluation needs it, read once per cache load.
     *
     * @param definition the parsed triggers; null when the stored definition no longer reads (skipped)
     * @param clientId   the fleet owner's client id
     * @param contract   what the monitor's notifications may show of a vehicle's data (extensions):
     *                   the fleet contract's scopes
     */
    record Watch(String id, String fleetId, Status status, String label, MonitorDefinition definition,
            String clientId, Set<String> contract, boolean readsStolen, boolean readsTrips) {
    }

    /** What the evaluation watches for one vehicle: its fleet membership and that fleet's monitors. */
    record Watching(Membership membership, List<Watch> monitors) {
    }

    private final FleetMonitorStore store;
    private final FleetDirectory fleets;
    private final PartnerRegistry partners;
    private final NotificationOutbox outbox;
    private final Clock clock;
    private final int maxPerFleet;
    private final Cache<String, List<Watch>> byFleet;

    FleetMonitors(FleetMonitorStore store, FleetDirectory fleets, PartnerRegistry partners, NotificationOutbox outbox,
            MonitorProperties settings, ObjectProvider<Clock> clock) {
        this.store = store;
        this.fleets = fleets;
        this.partners = partners;
        this.outbox = outbox;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.maxPerFleet = settings.maxPerFleet();
        this.byFleet = Caffeine.newBuilder().maximumSize(settings.fleetCache())
                .expireAfterWrite(settings.fleetCacheTtl()).build();
    }

    // ---- the API's operations

    @Transactional
    Stored create(Fleet fleet, String definition) {
        // The fleet's row serializes concurrent creations, so that the limit holds.
        store.lockFleet(fleet.id());
        if (store.count(fleet.id()) >= maxPerFleet) {
            throw new ApiException(ApiErrorCode.FORBIDDEN, "fleet " + fleet.id() + " has " + maxPerFleet
                    + " monitors, the most a fleet may have: delete one first");
        }
        String id = UUID.randomUUID().toString();
        store.insert(id, fleet.id(), definition, clock.instant());
        changed(fleet.id(), null);
        return store.find(fleet.id(), id).orElseThrow();
    }

    @Transactional
    Stored replace(Fleet fleet, String id, String definition) {
        if (!store.replace(fleet.id(), id, definition, clock.instant())) {
            throw notFound(id);
        }
        changed(fleet.id(), id);
        return store.find(fleet.id(), id).orElseThrow();
    }

    @Transactional(readOnly = true)
    Stored find(Fleet fleet, String id) {
        return store.find(fleet.id(), id).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    int count(Fleet fleet) {
        return store.count(fleet.id());
    }

    @Transactional(readOnly = true)
    List<Stored> page(Fleet fleet, int offset, int limit) {
        return store.page(fleet.id(), offset, limit);
    }

    /**
     * Pauses or resumes. A paused monitor goes on evaluating: its notifications wait in the outbox
     * (within the 3 days a notification lives) and go out on resume.
     */
    @Transactional
    Stored setStatus(Fleet fleet, String id, Status status) {
        Status now = store.setStatus(fleet.id(), id, status, clock.instant()).orElseThrow(() -> notFound(id));
        if (now == Status.Failed) {
            throw new ApiException(ApiErrorCode.BAD_REQUEST, "monitor " + id + " has failed and cannot be resumed"
                    + " or paused: create a new monitor");
        }
        changed(fleet.id(), id);
        return store.find(fleet.id(), id).orElseThrow();
    }

    @Transactional
    void delete(Fleet fleet, String id) {
        if (!store.delete(fleet.id(), id)) {
            throw notFound(id);
        }
        changed(fleet.id(), null);
    }

    /**
     * A vehicle that leaves a fleet forgets its edges (back in a fleet, it starts from none); the
     * fleet's monitors stay as they are: a vehicle leaving never fails a fleet monitor. Synchronous,
     * in the transaction of the move.
     */
    @EventListener
    void on(FleetMembershipChanged changed) {
        if (changed.previousFleetId() != null) {
            int n = store.deleteEdgesOf(changed.vin());
            if (n > 0) {
                log.debug("{} fleet monitor edge(s) of {} dropped: it left fleet {}", n, changed.vin(),
                        changed.previousFleetId());
            }
        }
    }

    /**
     * After the commit: the fleet's monitors are read again on this node, and the delivery engine
     * tries what waits for the monitor (a resumed one sends what it kept).
     */
    private void changed(String fleetId, String monitorId) {
        Runnable after = () -> {
            byFleet.invalidate(fleetId);
            if (monitorId != null) {
                outbox.destinationChanged(monitorId);
            }
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    after.run();
                }
            });
        } else {
            after.run();
        }
    }

    // ---- what the evaluation reads

    /**
     * The fleet monitors watching each of the vehicles now (those in a fleet with monitors that
     * have not failed): one cached membership and one cached list per vehicle, no query when both
     * are cached.
     */
    Map<String, Watching> watching(Iterable<String> vins) {
        Map<String, Watching> found = new LinkedHashMap<>();
        for (String vin : vins) {
            Optional<Membership> membership = fleets.membership(vin);
            if (membership.isEmpty()) {
                continue;
            }
            List<Watch> monitors = monitorsOf(membership.get().fleetId());
            if (!monitors.isEmpty()) {
                found.put(vin, new Watching(membership.get(), monitors));
            }
        }
        return found;
    }

    /** The fleet's monitors that have not failed (cached). */
    List<Watch> monitorsOf(String fleetId) {
        return byFleet.get(fleetId, this::load);
    }

    private List<Watch> load(String fleetId) {
        List<Stored> stored = store.notFailedOf(fleetId);
        if (stored.isEmpty()) {
            return List.of();
        }
        Optional<Partner> partner = fleets.find(fleetId).flatMap(f -> partners.find(f.partnerId()));
        List<Watch> watches = new ArrayList<>();
        for (Stored s : stored) {
            watches.add(watch(s, partner));
        }
        return List.copyOf(watches);
    }

    /** @param partner the fleet's owner; empty: unknown, and its notifications show no extension data */
    Watch watch(Stored s, Optional<Partner> partner) {
        MonitorDefinition definition = null;
        String label = "";
        try {
            FleetMonitorDefinition read = parse(s.definition());
            definition = read.monitor();
            label = definition.label();
        } catch (RuntimeException e) {
            // Throwing would hold up the whole partition for ever (the same batch would come again).
            log.warn("fleet monitor {} is not evaluated: its stored definition does not read ({})", s.id(),
                    e.getMessage());
        }
        boolean stolen = definition != null && definition.triggers().stream()
                .anyMatch(t -> t instanceof MonitorDefinition.DataTrigger d && d.path() == DataPath.STOLEN);
        boolean trips = definition != null && definition.triggers().stream()
                .anyMatch(t -> t instanceof MonitorDefinition.DataTrigger d && d.path().tripData());
        return new Watch(s.id(), s.fleetId(), s.status(), label, definition,
                partner.map(Partner::clientId).orElse(""), partner.map(Partner::contract).orElse(Set.of()), stolen,
                trips);
    }

    /** A stored definition: accepted once, so its target is not checked against the settings again. */
    static FleetMonitorDefinition parse(String stored) {
        JsonNode body = VehicleSamples.JSON.readTree(stored);
        return FleetMonitorReader.read(body, true);
    }

    static ApiException notFound(String id) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no monitor " + MonitorReader.shown(id) + " in this fleet");
    }
}
