package org.odomo.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.WebSession;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The operator API over HTTP: app registration, certificates from CSRs, vehicle onboarding. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AdminApiTests {

    @LocalServerPort
    int port;
    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();
    static final String OPERATOR = WebSession.basic("operator", "operator-test-password");

    HttpResponse<String> send(String method, String path, String contentType, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String registerApp(String loginId) throws Exception {
        HttpResponse<String> r = send("POST", "/admin/v1/apps", "application/json", """
                {"name":"Fleet tracker","concept":"Shows trips","company":"Acme","contactEmail":"dev@acme.example",
                 "requestsPerMonth":50000,"loginId":"%s","scopes":["data:telemetry","data:trip"],
                 "redirectUris":["https://acme.example/cb"],"slaPlan":"standard"}""".formatted(loginId), OPERATOR);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("clientSecret").stringValue()).hasSizeGreaterThan(30);
        assertThat(body.path("scopes").toString()).contains("data:telemetry", "data:trip");
        return body.path("id").stringValue();
    }

    static String csr(int bits, String ou, String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        KeyPair pair = g.generateKeyPair();
        var request = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("C=FR,ST=IDF,L=Paris,O=Acme,OU=" + ou + ",CN=" + cn + ",E=dev@acme.example"),
                pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(request);
        }
        return out.toString();
    }

    @Test
    void operatorCredentialsAreRequired() throws Exception {
        HttpResponse<String> none = send("GET", "/admin/v1/apps", null, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"code\":40100");
        assertThat(send("GET", "/admin/v1/apps", null, null, WebSession.basic("operator", "wrong")).statusCode())
                .isEqualTo(401);
        assertThat(send("GET", "/actuator/metrics", null, null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/health", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void registersAnAppAndSignsItsCsr() throws Exception {
        String id = registerApp("acme-tracker");
        HttpResponse<String> signed = send("POST", "/admin/v1/apps/" + id + "/certificate", "text/plain",
                csr(2048, "Programs Partners", "acme-tracker"), OPERATOR);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        JsonNode body = json.readTree(signed.body());
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(body.path("certificate").stringValue().getBytes(StandardCharsets.US_ASCII)));
        X509Certificate ca = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(
                send("GET", "/ca.pem", null, null, null).body().getBytes(StandardCharsets.US_ASCII)));
        cert.verify(ca.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=acme-tracker", "OU=Programs Partners");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        assertThat(json.readTree(send("GET", "/admin/v1/apps/" + id, null, null, OPERATOR).body())
                .path("hasCertificate").booleanValue()).isTrue();
    }

    @Test
    void refusesCsrsThatDoNotMatch() throws Exception {
        String id = registerApp("acme-strict");
        Map<String, String> bad = Map.of(
                "OU", csr(2048, "Somebody Else", "acme-strict"),
                "CN", csr(2048, "Programs Partners", "acme-other"),
                "key", csr(3072, "Programs Partners", "acme-strict"),
                "pem", "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----\n");
        for (var e : bad.entrySet()) {
            HttpResponse<String> r = send("POST", "/admin/v1/apps/" + id + "/certificate", "text/plain", e.getValue(),
                    OPERATOR);
            assertThat(r.statusCode()).as(e.getKey() + " " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"code\":40001");
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    static String ecCsr(String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        var request = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("C=FR,O=Acme,OU=Programs Partners,CN=" + cn), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        return pem("CERTIFICATE REQUEST", request.getEncoded());
    }

    @Test
    void csrErrorsSayWhatIsWrongWithTheRequestNotWhatTheCryptoLibrarySaw() throws Exception {
        String id = registerApp("acme-csr-errors");
        byte[] good = der(csr(2048, "Programs Partners", "acme-csr-errors"));
        byte[] badSignature = good.clone();
        badSignature[badSignature.length - 1] ^= 0x55;
        String noPem = "no PEM block found: send the certificate signing request between "
                + "-----BEGIN CERTIFICATE REQUEST----- and -----END CERTIFICATE REQUEST-----";
        String notCsr = "the PEM block is not a certificate signing request (expected -----BEGIN CERTIFICATE REQUEST-----)";
        String malformed = "the certificate signing request is malformed: its content is not a valid base64-encoded "
                + "PKCS#10 request";
        String notRsa = "the certificate request must hold an RSA 2048 public key";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("just text", noPem);
        cases.put(send("GET", "/ca.pem", null, null, null).body(), notCsr);
        cases.put("-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n", malformed);
        cases.put(pem("CERTIFICATE REQUEST", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}), malformed);
        cases.put(pem("CERTIFICATE REQUEST", java.util.Arrays.copyOf(good, good.length / 2)), malformed);
        cases.put(ecCsr("acme-csr-errors"), notRsa);
        cases.put(csr(1024, "Programs Partners", "acme-csr-errors"), notRsa);
        cases.put(pem("CERTIFICATE REQUEST", badSignature), "the certificate request's signature does not match its key");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = send("POST", "/admin/v1/apps/" + id + "/certificate", "text/plain", c.getKey(),
                    OPERATOR);
            assertThat(r.statusCode()).as(c.getKey() + " " + r.body()).isEqualTo(400);
            JsonNode body = json.readTree(r.body());
            assertThat(body.propertyNames()).containsExactlyInAnyOrder("code", "uuid", "message", "timestamp");
            assertThat(body.path("code").intValue()).isEqualTo(40001);
            assertThat(body.path("message").stringValue()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(json.readTree(send("GET", "/admin/v1/apps/" + id, null, null, OPERATOR).body())
                .path("hasCertificate").booleanValue()).isFalse();
    }

    @Test
    void rejectsInvalidRegistrationsWithTheErrorBody() throws Exception {
        for (String body : new String[] {
                "{\"name\":\"x\"}",
                """
                {"name":"A","concept":"c","company":"c","contactEmail":"not-an-email","requestsPerMonth":1,
                 "loginId":"abc","scopes":["data:telemetry"],"redirectUris":["https://a.example/cb"]}""",
                """
                {"name":"A","concept":"c","company":"c","contactEmail":"a@b.example","requestsPerMonth":1,
                 "loginId":"abc","scopes":["data:everything"],"redirectUris":["https://a.example/cb"]}""",
                """
                {"name":"A","concept":"c","company":"c","contactEmail":"a@b.example","requestsPerMonth":1,
                 "loginId":"abc","scopes":["data:telemetry"],"redirectUris":["http://a.example/cb"]}""",
                """
                {"name":"A","concept":"c","company":"c","contactEmail":"a@b.example","requestsPerMonth":1,
                 "loginId":"abc","scopes":["data:telemetry"],"redirectUris":["http://localhost:9999/cb"]}""",
                """
                {"name":"A","concept":"c","company":"c","contactEmail":"a@b.example","requestsPerMonth":1,
                 "loginId":"abc","scopes":["data:telemetry"],"redirectUris":["https://a.example/cb"],"slaPlan":"gold"}"""}) {
            HttpResponse<String> r = send("POST", "/admin/v1/apps", "application/json", body, OPERATOR);
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"code\":4000", "\"uuid\"");
        }
        HttpResponse<String> notJson = send("POST", "/admin/v1/apps", "application/json", "{", OPERATOR);
        assertThat(notJson.statusCode()).isEqualTo(400);
        HttpResponse<String> xml = send("POST", "/admin/v1/apps", "application/xml", "<a/>", OPERATOR);
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(xml.body()).contains("\"code\":41500");
        HttpResponse<String> method = send("DELETE", "/admin/v1/apps", null, null, OPERATOR);
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.body()).contains("\"code\":40500");
        HttpResponse<String> missing = send("GET", "/admin/v1/apps/unknown", null, null, OPERATOR);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":40400");
    }

    @Test
    void onboardsAVehicleWithCredentialAndActivationCode() throws Exception {
        String vin = org.odomo.ingest.TestVehicles.newVin();
        HttpResponse<String> r = send("POST", "/admin/v1/vehicles", "application/json", """
                {"vin":"%s","brand":"PEUGEOT","model":"P-E208","services":["PARTNER"]}""".formatted(vin), OPERATOR);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("credential").stringValue()).hasSizeGreaterThan(30);
        assertThat(body.path("activationCode").stringValue()).matches("[A-Z0-9]{5}-[A-Z0-9]{5}");
        assertThat(send("POST", "/admin/v1/vehicles", "application/json", """
                {"vin":"%s","brand":"PEUGEOT","model":"P-E208"}""".formatted(vin), OPERATOR).statusCode()).isEqualTo(409);
        assertThat(send("POST", "/admin/v1/vehicles", "application/json", """
                {"vin":"W0L00000000000001","brand":"PEUGEOT","model":"P-E208"}""", OPERATOR).statusCode()).isEqualTo(400);
        HttpResponse<String> services = send("PUT", "/admin/v1/vehicles/" + vin + "/services", "application/json",
                "{\"services\":[\"TMTS\"]}", OPERATOR);
        assertThat(json.readTree(services.body()).path("services").toString()).isEqualTo("[\"TMTS\"]");
    }
    @Autowired
    IngestGateway gateway;

    @Test
    void replacesAndRevokesAVehicleCredential() throws Exception {
        String vin = TestVehicles.newVin();
        HttpResponse<String> r = send("POST", "/admin/v1/vehicles", "application/json", """
                {"vin":"%s","brand":"PEUGEOT","model":"P-E208","services":["PARTNER"]}""".formatted(vin), OPERATOR);
        String first = json.readTree(r.body()).path("credential").stringValue();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

        HttpResponse<String> replaced = send("POST", "/admin/v1/vehicles/" + vin + "/credential", null, null, OPERATOR);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        JsonNode body = json.readTree(replaced.body());
        String second = body.path("credential").stringValue();
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("vin", "credential");
        assertThat(body.path("vin").stringValue()).isEqualTo(vin);
        assertThat(second).hasSizeGreaterThan(30).isNotEqualTo(first);
        assertThat(submit(vin, first, "c1", at)).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        assertThat(submit(vin, second, "c2", at)).isEqualTo(IngestOutcome.STORED);

        HttpResponse<String> revoked = send("DELETE", "/admin/v1/vehicles/" + vin + "/credential", null, null, OPERATOR);
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(submit(vin, second, "c3", at)).isEqualTo(IngestOutcome.UNAUTHENTICATED);
        // Not even a transport that proved the sender gets a message of a revoked vehicle in.
        ObjectNode bare = TestVehicles.telemetry(vin, null, "c4", at, 2.35, 48.85, 80, 1000);
        bare.remove("credential");
        assertThat(gateway.submit(TestVehicles.bytes(bare), vin, true).join()).isEqualTo(IngestOutcome.UNAUTHENTICATED);

        HttpResponse<String> unknown = send("POST", "/admin/v1/vehicles/" + TestVehicles.newVin() + "/credential",
                null, null, OPERATOR);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":40400");
        assertThat(send("DELETE", "/admin/v1/vehicles/" + vin + "/credential", null, null, null).statusCode())
                .isEqualTo(401);
    }

    private IngestOutcome submit(String vin, String credential, String id, Instant at) {
        return gateway.submit(TestVehicles.bytes(TestVehicles.telemetry(vin, credential, id, at, 2.35, 48.85, 80, 1000)))
                .join();
    }
}
