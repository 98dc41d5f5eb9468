package org.odomo.delivery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook channel over TLS. Pinned to the checked address (production), TLS and HTTP still see
 * the target's name: the receiver's certificate (issued to the name only, not to the address) is
 * verified against the SNI name, and the Host header is the target's. By name, HTTP/2 is agreed by
 * ALPN.
 */
class WebhookTlsTests {

    @TempDir
    Path dir;

    /** A self-signed certificate for {@code name}, made by the JDK's keytool. */
    Path keyStore(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-dname", "CN=" + name, "-ext",
                "SAN=dns:" + name, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
        return store;
    }

    static SSLContext trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    /** The guard of a developer's machine (loopback allowed), HTTPS only. */
    final TargetGuard localHttpsOnly = new TargetGuard(true, false, InetAddress::getAllByName);

    @Test
    void pinnedToTheCheckedAddressTheReceiverStillSeesTheTargetsNameInTlsAndHost() throws Exception {
        Path store = keyStore("localhost");
        try (Http2Receiver receiver = new Http2Receiver(store)) {
            WebhookChannel channel = new WebhookChannel(trusting(store), localHttpsOnly, Duration.ofSeconds(5), true);
            Outcome outcome = channel.send(receiver.uri("/tls"), "{\"n\":1}", Map.of(), Map.of());
            assertThat(outcome.error()).isNull();
            assertThat(outcome.received()).isTrue();
            assertThat(receiver.received).extracting(Http2Receiver.Received::protocol).containsExactly("HTTP/1.1");
            assertThat(receiver.received.get(0).host()).isEqualTo(receiver.uri("/").getRawAuthority());
            assertThat(receiver.received.get(0).body()).isEqualTo("{\"n\":1}");
        }
    }

    @Test
    void byNameAnHttp2ReceiverOverTlsGetsTheMessageOverHttp2() throws Exception {
        Path store = keyStore("localhost");
        try (Http2Receiver receiver = new Http2Receiver(store)) {
            WebhookChannel channel = new WebhookChannel(trusting(store), localHttpsOnly, Duration.ofSeconds(5), false);
            Outcome outcome = channel.send(receiver.uri("/tls"), "{\"n\":2}", Map.of(), Map.of());
            assertThat(outcome.error()).isNull();
            assertThat(receiver.received).extracting(Http2Receiver.Received::protocol).containsExactly("HTTP/2.0");
            assertThat(receiver.received.get(0).body()).isEqualTo("{\"n\":2}");
        }
    }

    @Test
    void aCertificateForAnotherNameIsNotAccepted() throws Exception {
        Path store = keyStore("elsewhere.example");
        try (Http2Receiver receiver = new Http2Receiver(store)) {
            WebhookChannel channel = new WebhookChannel(trusting(store), localHttpsOnly, Duration.ofSeconds(5), true);
            Outcome outcome = channel.send(receiver.uri("/tls"), "{}", Map.of(), Map.of());
            assertThat(outcome.received()).isFalse();
            assertThat(outcome.error()).startsWith("connection failed");
            assertThat(receiver.received).isEmpty();
        }
    }
}
