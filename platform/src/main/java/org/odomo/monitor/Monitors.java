package org.odomo.monitor;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.callback.CallbackDeleted;
import org.odomo.monitor.MonitorStore.Scope;
import org.odomo.monitor.MonitorStore.Status;
import org.odomo.monitor.MonitorStore.Stored;
import org.odomo.oauth.AppAccessWithdrawn;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleChanged;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the monitors API does, each operation in one transaction; and what happens to monitors when
 * their callback goes or their app loses the user's consent.
 *
 * <p>The listeners are synchronous on purpose: the events are published inside the transaction that
 * deletes the callback or removes the consent, so both commit together or not at all.
 */
@Service
class Monitors {

    private static final Logger log = LoggerFactory.getLogger(Monitors.class);

    private final MonitorStore store;
    private final VehicleRegistry vehicles;
    private final Clock clock;

    Monitors(MonitorStore store, VehicleRegistry vehicles, Optional<Clock> clock) {
        this.store = store;
        this.vehicles = vehicles;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** @param granted the scopes the user granted the app, which its notifications' data is shown under */
    @Transactional
    Stored create(Scope scope, String vin, String definition, Set<String> granted) {
        String id = UUID.randomUUID().toString();
        store.insert(id, scope, vin, definition, granted, clock.instant());
        return store.find(id, scope).orElseThrow();
    }

    @Transactional
    Stored replace(Scope scope, String id, String definition, Set<String> granted) {
        if (!store.replace(id, scope, definition, granted, clock.instant())) {
            throw notFound(id);
        }
        return store.find(id, scope).orElseThrow();
    }

    @Transactional(readOnly = true)
    Stored find(Scope scope, String id) {
        return store.find(id, scope).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    int count(Scope scope) {
        return store.count(scope);
    }

    @Transactional(readOnly = true)
    List<Stored> page(Scope scope, int offset, int limit) {
        return store.page(scope, offset, limit);
    }

    /** Pauses or resumes. A failed monitor stays failed: what made it fail is not undone by a resume. */
    @Transactional
    Stored setStatus(Scope scope, String id, Status status) {
        Status now = store.setStatus(id, scope, status, clock.instant()).orElseThrow(() -> notFound(id));
        if (now == Status.Failed) {
            throw new ApiException(ApiErrorCode.BAD_REQUEST, "monitor " + id + " has failed (the user withdrew the"
                    + " app's access, the vehicle left the user or lost the service its data needs) and cannot be resumed or paused: create a new"
                    + " monitor");
        }
        return store.find(id, scope).orElseThrow();
    }

    @Transactional
    void delete(Scope scope, String id) {
        if (!store.delete(id, scope)) {
            throw notFound(id);
        }
    }

    @EventListener
    void on(CallbackDeleted deleted) {
        int n = store.deleteOfCallback(deleted.callbackId());
        if (n > 0) {
            log.info("{} monitor(s) deleted with their callback {}", n, deleted.callbackId());
        }
    }

    @EventListener
    void on(AppAccessWithdrawn withdrawn) {
        int n = store.failAll(withdrawn.accountId(), withdrawn.clientId(), clock.instant());
        if (n > 0) {
            log.info("{} monitor(s) of app {} failed: the user withdrew its access", n, withdrawn.clientId());
        }
    }

    /**
     * A vehicle unlinked from its user (or linked to another) fails the monitors its former user's
     * apps declared on it: they would watch someone else's car. A vehicle whose connected services
     * no longer cover the data a monitor's triggers read (a service deactivated) fails that
     * monitor: the vehicle will not upload that data, so it could never fire again. Read uncached,
     * inside the transaction that made the change, so the failure commits with it.
     */
    @EventListener
    void on(VehicleChanged changed) {
        Optional<Vehicle> vehicle = vehicles.find(changed.vin());
        Long owner = vehicle.map(Vehicle::ownerId).orElse(null);
        int n = store.failOfVehicleNotOwnedBy(changed.vin(), owner, clock.instant());
        if (n > 0) {
            log.info("{} monitor(s) of vehicle {} failed: it is no longer their user's", n, changed.vin());
        }
        if (vehicle.isEmpty()) {
            return;
        }
        Set<DataCategory> covered = ConnectedService.dataCoveredBy(vehicle.get().services());
        List<String> uncovered = new ArrayList<>();
        store.notFailedOf(changed.vin()).forEach((id, definition) -> {
            MonitorDefinition d = readable(id, definition);
            if (d != null && !covered.containsAll(MonitorReader.dataNeeded(d))) {
                uncovered.add(id);
            }
        });
        int lost = store.fail(uncovered, clock.instant());
        if (lost > 0) {
            log.info("{} monitor(s) of vehicle {} failed: its services no longer cover the data they read", lost,
                    changed.vin());
        }
    }

    /** The stored definition, or null when it no longer reads (the engine skips such a monitor too). */
    private static MonitorDefinition readable(String id, String definition) {
        try {
            return MonitorEngine.parse(definition).definition();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The same answer whether the monitor does not exist or is reached by another path: its existence stays private. */
    static ApiException notFound(String id) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no monitor " + MonitorReader.shown(id));
    }
}
