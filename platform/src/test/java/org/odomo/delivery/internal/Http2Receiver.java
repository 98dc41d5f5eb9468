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

    record Received(String protocol, String body) {
    }

    private final Tomcat tomcat = new Tomcat();
    final List<Received> received = new CopyOnWriteArrayList<>();

    Http2Receiver() throws IOException, LifecycleException {
        File base = Files.createTempDirectory("h2-receiver").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "receiver", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                received.add(new Received(request.getProtocol(),
                        new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
                response.setStatus(200);
            }
        });
        context.addServletMappingDecoded("/*", "receiver");
        tomcat.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path);
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
