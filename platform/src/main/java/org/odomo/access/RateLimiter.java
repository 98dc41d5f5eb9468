package org.odomo.access;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.odomo.apps.SlaPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;

import jakarta.annotation.PreDestroy;

/**
 * The SLA plans' limits of the B2C API, per app: a day limit over a sliding window of 24 hours
 * (86 400 one-second slots, the current one included) and a burst limit per second.
 * <p>
 * The counts are shared by every node through the database ({@link RateLimitStore}); a node
 * leases calls for the current second in blocks and admits them locally, so that it makes one
 * short transaction per app and second while far from the limits, and one per call only near
 * them, where the exactness matters. A refused call consumes nothing.
 */
public final class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final long PLAN_TTL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long IDLE_SECONDS = 300;

    /** The limit a refused call ran into. */
    public enum Limit {
        DAY, BURST
    }

    /**
     * The answer for one call.
     *
     * @param exceeded          the limit that refused the call, null when allowed
     * @param retryAfterSeconds when refused: whole seconds until a call can be allowed again
     */
    public record Decision(boolean allowed, long dayLimit, long dayRemaining, long burstLimit, long burstRemaining,
            Limit exceeded, long retryAfterSeconds) {
    }

    private final RateLimitStore store;
    private final Function<String, Optional<SlaPlan>> plans;
    private final Clock clock;
    private final long maxLease;
    private final String nodeId = UUID.randomUUID().toString();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param plans    the plan of an app, by client id
     * @param maxLease most calls leased at once
     */
    RateLimiter(RateLimitStore store, Function<String, Optional<SlaPlan>> plans, Clock clock, long maxLease) {
        this.store = store;
        this.plans = plans;
        this.clock = clock;
        this.maxLease = Math.max(1, maxLease);
    }

    /** Admits or refuses one call of the app; an admitted call counts against both limits. */
    public Decision tryAcquire(String clientId) {
        while (true) {
            Window window = windows.get(clientId);
            if (window == null) {
                window = windows.computeIfAbsent(clientId, Window::new);
            }
            window.lock.lock();
            try {
                if (window.retired) {
                    continue;
                }
                return acquire(window);
            } finally {
                window.lock.unlock();
            }
        }
    }

    private Decision acquire(Window w) {
        long nowMillis = clock.millis();
        long second = Math.max(Math.floorDiv(nowMillis, 1000), w.second);
        SlaPlan plan = w.plan();
        if (plan == null) {
            // unreachable for a registered app (its plan is a foreign key); refuse rather than not count
            return new Decision(false, 0, 0, 0, 0, Limit.DAY, RateLimitStore.DAY_SECONDS);
        }
        if (second != w.second) {
            w.roll(second);
        }
        w.demand++;
        if (w.refused == null && w.used < w.granted) {
            w.used++;
            return w.allowed(plan);
        }
        if (w.refused == null) {
            long want = w.granted == 0 ? w.previousDemand : w.granted;
            if (!w.stateExists) {
                store.ensureState(w.clientId);
                w.stateExists = true;
            }
            RateLimitStore.Lease lease = store.lease(w.clientId, nodeId, second, Math.min(Math.max(1, want), maxLease),
                    plan.dayLimit(), plan.burstLimit(), List.copyOf(w.unused));
            w.unused.clear();
            w.granted += lease.granted();
            w.dayFree = lease.dayFree();
            w.burstFree = lease.burstFree();
            if (lease.granted() > 0) {
                w.used++;
                return w.allowed(plan);
            }
            w.refused = lease.dayAllowedAt() >= 0 ? Limit.DAY : Limit.BURST;
            w.allowedAt = lease.dayAllowedAt() >= 0 ? lease.dayAllowedAt() : second + 1;
        }
        // Refused: remembered for the rest of the second, so that a client that keeps calling
        // past its limit costs one transaction per second, not one per call.
        long retry = Math.max(1, Math.floorDiv(w.allowedAt * 1000 - nowMillis + 999, 1000));
        return new Decision(false, plan.dayLimit(), w.refused == Limit.DAY ? 0 : w.dayFree + w.granted - w.used,
                plan.burstLimit(), w.refused == Limit.BURST ? 0 : w.burstFree + w.granted - w.used, w.refused, retry);
    }

    /** Gives back what this node leased for past seconds and did not use, so other nodes can have it. */
    @Scheduled(fixedDelay = 1000, initialDelay = 1000)
    void returnUnused() {
        long second = Math.floorDiv(clock.millis(), 1000);
        for (Window w : windows.values()) {
            if (!w.lock.tryLock()) {
                continue;
            }
            try {
                if (w.second < second && w.used < w.granted) {
                    w.roll(second);
                }
                if (!w.unused.isEmpty()) {
                    store.giveBack(w.clientId, List.copyOf(w.unused));
                    w.unused.clear();
                }
                if (w.second < second - IDLE_SECONDS) {
                    w.retired = true;
                    windows.remove(w.clientId, w);
                }
            } catch (DataAccessException e) {
                log.warn("cannot give back unused calls of {}: {}", w.clientId, e.getMessage());
            } finally {
                w.lock.unlock();
            }
        }
    }

    /** On shutdown, gives back everything leased and not used, the current second's too. */
    @PreDestroy
    void close() {
        for (Window w : windows.values()) {
            w.lock.lock();
            try {
                if (w.used < w.granted) {
                    w.unused.add(new RateLimitStore.Unused(w.second, w.granted - w.used));
                    w.granted = w.used;
                }
                if (!w.unused.isEmpty()) {
                    store.giveBack(w.clientId, List.copyOf(w.unused));
                    w.unused.clear();
                }
            } catch (DataAccessException e) {
                log.warn("cannot give back unused calls of {}: {}", w.clientId, e.getMessage());
            } finally {
                w.lock.unlock();
            }
        }
    }

    /** This node's view of one app's limits; guarded by its lock. */
    private final class Window {
        final String clientId;
        final ReentrantLock lock = new ReentrantLock();
        boolean retired;
        boolean stateExists;
        SlaPlan plan;
        long planLoadedAt;

        /** The second the lease below is for. */
        long second = Long.MIN_VALUE;
        long granted;
        long used;
        /** Calls asked for in this second, and in the last second with calls: how much to lease. */
        long demand;
        long previousDemand;
        /** Calls nobody held at this node's last lease. */
        long dayFree;
        long burstFree;
        /** Set when refused in this second, with the epoch second calls can be allowed again. */
        Limit refused;
        long allowedAt;
        /** Leased calls of past seconds not used, to give back. */
        final List<RateLimitStore.Unused> unused = new ArrayList<>(2);

        Window(String clientId) {
            this.clientId = clientId;
        }

        SlaPlan plan() {
            long now = System.nanoTime();
            if (plan == null || now - planLoadedAt > PLAN_TTL_NANOS) {
                plans.apply(clientId).ifPresent(p -> {
                    plan = p;
                    planLoadedAt = now;
                });
            }
            return plan;
        }

        void roll(long newSecond) {
            if (used < granted) {
                unused.add(new RateLimitStore.Unused(second, granted - used));
            }
            if (demand > 0) {
                previousDemand = demand;
            }
            second = newSecond;
            demand = 0;
            granted = 0;
            used = 0;
            refused = null;
        }

        Decision allowed(SlaPlan plan) {
            long held = granted - used;
            return new Decision(true, plan.dayLimit(), dayFree + held, plan.burstLimit(), burstFree + held, null, 0);
        }
    }
}
