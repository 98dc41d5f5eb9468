package org.odomo.state;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Current states recently read by the API, so that a vehicle polled by several apps is not
 * queried and parsed on every call. This node forgets a vehicle's state as soon as it commits a
 * newer one; a state written by another node sharing the database is seen here within the
 * time-to-live ({@code odomo.state.read-cache-ttl}, one second by default; zero turns the cache
 * off).
 *
 * <p>A read that raced with a write must not put the older state back after the write forgot it:
 * each write bumps a counter of the VIN's stripe, and a read caches what it loaded only if that
 * counter did not move while it was loading.
 */
@Component
class CurrentStateCache {

    /**
     * A parsed state takes tens of kilobytes of heap; entries older than the time-to-live are
     * useless, so the bound only needs to cover the vehicles read within one time-to-live.
     */
    private static final int MAX_ENTRIES = 20_000;
    private static final int STRIPES = 4096;

    private final long ttlNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray writes = new AtomicLongArray(STRIPES);

    private record Entry(VehicleState state, long loadedAt) {
    }

    CurrentStateCache(@Value("${odomo.state.read-cache-ttl:PT1S}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /** The cached state of {@code vin} while it is fresh, else what {@code load} reads (cached). */
    Optional<VehicleState> get(String vin, Supplier<Optional<VehicleState>> load) {
        if (ttlNanos <= 0) {
            return load.get();
        }
        long now = System.nanoTime();
        Entry entry = entries.get(vin);
        if (entry != null && now - entry.loadedAt < ttlNanos) {
            return Optional.of(entry.state);
        }
        int stripe = stripe(vin);
        long before = writes.get(stripe);
        Optional<VehicleState> loaded = load.get();
        if (loaded.isPresent() && writes.get(stripe) == before) {
            if (entries.size() >= MAX_ENTRIES) {
                trim(now);
            }
            entries.put(vin, new Entry(loaded.get(), now));
        }
        return loaded;
    }

    /** A newer state of {@code vin} was committed (or may have been): read it again next time. */
    void forget(String vin) {
        writes.incrementAndGet(stripe(vin));
        entries.remove(vin);
    }

    private static int stripe(String vin) {
        return (vin.hashCode() & 0x7fffffff) % STRIPES;
    }

    /** Drops the expired entries, and a quarter of the others if that freed too little. */
    private void trim(long now) {
        entries.values().removeIf(e -> now - e.loadedAt >= ttlNanos);
        if (entries.size() >= MAX_ENTRIES * 3 / 4) {
            Iterator<Entry> it = entries.values().iterator();
            int drop = entries.size() / 4;
            while (it.hasNext() && drop-- > 0) {
                it.next();
                it.remove();
            }
        }
    }
}
