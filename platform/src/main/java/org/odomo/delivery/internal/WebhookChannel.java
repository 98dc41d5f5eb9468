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
 * POSTs messages to webhook targets with the JDK HTTP client (HTTP/2 where the receiver offers it,
 * HTTP/1.1 otherwise; connections kept and reused).
 *
 * <p>When targets are checked ({@link TargetGuard#enforcing()}), the request goes to the address
 * the guard checked, not to the name: the client would otherwise resolve the name again, and a
 * name that rebinds between the check and the connection would reach a private address. The name
 * is still what the receiver sees: in the Host header (which the JDK client lets a caller set only
 * when started with {@code -Djdk.httpclient.allowRestrictedHeaders=host}; checked at startup) and
 * in TLS, where a client per host name presents it as SNI and the JDK's trust manager verifies the
 * certificate against that SNI name. Those clients are kept in a bounded cache, each with its own
 * reused connections. Without the checks (a developer's setting) one client sends to the URL as
 * written. Redirects are never followed: a 3xx is a not-received answer, so a receiver cannot send
 * the platform elsewhere.
 */
final class WebhookChannel {

    private final HttpClient shared;
    private final Cache<String, HttpClient> pinnedClients;
    private final SSLContext tls;
    private final TargetGuard guard;
    private final Duration timeout;

    WebhookChannel(SSLContext tls, TargetGuard guard, Duration timeout) {
        this.tls = tls;
        this.guard = guard;
        this.timeout = timeout;
        this.shared = client(null);
        this.pinnedClients = Caffeine.newBuilder().maximumSize(1_000).expireAfterAccess(Duration.ofMinutes(15)).build();
        if (guard.enforcing()) {
            requireHostHeader();
        }
    }

    private HttpClient client(String serverName) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
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
            throw new IllegalStateException("The delivery engine checks webhook targets and connects to the checked"
                    + " address, naming the target in the Host header: start the JVM with"
                    + " -Djdk.httpclient.allowRestrictedHeaders=host (or set odomo.delivery.allow-private-targets"
                    + " on a developer's machine)", e);
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
        HttpClient client = shared;
        HttpRequest.Builder request;
        if (guard.enforcing()) {
            client = pinnedClients.get(checked.host(), this::client);
            request = HttpRequest.newBuilder(checked.pinned()).header("Host", checked.authority());
        } else {
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
