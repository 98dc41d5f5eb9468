package org.odomo.delivery.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * POSTs messages to webhook targets with the JDK HTTP client, connections kept and reused.
 *
 * <p>In production ({@code pin}), the request goes to the address the {@link TargetGuard} checked,
 * never to the name: the JDK client has no hook into its own name resolution, and resolving again
 * would let a name that rebinds between the check and the connection (DNS rebinding) reach a
 * private address. The name is still what the receiver sees: in the Host header (which the JDK
 * client lets a caller set only under {@code jdk.httpclient.allowRestrictedHeaders=host}; set below
 * before the client is first used, and checked at startup) and in TLS, where a client per host name
 * presents it as SNI and the JDK's trust manager verifies the certificate against that SNI name.
 * Those clients speak HTTP/1.1: in HTTP/2 the JDK takes the {@code :authority} from the URL, which
 * would name the address, and a Host header that differs from it is a protocol error. They are kept
 * in a bounded cache, one per host name.
 *
 * <p>Where nothing is refused (a developer's machine, {@code odomo.delivery.allow-private-targets}),
 * rebinding gains nothing, and one shared client sends to the URL as written, over HTTP/2 where the
 * receiver offers it (ALPN over TLS, the cleartext upgrade otherwise), HTTP/1.1 else; so does a
 * target written as an address. Redirects are never followed: a 3xx is a not-received answer, so a
 * receiver cannot send the platform elsewhere.
 */
final class WebhookChannel {

    static {
        // Read once, when the JDK's HTTP client is first used; an earlier user makes the startup check fail.
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    private final HttpClient shared;
    private final Cache<String, HttpClient> pinnedClients;
    private final SSLContext tls;
    private final TargetGuard guard;
    private final Duration timeout;
    private final boolean pin;

    WebhookChannel(SSLContext tls, TargetGuard guard, Duration timeout, boolean pin) {
        this.pin = pin;
        this.tls = tls;
        this.guard = guard;
        this.timeout = timeout;
        this.shared = client(null);
        this.pinnedClients = Caffeine.newBuilder().maximumSize(1_000).expireAfterAccess(Duration.ofMinutes(15)).build();
        requireHostHeader();
    }

    private HttpClient client(String serverName) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(serverName == null ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).sslContext(tls);
        if (serverName != null) {
            SSLParameters parameters = tls.getDefaultSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            b.sslParameters(parameters);
        }
        return b.build();
    }

    static void requireHostHeader() {
        try {
            HttpRequest.newBuilder(URI.create("https://127.0.0.1/")).header("Host", "example.com");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The delivery engine connects to the address it checked and names the"
                    + " target in the Host header: start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host", e);
        }
    }

    /** The target with the Query attributes added, as the request names it. */
    static URI withQuery(URI target, Map<String, String> query) {
        if (query.isEmpty()) {
            return target;
        }
        StringBuilder q = new StringBuilder(target.getRawQuery() == null ? "" : target.getRawQuery());
        query.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String s = target.toString();
        int cut = s.indexOf('?');
        int fragment = s.indexOf('#');
        String base = cut >= 0 ? s.substring(0, cut) : fragment >= 0 ? s.substring(0, fragment) : s;
        return URI.create(base + "?" + q);
    }

    /** How the delivery log shows a target: without query or credentials. */
    static String shown(URI target) {
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        String port = target.getPort() == -1 ? "" : ":" + target.getPort();
        return target.getScheme() + "://" + target.getHost() + port + path;
    }

    Outcome send(URI target, String body, Map<String, String> headers, Map<String, String> query) {
        URI full = withQuery(target, query);
        String shown = shown(target);
        TargetGuard.Checked checked;
        try {
            checked = guard.check(full);
        } catch (TargetGuard.Refused e) {
            return Outcome.failed(null, e.getMessage(), shown);
        }
        HttpClient client;
        HttpRequest.Builder request;
        if (pin && checked.serverName() != null) {
            client = pinnedClients.get(checked.serverName(), this::client);
            request = HttpRequest.newBuilder(checked.pinned()).header("Host", checked.authority());
        } else {
            client = shared;
            request = HttpRequest.newBuilder(full);
        }
        request.timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        StringBuilder skipped = new StringBuilder();
        headers.forEach((k, v) -> {
            try {
                request.header(k, v);
            } catch (IllegalArgumentException e) {
                skipped.append(skipped.isEmpty() ? "" : ", ").append(k);
            }
        });
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            String note = skipped.isEmpty() ? null : "header attributes not sent (reserved names): " + skipped;
            return status >= 200 && status < 300 ? new Outcome(true, status, note, shown, java.util.Set.of())
                    : Outcome.failed(status, "receiver answered " + status, shown);
        } catch (HttpTimeoutException e) {
            return Outcome.failed(null, "no answer within " + timeout.toMillis() + " ms", shown);
        } catch (IOException e) {
            return Outcome.failed(null, "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), shown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(null, "interrupted", shown);
        }
    }

    HttpClient sharedClient() {
        return shared;
    }
}
