package org.odomo.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.support.B2bPartners;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * In production the operator names an SSL bundle: the HTTPS connector serves its key and
 * certificate (here a PEM bundle), and the rest of the platform is served there too, to clients
 * with or without a certificate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "odomo.tls.enabled=true", "odomo.tls.port=0", "odomo.tls.bundle=web" })
@ActiveProfiles("test")
class HttpsConnectorBundleTests {

    private static final KeyPair KEY = B2bPartners.rsa2048();
    private static final X509Certificate CERTIFICATE = selfSigned(KEY);

    @DynamicPropertySource
    static void bundle(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("odomo-tls-bundle");
        Path certificate = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Files.writeString(certificate, pem(CERTIFICATE));
        Files.writeString(key, pem(KEY.getPrivate()));
        registry.add("spring.ssl.bundle.pem.web.keystore.certificate", () -> "file:" + certificate);
        registry.add("spring.ssl.bundle.pem.web.keystore.private-key", () -> "file:" + key);
    }

    @Autowired
    HttpsConnector https;
    @Autowired
    PlatformCertificateAuthority ca;

    @Test
    void servesTheBundlesCertificateAndThePlatformToClientsWithoutCertificate() throws Exception {
        int port = https.port(Duration.ofMinutes(2));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", CERTIFICATE);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();

        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ca.pem"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(CERTIFICATE);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualToIgnoringNewLines(ca.certificatePem().strip());
    }

    private static X509Certificate selfSigned(KeyPair key) {
        try {
            X500Name name = new X500Name("CN=localhost,O=Operator");
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)),
                    Date.from(Instant.now().plus(Duration.ofDays(1))), name, key.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
