package org.odomo.delivery.internal;

import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLContext;

import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Sends what waits in the outbox. Every node polls for due streams (on the platform's task
 * scheduler), claims a few with a lease and sends to each on a bounded pool of its own (virtual
 * threads where the JVM has them), never on a request thread. One stream is sent to by one node at
 * a time, in order; a node that dies leaves its streams to the others when its leases run out.
 *
 * <p>Per stream: a single message goes alone (with the owner's Header and Query attributes); once
 * the stream is behind (a failed attempt, or more than one message waiting) or batches by policy,
 * messages go as JSON arrays of up to the policy's batch size. After a failed attempt the policy
 * decides: no retry (dropped), a bounded number of retries, or retries until the lifetime, every
 * retry delay; new messages wait for the retry and go with it.
 */
@Component
class DeliveryEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    private final OutboxStore store;
    private final List<DeliveryDestinations> destinations;
    private final DeliveryProperties settings;
    private final DeliveryMetrics metrics;
    private final TaskScheduler scheduler;
    private final Clock clock;
    /** Made for the first send, not at start; see {@link #channels()}. */
    private volatile Channels channels;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore slots;
    /** Made at each start and shut down at each stop: a stopped engine can be started again. */
    private volatile ExecutorService pool;
    private final ReentrantLock polling = new ReentrantLock();
    private final AtomicBoolean nudged = new AtomicBoolean();
    /** The last look found as many due streams as it could take: more are probably waiting. */
    private volatile boolean backlog;
    private volatile ScheduledFuture<?> loop;
    private volatile boolean running;

    DeliveryEngine(OutboxStore store, List<DeliveryDestinations> destinations, DeliveryProperties settings,
            DeliveryMetrics metrics, TaskScheduler scheduler, Optional<Clock> clock) {
        this.store = store;
        this.destinations = destinations;
        this.settings = settings;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.clock = clock.orElse(Clock.systemUTC());
        // Still checked at start, though the clients come later: a JVM that refuses the Host header
        // is a set-up error, not a failure of the first delivery.
        WebhookChannel.requireHostHeader();
        this.slots = new Semaphore(settings.concurrency());
    }

    private record Channels(WebhookChannel webhooks, WebsocketChannel websockets, PushChannel push) {
    }

    /**
     * The channels, made when the first message is sent: the JDK's default TLS context reads the
     * trust store and an HTTP client starts a thread, work a start that has nothing to send (and
     * the first answer of any start) need not wait for.
     */
    private Channels channels() {
        Channels c = channels;
        if (c == null) {
            synchronized (this) {
                c = channels;
                if (c == null) {
                    SSLContext tls;
                    try {
                        tls = SSLContext.getDefault();
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException("no default TLS context", e);
                    }
                    TargetGuard guard = new TargetGuard(settings.allowPrivateTargets(),
                            settings.allowInsecureSchemes(), InetAddress::getAllByName);
                    WebhookChannel webhooks = new WebhookChannel(tls, guard, settings.timeout(),
                            !settings.allowPrivateTargets());
                    c = new Channels(webhooks, new WebsocketChannel(tls, guard, settings.timeout(), clock),
                            new PushChannel(webhooks.sharedClient(), settings.push(), settings.timeout()));
                    channels = c;
                }
            }
        }
        return c;
    }

    /** Virtual threads on a JVM that has them (21+), else a fixed pool; the semaphore bounds both. */
    private static ExecutorService newPool(int size) {
        if (Runtime.version().feature() >= 21) {
            try {
                return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            } catch (ReflectiveOperationException e) {
                // falls back to platform threads
            }
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(size, threads);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        // A stopped context is started again (the test framework pauses and resumes the ones it
        // keeps): the pool the last stop shut down is replaced.
        pool = newPool(settings.concurrency());
        running = true;
        if (settings.enabled()) {
            loop = scheduler.scheduleWithFixedDelay(this::poll, settings.pollInterval());
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        ScheduledFuture<?> l = loop;
        if (l != null) {
            l.cancel(false);
        }
        ExecutorService pool = this.pool;
        pool.shutdown();
        try {
            pool.awaitTermination(settings.timeout().toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Channels c = channels;
        if (c != null) {
            c.websockets().closeAll();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Something was written: look for due streams now rather than at the next poll. */
    void nudge() {
        if (running && settings.enabled() && nudged.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                nudged.set(false);
                poll();
            }, Instant.now());
        }
    }

    /** One look for due streams; the claimed ones are sent to on the pool. */
    void poll() {
        if (!running || !polling.tryLock()) {
            return;
        }
        try {
            int free = Math.min(slots.availablePermits(), settings.claimLimit());
            if (free == 0) {
                backlog = true;
                return;
            }
            Instant now = clock.instant();
            String token = node + ":" + UUID.randomUUID();
            List<OutboxStore.ClaimedStream> claimed = store.claim(token, now, now.plus(settings.lease()), free);
            for (OutboxStore.ClaimedStream s : claimed) {
                slots.acquireUninterruptibly();
                try {
                    pool.execute(() -> {
                        try {
                            process(s);
                        } finally {
                            slots.release();
                            if (backlog) {
                                // A slot is free and streams wait: take the next one now, not at the next poll.
                                nudge();
                            }
                        }
                    });
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
            }
            backlog = claimed.size() == free;
            if (backlog && free == settings.claimLimit()) {
                nudge();
            }
        } catch (RuntimeException e) {
            log.warn("looking for due notifications failed: {}", e.toString());
        } finally {
            polling.unlock();
        }
    }

    private record Found(Destination destination, DeliveryDestinations owner) {
    }

    private Optional<Found> find(String destinationId) {
        for (DeliveryDestinations d : destinations) {
            Optional<Destination> found = d.find(destinationId);
            if (found.isPresent()) {
                return Optional.of(new Found(found.get(), d));
            }
        }
        return Optional.empty();
    }

    /** Sends what waits on one claimed stream, then lets go of it with its next attempt time. */
    void process(OutboxStore.ClaimedStream s) {
        int failures = s.failures();
        Instant retryAt = null;
        Instant now = clock.instant();
        Duration window = Duration.ZERO;
        try {
            Optional<Found> found = find(s.destinationId());
            DeliveryPolicy policy = found.map(f -> f.destination().policy()).orElse(DeliveryPolicy.endUser());
            window = policy.batchWindow();
            int attempts = 0;
            // Stop starting attempts while the lease still outlasts one: past it, another node may take over.
            Instant deadline = now.plus(settings.lease()).minus(settings.timeout().multipliedBy(2));
            while (attempts < settings.maxBatchesPerClaim() && retryAt == null && clock.instant().isBefore(deadline)) {
                now = clock.instant();
                List<OutboxStore.Stored> open = store.open(s.destinationId(), s.streamKey(), policy.batchSize());
                if (open.isEmpty()) {
                    break;
                }
                if (found.isEmpty()) {
                    drop(s, open, "destination-unknown", now);
                    continue;
                }
                Destination destination = found.get().destination();
                if (destination.state() == Destination.State.FAILED) {
                    drop(s, open, "destination-failed", now);
                    continue;
                }
                List<OutboxStore.Stored> live = new ArrayList<>();
                List<OutboxStore.Stored> expired = new ArrayList<>();
                for (OutboxStore.Stored n : open) {
                    (n.eventTime().plus(policy.lifetime()).isAfter(now) ? live : expired).add(n);
                }
                drop(s, expired, "expired", now);
                if (live.isEmpty()) {
                    continue;
                }
                if (destination.state() == Destination.State.PAUSED) {
                    retryAt = now.plus(settings.pausedRecheck());
                    break;
                }
                boolean asArray = failures > 0 || live.size() > 1 || !policy.batchWindow().isZero();
                List<OutboxStore.Stored> chunk = asArray ? live : live.subList(0, 1);
                attempts++;
                Outcome outcome = send(found.get(), chunk, asArray, now);
                List<UUID> ids = chunk.stream().map(OutboxStore.Stored::id).toList();
                if (outcome.received()) {
                    metrics.delivered(store.complete(s.destinationId(), s.streamKey(), ids, "DELIVERED", null, now,
                            true));
                    failures = 0;
                    if (!outcome.unregistered().isEmpty()) {
                        found.get().owner().devicesUnregistered(destination.id(), outcome.unregistered());
                    }
                    continue;
                }
                switch (policy.retry()) {
                    case NONE -> {
                        drop(s, chunk, "not-received", now, true);
                        failures = 0;
                    }
                    case BOUNDED -> {
                        List<OutboxStore.Stored> exhausted = chunk.stream()
                                .filter(n -> n.attempts() + 1 > policy.retryNumber()).toList();
                        drop(s, exhausted, "retries-exhausted", now, true);
                        List<UUID> again = chunk.stream().filter(n -> n.attempts() + 1 <= policy.retryNumber())
                                .map(OutboxStore.Stored::id).toList();
                        if (again.isEmpty()) {
                            failures = 0;
                        } else {
                            store.attempted(again, now);
                            metrics.retried(again.size());
                            failures++;
                            retryAt = now.plus(policy.retryDelay());
                        }
                    }
                    case ALWAYS -> {
                        store.attempted(ids, now);
                        metrics.retried(ids.size());
                        failures++;
                        retryAt = now.plus(policy.retryDelay());
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("delivery to {} (stream {}) failed: {}", s.destinationId(), s.streamKey(), e.toString());
            failures = Math.max(failures, 1);
            retryAt = now.plus(settings.pausedRecheck());
        }
        Instant after = clock.instant();
        if (!store.release(s, failures, retryAt, after.plus(window), after)) {
            log.info("lease on {} (stream {}) ran out while sending; another node took it over", s.destinationId(),
                    s.streamKey());
        }
    }

    private void drop(OutboxStore.ClaimedStream s, List<OutboxStore.Stored> notifications, String reason,
            Instant now) {
        drop(s, notifications, reason, now, false);
    }

    private void drop(OutboxStore.ClaimedStream s, List<OutboxStore.Stored> notifications, String reason, Instant now,
            boolean attempted) {
        if (notifications.isEmpty()) {
            return;
        }
        int n = store.complete(s.destinationId(), s.streamKey(),
                notifications.stream().map(OutboxStore.Stored::id).toList(), "DROPPED", reason, now, attempted);
        metrics.dropped(reason, n);
    }

    private Outcome send(Found found, List<OutboxStore.Stored> chunk, boolean asArray, Instant now) {
        Destination d = found.destination();
        MessageRenderer.Rendered r = asArray ? MessageRenderer.batch(d, chunk) : MessageRenderer.single(d, chunk.get(0));
        long started = System.nanoTime();
        String channel;
        Outcome outcome;
        if (d.channel() instanceof Destination.Webhook w) {
            channel = "webhook";
            outcome = channels().webhooks().send(w.target(), r.body(), r.headers(), r.query());
        } else if (d.channel() instanceof Destination.Websocket w) {
            channel = "websocket";
            outcome = channels().websockets().send(d.id(), w.target(), r.body());
        } else {
            channel = "push";
            Destination.Push p = (Destination.Push) d.channel();
            OutboxStore.Stored first = chunk.get(0);
            Map<String, String> variables = variablesOf(first);
            String label = variables.getOrDefault(first.kind() == org.odomo.delivery.Notification.Kind.MONITOR
                    ? "MonitorLabel" : "RemoteLabel", "");
            String title = label.isEmpty() ? (d.label().isEmpty() ? first.kind().type() : d.label()) : label;
            String text = chunk.size() == 1 ? first.kind().type() + " event" : chunk.size() + " events";
            outcome = channels().push().send(p.deviceTokens(), r.body(), title, text, r.headers());
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        metrics.attempt(channel, outcome.received(), latency);
        store.log(new OutboxStore.Attempt(d.id(), now, channel, outcome.target(), outcome.received(),
                outcome.statusCode(), latency.toMillis(), outcome.error(),
                chunk.stream().map(OutboxStore.Stored::id).toList()));
        return outcome;
    }

    private static Map<String, String> variablesOf(OutboxStore.Stored n) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        MessageRenderer.JSON.readTree(n.variables()).properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    /** Makes a destination's waiting streams due now. */
    void wake(String destinationId) {
        store.wake(destinationId, clock.instant());
        nudge();
    }
}
