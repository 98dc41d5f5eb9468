package org.odomo.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.odomo.apps.Certificates;

/**
 * Calls the fleet API as a partner: HTTP Basic, {@code client_id} and the client certificate.
 * Over plain HTTP from the loopback address, the certificate goes in the header a trusted
 * TLS-terminating proxy forwards it in (tests trust 127.0.0.1). Over HTTPS ({@link #https}), it is
 * presented in the TLS handshake, as a fleet owner's client does, and the server's certificate is
 * checked against the platform CA.
 * <p>
 * Instances are immutable; the {@code with...} methods return a client that differs in one
 * credential, to try the API with a wrong one.
 */
public final class B2bClient {

    public static final String BASE = "/connectedcar/v3";
    public static final String CERTIFICATE_HEADER = "X-Client-Certificate";

    private final HttpClient http;
    private final String origin;
    private final B2bPartners.Credentials credentials;
    /** Over HTTPS: the CA the server certificate must chain to (null over plain HTTP). */
    private final String caPem;
    /** Over HTTPS: the key and certificate presented (null: none); over HTTP: the forwarded certificate. */
    private final KeyPair presentedKey;
    private final String presentedCertificate;
    private final String basic;
    /** null: no client_id parameter. */
    private final String clientId;
    private final Map<String, String> extraHeaders;

    public B2bClient(int port, B2bPartners.Credentials credentials) {
        this(HttpClient.newHttpClient(), "http://127.0.0.1:" + port, credentials, null, credentials.key(),
                credentials.certificatePem(), credentials.basic(), credentials.clientId(), Map.of());
    }

    private B2bClient(HttpClient http, String origin, B2bPartners.Credentials credentials, String caPem,
            KeyPair presentedKey, String presentedCertificate, String basic, String clientId,
            Map<String, String> extraHeaders) {
        this.http = http;
        this.origin = origin;
        this.credentials = credentials;
        this.caPem = caPem;
        this.presentedKey = presentedKey;
        this.presentedCertificate = presentedCertificate;
        this.basic = basic;
        this.clientId = clientId;
        this.extraHeaders = extraHeaders;
    }

    /**
     * A client of the platform's HTTPS connector on {@code tlsPort} (at {@code localhost}, a name
     * the platform's own server certificate carries) that presents the partner's key and
     * certificate and trusts the platform CA ({@code caPem}) alone.
     */
    public static B2bClient https(int tlsPort, B2bPartners.Credentials credentials, String caPem) {
        return new B2bClient(httpsClient(caPem, credentials.key(), credentials.certificatePem()),
                "https://localhost:" + tlsPort, credentials, caPem, credentials.key(), credentials.certificatePem(),
                credentials.basic(), credentials.clientId(), Map.of());
    }

    public boolean overTls() {
        return caPem != null;
    }

    /** The same client presenting another key and certificate (both null: no certificate at all). */
    public B2bClient presenting(KeyPair key, String certificatePem) {
        HttpClient client = overTls() ? httpsClient(caPem, key, certificatePem) : http;
        return new B2bClient(client, origin, credentials, caPem, key, certificatePem, basic, clientId, extraHeaders);
    }

    public B2bClient withoutCertificate() {
        return presenting(null, null);
    }

    /** The same client with other HTTP Basic credentials (null: no Authorization header). */
    public B2bClient withBasic(String login, String password) {
        String header = login == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new B2bClient(http, origin, credentials, caPem, presentedKey, presentedCertificate, header, clientId,
                extraHeaders);
    }

    /** The same client sending another client_id (null: none). */
    public B2bClient withClientId(String otherClientId) {
        return new B2bClient(http, origin, credentials, caPem, presentedKey, presentedCertificate, basic,
                otherClientId, extraHeaders);
    }

    /** The same client adding a header to every request. */
    public B2bClient withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        return new B2bClient(http, origin, credentials, caPem, presentedKey, presentedCertificate, basic, clientId,
                Map.copyOf(headers));
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
        String query = clientId == null ? ""
                : (path.contains("?") ? "&" : "?") + "client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + BASE + path + query))
                .header("Accept", "application/hal+json");
        if (basic != null) {
            request.header("Authorization", basic);
        }
        if (!overTls() && presentedCertificate != null) {
            request.header(CERTIFICATE_HEADER, B2bPartners.forwarded(presentedCertificate));
        }
        extraHeaders.forEach(request::header);
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

    /** An HTTP client whose TLS presents {@code key} with {@code certificatePem} (if not null) and trusts {@code caPem}. */
    public static HttpClient httpsClient(String caPem, KeyPair key, String certificatePem) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("platform-ca", Certificates.parse(caPem));
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "client".toCharArray();
            if (key != null && certificatePem != null) {
                keys.setKeyEntry("client", key.getPrivate(), password,
                        new Certificate[] { Certificates.parse(certificatePem) });
            }
            keyManagers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).build();
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the client's TLS context", e);
        }
    }
}
