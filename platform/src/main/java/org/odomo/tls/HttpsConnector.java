package org.odomo.tls;

import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.odomo.apps.Certificates;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.apps.PlatformKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Opens the HTTPS connector ({@code odomo.tls}) beside the plain HTTP one, on the same server:
 * the same APIs and pages, over TLS, with every client asked for a certificate
 * ({@code client-auth: want}). A client without one is served all the same (the B2B API then
 * answers 401); whether a certificate presented is the platform CA's is the B2B API's check (see
 * {@link AnyClientCertificate}).
 * <p>
 * The server key and certificate come from the SSL bundle the operator names, or else are the
 * platform's own, created once and shared by every node through the database. Either way the
 * connector opens on a thread of its own once the platform is ready: reading or creating the key
 * loads the certificate library and may generate RSA keys, which the start of the platform does
 * not wait for. {@link #port(Duration)} waits for it.
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnClass(Tomcat.class)
public class HttpsConnector {

    private static final Logger log = LoggerFactory.getLogger(HttpsConnector.class);
    private static final String ALIAS = "server";
    /** The in-memory key store's password: it never leaves the process, but the API wants one. */
    private static final char[] IN_MEMORY = "odomo".toCharArray();

    private final TlsProperties settings;
    private final PlatformCertificateAuthority ca;
    private final ObjectProvider<SslBundles> bundles;
    private final CompletableFuture<Integer> opened = new CompletableFuture<>();

    HttpsConnector(TlsProperties settings, PlatformCertificateAuthority ca, ObjectProvider<SslBundles> bundles) {
        this.settings = settings;
        this.ca = ca;
        this.bundles = bundles;
    }

    /**
     * Once the platform is ready (not before: on two cores, reading the key would compete with the
     * rest of the start), and first among the listeners, since others may wait for the port.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void onReady(ApplicationReadyEvent event) {
        if (!settings.enabled()) {
            opened.completeExceptionally(new IllegalStateException("the HTTPS connector is disabled (odomo.tls.enabled)"));
            return;
        }
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)
                || !(web.getWebServer() instanceof TomcatWebServer server)) {
            opened.completeExceptionally(new IllegalStateException("the HTTPS connector needs Tomcat"));
            return;
        }
        Tomcat tomcat = server.getTomcat();
        Thread opener = new Thread(() -> open(tomcat), "https-connector");
        opener.setDaemon(true);
        opener.start();
    }

    /**
     * The port the HTTPS connector listens on, once open (waiting at most {@code timeout});
     * an IllegalStateException when it is disabled or could not open.
     */
    public int port(Duration timeout) {
        try {
            return opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("no HTTPS connector: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the HTTPS connector did not open within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void open(Tomcat tomcat) {
        long started = System.nanoTime();
        try {
            Connector main = tomcat.getConnector();
            Connector connector = new Connector(Http11NioProtocol.class.getName());
            connector.setPort(settings.port());
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setThrowOnFailure(true);
            connector.setURIEncoding(main.getURIEncoding());
            AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
            if (main.getProtocolHandler() instanceof AbstractHttp11Protocol<?> plain) {
                // The same request limits and worker threads (virtual ones on Java 21) as the plain port.
                protocol.setExecutor(plain.getExecutor());
                protocol.setMaxHttpRequestHeaderSize(plain.getMaxHttpRequestHeaderSize());
                protocol.setMaxHttpResponseHeaderSize(plain.getMaxHttpResponseHeaderSize());
                protocol.setConnectionTimeout(plain.getConnectionTimeout());
                protocol.setKeepAliveTimeout(plain.getKeepAliveTimeout());
                protocol.setMaxKeepAliveRequests(plain.getMaxKeepAliveRequests());
                protocol.setMaxConnections(plain.getMaxConnections());
                protocol.setMaxSwallowSize(plain.getMaxSwallowSize());
            }
            connector.setMaxPostSize(main.getMaxPostSize());
            protocol.setSSLEnabled(true);
            protocol.addSslHostConfig(hostConfig());
            tomcat.getService().addConnector(connector);
            int port = connector.getLocalPort();
            log.info("HTTPS (client certificates wanted) on port {}, opened in {} ms, server certificate: {}", port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    settings.bundle() == null ? "the platform's own (for localhost; odomo.tls.bundle names one for a host name)"
                            : "SSL bundle " + settings.bundle());
            opened.complete(port);
        } catch (RuntimeException e) {
            // One line (the usual cause, a port in use, needs no stack trace); the trace at debug.
            log.error("cannot open the HTTPS connector on port {} ({}); the platform runs on without HTTPS",
                    settings.port(), rootMessage(e));
            log.debug("HTTPS connector failure", e);
            opened.completeExceptionally(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private SSLHostConfig hostConfig() {
        SSLHostConfig host = new SSLHostConfig();
        host.setCertificateVerification("optional");
        host.setTrustManagerClassName(AnyClientCertificate.class.getName());
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        if (settings.bundle() != null) {
            SslBundle bundle = bundles.getObject().getBundle(settings.bundle());
            certificate.setCertificateKeystore(bundle.getStores().getKeyStore());
            String storePassword = bundle.getStores().getKeyStorePassword();
            certificate.setCertificateKeystorePassword(storePassword == null ? "" : storePassword);
            if (bundle.getKey().getAlias() != null) {
                certificate.setCertificateKeyAlias(bundle.getKey().getAlias());
            }
            String keyPassword = bundle.getKey().getPassword();
            if (keyPassword != null) {
                certificate.setCertificateKeyPassword(keyPassword);
            }
        } else {
            certificate.setCertificateKeystore(ownKeyStore());
            certificate.setCertificateKeystorePassword(new String(IN_MEMORY));
            certificate.setCertificateKeyAlias(ALIAS);
        }
        host.addCertificate(certificate);
        return host;
    }

    /** The platform's own server key, with its certificate and the CA's as the chain. */
    private KeyStore ownKeyStore() {
        PlatformKeys.StoredKey key = ca.serverKey();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key.keyPair().getPrivate(), IN_MEMORY,
                    new Certificate[] { Certificates.parse(key.certificatePem()), ca.caCertificate() });
            return store;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot hold the server key", e);
        }
    }
}
