package org.odomo.delivery.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * Websocket destinations: the platform opens the connection to the target, keeps it, and writes
 * one text frame per message (or per batch, a JSON array). A message counts as received once its
 * frame has been written to the connection (the JDK completes the send when the frame is handed to
 * the socket): the websocket protocol has no acknowledgement of its own, so a connection that
 * breaks right after may lose what was written last; the retry covers everything that failed to
 * be written. A connection that fails is opened again on the next attempt, after a back-off that
 * doubles from one second up to a minute.
 */
final class WebsocketChannel {

    private record Key(String destinationId, URI target) {
    }

    private record BackOff(Instant until, Duration last) {
    }

    private final SSLContext tls;
    private final TargetGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final Cache<Key, WebSocket> open;
    private final Cache<Key, BackOff> backOff;

    WebsocketChannel(SSLContext tls, TargetGuard guard, Duration timeout, Clock clock) {
        this.tls = tls;
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
        this.open = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1))
                .<Key, WebSocket>removalListener((key, ws, cause) -> {
                    if (ws != null && cause != RemovalCause.REPLACED) {
                        ws.abort();
                    }
                }).build();
        this.backOff = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    }

    Outcome send(String destinationId, URI target, String frame) {
        String shown = WebhookChannel.shown(target);
        Key key = new Key(destinationId, target);
        WebSocket ws = open.getIfPresent(key);
        if (ws != null && ws.isOutputClosed()) {
            open.invalidate(key);
            ws = null;
        }
        if (ws == null) {
            BackOff b = backOff.getIfPresent(key);
            if (b != null && clock.instant().isBefore(b.until())) {
                return Outcome.failed(null, "reconnecting after a failed connection, not before " + b.until(), shown);
            }
            try {
                ws = connect(key, target);
            } catch (TargetGuard.Refused e) {
                return Outcome.failed(null, e.getMessage(), shown);
            } catch (Exception e) {
                failed(key);
                return Outcome.failed(null, "connection failed: " + rootMessage(e), shown);
            }
            backOff.invalidate(key);
            open.put(key, ws);
        }
        try {
            ws.sendText(frame, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.received(101, shown);
        } catch (TimeoutException e) {
            drop(key, ws);
            return Outcome.failed(null, "frame not written within " + timeout.toMillis() + " ms", shown);
        } catch (ExecutionException e) {
            drop(key, ws);
            return Outcome.failed(null, "connection lost: " + rootMessage(e), shown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(null, "interrupted", shown);
        }
    }

    private WebSocket connect(Key key, URI target) throws Exception {
        TargetGuard.Checked checked = guard.check(target);
        // As for webhooks: connect to the checked address, present the name in TLS (SNI).
        SSLParameters parameters = tls.getDefaultSSLParameters();
        if (checked.serverName() != null) {
            parameters.setServerNames(List.of(new SNIHostName(checked.serverName())));
        }
        HttpClient client = HttpClient.newBuilder().sslContext(tls).sslParameters(parameters).connectTimeout(timeout)
                .build();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
        try {
            builder.header("Host", checked.authority());
        } catch (IllegalArgumentException e) {
            // The JDK's websocket client names the address it connects to; the receiver sees that.
        }
        URI uri = checked.pinned();
        return builder.buildAsync(uri, new Listener(key)).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    }

    private void failed(Key key) {
        BackOff before = backOff.getIfPresent(key);
        Duration next = before == null ? Duration.ofSeconds(1) : before.last().multipliedBy(2);
        if (next.compareTo(Duration.ofMinutes(1)) > 0) {
            next = Duration.ofMinutes(1);
        }
        backOff.put(key, new BackOff(clock.instant().plus(next), next));
    }

    private void drop(Key key, WebSocket ws) {
        open.asMap().remove(key, ws);
        ws.abort();
        failed(key);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Reads and ignores what the receiver sends; forgets the connection once it closes. */
    private final class Listener implements WebSocket.Listener {
        private final Key key;

        Listener(Key key) {
            this.key = key;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            open.asMap().remove(key, webSocket);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            open.asMap().remove(key, webSocket);
        }
    }

    void closeAll() {
        open.invalidateAll();
    }
}
