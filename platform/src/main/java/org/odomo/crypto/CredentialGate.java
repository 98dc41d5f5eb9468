package org.odomo.crypto;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.security.web.util.OnCommittedResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Turns away, before any other work, the attempts the {@link CredentialGuard} would refuse, and
 * holds their answers back. Refusing is cheap, but a connection that sends wrong passwords in a
 * loop gets its refusal as fast as the server can answer, thousands a second that compete with
 * every other caller for the processors. So once an address or a login is out of failures, its
 * further attempts are answered only after {@code refusal-delay} (or the Retry-After announced,
 * if shorter): the request is suspended (Servlet asynchronous mode, no thread held) and one timer
 * thread sends the refusal when the delay is over, so each flooding connection makes about one
 * attempt per delay. At most {@code held-refusals} answers wait at once; beyond, the refusal is
 * sent at once and the connection closed, so that its sender pays for a new one.
 *
 * <p>The answer is the checkpoint's own refusal (status, Retry-After, body), with the headers
 * Spring Security's defaults would have added had the request reached it. An attempt the guard
 * would start (budgets not spent, or a secret verified moments ago) goes on to the check itself.
 */
final class CredentialGate extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(CredentialGate.class);

    /** Spring Security's default response headers, which a request turned away here does not reach. */
    private static final List<HeaderWriter> SECURITY_HEADERS = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));

    /** How long past its delay a held answer may wait for the timer before the container's timeout sends it. */
    private static final long TIMEOUT_MARGIN_MILLIS = 30_000;

    private final CredentialGuard guard;
    private final List<CredentialCheckpoint> checkpoints;
    private final long maxDelayNanos;
    private final Semaphore places;
    private final int capacity;
    private final ScheduledThreadPoolExecutor timer;

    CredentialGate(CredentialGuard guard, List<CredentialCheckpoint> checkpoints, CredentialProperties settings) {
        this.guard = guard;
        this.checkpoints = List.copyOf(checkpoints);
        this.maxDelayNanos = settings.refusalDelay().toNanos();
        this.capacity = settings.heldRefusals();
        this.places = new Semaphore(capacity);
        // One thread is enough: it only writes a few hundred bytes per answer, and the number of
        // answers waiting is bounded by the places.
        this.timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "credential-refusals");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Refusals waiting to be sent. */
    int held() {
        return capacity - places.availablePermits();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (CredentialCheckpoint checkpoint : checkpoints) {
            CredentialCheckpoint.Attempt attempt = checkpoint.attempt(request);
            if (attempt == null) {
                continue;
            }
            long wait = guard.nanosUntilAllowed(attempt.realm(), attempt.principal(), request.getRemoteAddr());
            if (wait > 0 && !guard.recentlyVerified(attempt.secret(), attempt.storedHash().get())) {
                refuse(request, response, checkpoint, wait);
                return;
            }
            break;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, CredentialCheckpoint checkpoint,
            long wait) throws IOException {
        CredentialRefusedException now = CredentialGuard.throttled(wait);
        long delay = Math.min(maxDelayNanos, TimeUnit.SECONDS.toNanos(now.retryAfterSeconds()));
        if (delay <= 0 || !request.isAsyncSupported()) {
            answer(request, response, checkpoint, now);
            return;
        }
        if (!places.tryAcquire()) {
            response.setHeader("Connection", "close");
            answer(request, response, checkpoint, now);
            return;
        }
        Held held;
        try {
            AsyncContext async = request.startAsync(request, response);
            // What is left to wait once the answer goes out.
            held = new Held(async, checkpoint, CredentialGuard.throttled(wait - delay));
            async.setTimeout(TimeUnit.NANOSECONDS.toMillis(delay) + TIMEOUT_MARGIN_MILLIS);
            async.addListener(held);
        } catch (IllegalStateException e) {
            places.release();
            answer(request, response, checkpoint, now);
            return;
        }
        try {
            held.scheduled = timer.schedule(held::send, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            held.send();
        }
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response,
            CredentialCheckpoint checkpoint, CredentialRefusedException refused) throws IOException {
        // Written as the chain's header filter writes them: when the answer commits, so that
        // those the checkpoint set itself (Cache-Control at the token endpoint) are kept.
        HttpServletResponse headed = new OnCommittedResponseWrapper(response) {
            @Override
            protected void onResponseCommitted() {
                for (HeaderWriter writer : SECURITY_HEADERS) {
                    writer.writeHeaders(request, response);
                }
            }
        };
        checkpoint.refuse(headed, refused);
        headed.flushBuffer();
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /** A refusal waiting for its delay; sent once, by the timer or, failing it, the container's timeout. */
    private final class Held implements AsyncListener {
        private final AsyncContext async;
        private final CredentialCheckpoint checkpoint;
        private final CredentialRefusedException refused;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile ScheduledFuture<?> scheduled;

        Held(AsyncContext async, CredentialCheckpoint checkpoint, CredentialRefusedException refused) {
            this.async = async;
            this.checkpoint = checkpoint;
            this.refused = refused;
        }

        void send() {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            try {
                answer((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), checkpoint,
                        refused);
            } catch (IOException | RuntimeException e) {
                // The caller went away while it waited: nothing to answer.
                log.debug("a held credential refusal could not be sent: {}", e.toString());
            } finally {
                places.release();
                try {
                    async.complete();
                } catch (IllegalStateException alreadyOver) {
                    // the container ended the request first
                }
            }
        }

        /** The request ended without the answer (the connection failed, the server stops). */
        private void abandon() {
            if (settled.compareAndSet(false, true)) {
                places.release();
                ScheduledFuture<?> task = scheduled;
                if (task != null) {
                    task.cancel(false);
                }
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            send();
        }

        @Override
        public void onError(AsyncEvent event) {
            abandon();
            try {
                async.complete();
            } catch (IllegalStateException alreadyOver) {
                // nothing left to end
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            abandon();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not started again
        }
    }
}
