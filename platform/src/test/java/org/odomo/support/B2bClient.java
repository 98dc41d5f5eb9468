package org.odomo.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Calls the fleet API as a partner: HTTP Basic, {@code client_id} and the client certificate.
 * Over plain HTTP from the loopback address, the certificate goes in the header a trusted
 * TLS-terminating proxy forwards it in (tests trust 127.0.0.1).
 */
public final class B2bClient {

    public static final String BASE = "/connectedcar/v3";
    public static final String CERTIFICATE_HEADER = "X-Client-Certificate";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String origin;
    private final B2bPartners.Credentials credentials;

    public B2bClient(int port, B2bPartners.Credentials credentials) {
        this.origin = "http://127.0.0.1:" + port;
        this.credentials = credentials;
    }

    public B2bPartners.Credentials credentials() {
        return credentials;
    }

    /** GET of a path below {@code /connectedcar/v3} (with or without a query); client_id is added. */
    public HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    public HttpResponse<String> post(String path, String json) {
        return send("POST", path, json);
    }

    public HttpResponse<String> put(String path, String json) {
        return send("PUT", path, json);
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null);
    }

    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + BASE + path
                + (path.contains("?") ? "&" : "?") + "client_id=" + credentials.clientId()))
                .header("Authorization", credentials.basic())
                .header(CERTIFICATE_HEADER, credentials.forwardedCertificate())
                .header("Accept", "application/hal+json");
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
