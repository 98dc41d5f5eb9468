package org.odomo.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Receives the authorization's redirect on the loopback interface, as a desktop or command-line
 * app does (RFC 8252 §7.3): it listens on {@code http://127.0.0.1:PORT/PATH}, and the user's
 * browser, sent there by the platform, hands it the code. The app registers a redirect URI on
 * {@code 127.0.0.1} with that path; the platform accepts any port on it, so port 0 (any free
 * one) works.
 */
public final class LoopbackCallback implements AutoCloseable {

    private final HttpServer server;
    private final URI redirectUri;
    private final CompletableFuture<URI> received = new CompletableFuture<>();

    private LoopbackCallback(HttpServer server, String path) {
        this.server = server;
        this.redirectUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Listens on 127.0.0.1, on {@code port} (0: any free port) and {@code path}. */
    public static LoopbackCallback start(int port, String path) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
            LoopbackCallback callback = new LoopbackCallback(server, path);
            server.createContext(path, callback::handle);
            server.start();
            return callback;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    /** The redirect URI to authorize with: this listener's address. */
    public URI redirectUri() {
        return redirectUri;
    }

    /** Waits for the browser to come back; answers the whole address it was sent to. */
    public URI await(Duration timeout) {
        try {
            return received.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OdomoClientException("no authorization came back within " + timeout, e);
        } catch (ExecutionException e) {
            throw new OdomoClientException("the authorization did not come back", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OdomoClientException("interrupted while waiting for the authorization", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            Map<String, String> params = OdomoClient.parseQuery(query);
            boolean answer = "GET".equals(exchange.getRequestMethod())
                    && (params.containsKey("code") || params.containsKey("error"));
            String page;
            if (answer && received.complete(URI.create(redirectUri + (query == null ? "" : "?" + query)))) {
                page = params.containsKey("code") ? "Authorized. You can close this window and go back to the app."
                        : "The app was not authorized. You can close this window.";
            } else {
                page = "Nothing to do here.";
            }
            byte[] body = ("<!doctype html><meta charset=utf-8><title>Odomo</title><p>" + page)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(answer ? 200 : 400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening. */
    @Override
    public void close() {
        server.stop(0);
    }
}
