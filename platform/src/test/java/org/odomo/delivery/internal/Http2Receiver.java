package org.odomo.delivery.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A local receiver that speaks HTTP/2 in cleartext (h2c, reached by the HTTP/1.1 upgrade), on the
 * embedded Tomcat the platform already depends on; records each request's protocol and body.
 */
final class Http2Receiver implements AutoCloseable {

    record Received(String protocol, String host, String body) {
    }

    private final Tomcat tomcat = new Tomcat();
    final List<Received> received = new CopyOnWriteArrayList<>();

    private final boolean tls;

    Http2Receiver() throws IOException, LifecycleException {
        this(null);
    }

    /** Over TLS (HTTP/2 by ALPN) with the key and certificate of a PKCS#12 store (password "changeit"). */
    Http2Receiver(java.nio.file.Path keyStore) throws IOException, LifecycleException {
        this.tls = keyStore != null;
        File base = Files.createTempDirectory("h2-receiver").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.addUpgradeProtocol(new Http2Protocol());
        if (keyStore != null) {
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setProperty("SSLEnabled", "true");
            org.apache.tomcat.util.net.SSLHostConfig host = new org.apache.tomcat.util.net.SSLHostConfig();
            org.apache.tomcat.util.net.SSLHostConfigCertificate certificate =
                    new org.apache.tomcat.util.net.SSLHostConfigCertificate(host,
                            org.apache.tomcat.util.net.SSLHostConfigCertificate.Type.UNDEFINED);
            certificate.setCertificateKeystoreFile(keyStore.toAbsolutePath().toString());
            certificate.setCertificateKeystorePassword("changeit");
            certificate.setCertificateKeystoreType("PKCS12");
            host.addCertificate(certificate);
            connector.addSslHostConfig(host);
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "receiver", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                received.add(new Received(request.getProtocol(), request.getHeader("Host") == null
                        ? request.getServerName() + ":" + request.getServerPort() : request.getHeader("Host"),
                        new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
                response.setStatus(200);
            }
        });
        context.addServletMappingDecoded("/*", "receiver");
        tomcat.start();
    }

    URI uri(String path) {
        return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + tomcat.getConnector().getLocalPort()
                + path);
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
