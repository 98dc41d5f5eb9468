package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.access.B2bCaller;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.apps.Certificates;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.apps.PlatformKeys;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetAccess;
import org.odomo.fleet.FleetDirectory;
import org.odomo.ingest.TestVehicles;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.tls.HttpsConnector;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who gets into the fleet API, over the platform's own HTTPS connector with real client
 * certificates: each cell one way of holding the wrong credential, answered with the status and
 * error code of the failed check, in the API's error format and valid against the published
 * operation. The trusted proxies are set to an address tests never call from, so that a
 * forwarded-certificate header sent from the loopback address must be ignored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "odomo.tls.enabled=true", "odomo.tls.port=0", "odomo.b2b.trusted-proxies=192.0.2.10" })
@ActiveProfiles("test")
@PublishedSpecs
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B2bAuthorizationMatrixTests {

    private static final String FLEETS = "/fleets";

    @LocalServerPort
    int httpPort;
    @Autowired
    HttpsConnector https;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    AppRegistry apps;
    @Autowired
    PlatformCertificateAuthority ca;
    @Autowired
    PlatformKeys platformKeys;
    @Autowired
    FleetDirectory fleets;
    @Autowired
    FleetAccess fleetAccess;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final JsonMapper json = JsonMapper.builder().build();
    private final OpenApiSpec spec = new OpenApiSpec("api-b2b.yaml", "/connectedcar/v3");

    private int tlsPort;
    private B2bPartners.Credentials alpha;
    private B2bPartners.Credentials alphaBeforeRenewal;
    private B2bPartners.Credentials beta;
    private B2bPartners.Credentials suspended;
    private B2bPartners.Credentials sandbox;
    private Fleet alphaFleet;
    private Fleet betaFleet;
    private String alphaVin;
    private String betaVin;
    private String leftVin;
    private String fleetlessVin;

    @BeforeAll
    void partnersFleetsAndVehicles() {
        tlsPort = https.port(Duration.ofMinutes(2));
        Set<String> everything = Scopes.ALL;
        alphaBeforeRenewal = B2bPartners.register(partners, "matrix-alpha", everything);
        // The certificate is renewed: the first one stays valid (CA-signed, not expired) but is no longer in force.
        KeyPair renewed = B2bPartners.rsa2048();
        String renewedCertificate = partners.issueCertificate(alphaBeforeRenewal.partner().id(),
                B2bPartners.csr(renewed, "Programs Partners", "matrix-alpha")).certificatePem();
        alpha = new B2bPartners.Credentials(partners.find(alphaBeforeRenewal.partner().id()).orElseThrow(),
                alphaBeforeRenewal.password(), renewed, renewedCertificate);
        beta = B2bPartners.register(partners, "matrix-beta", everything);
        suspended = B2bPartners.register(partners, "matrix-suspended", everything);
        partners.setStatus(suspended.partner().id(), App.Status.SUSPENDED);
        sandbox = B2bPartners.register(partners, "matrix-sandbox", everything, "sandbox");

        alphaFleet = fleets.create(alpha.partner().id(), "Alpha vans", "the matrix's own fleet");
        betaFleet = fleets.create(beta.partner().id(), "Beta cars", "another partner's fleet");
        alphaVin = vehicle();
        betaVin = vehicle();
        leftVin = vehicle();
        fleetlessVin = vehicle();
        fleets.addVehicle(alphaFleet.id(), alphaVin);
        fleets.addVehicle(betaFleet.id(), betaVin);
        fleets.addVehicle(alphaFleet.id(), leftVin);
        fleets.removeVehicle(alphaFleet.id(), leftVin);
    }

    private String vehicle() {
        String vin = TestVehicles.newVin();
        vehicles.register(new NewVehicle(vin, Brand.PEUGEOT, "P-E208", null, PrivacyMode.DATA_AND_LOCATION, Set.of()));
        return vin;
    }

    private B2bClient alphaOverTls() {
        return B2bClient.https(tlsPort, alpha, ca.certificatePem());
    }

    // ---- the server side of the handshake

    @Test
    void theConnectorServesThePlatformsOwnCertificateSignedByItsCaForLocalhost() throws Exception {
        HttpResponse<String> answer = alphaOverTls().get(FLEETS);
        X509Certificate served = (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
        // the client trusted only the platform CA and checked the host name (localhost): it connected
        assertThat(served).isEqualTo(Certificates.parse(ca.serverKey().certificatePem()));
        assertThat(ca.issued(served)).isTrue();
        // kept: asking again gives the same one, as every node and restart reads it from the database
        assertThat(ca.serverKey().certificatePem()).isEqualTo(ca.serverKey().certificatePem());
    }

    // ---- authentication: each credential wrong in turn

    @Test
    void thePartnerWithItsCertificatePasswordAndClientIdGetsIn() {
        HttpResponse<String> answer = alphaOverTls().get(FLEETS);
        authenticated(answer);
    }

    @Test
    void noCertificate() {
        refused(alphaOverTls().withoutCertificate().get(FLEETS), ApiErrorCode.CLIENT_CERTIFICATE_MISSING);
    }

    @Test
    void anotherPartnersCertificate() {
        refused(alphaOverTls().presenting(beta.key(), beta.certificatePem()).get(FLEETS),
                ApiErrorCode.CLIENT_CERTIFICATE_MISMATCH);
    }

    @Test
    void aSelfSignedCertificateWithThePartnersName() throws Exception {
        KeyPair key = B2bPartners.rsa2048();
        String pem = certificate("CN=matrix-alpha,OU=Programs Partners,O=Fleet Co", key, key,
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
        refused(alphaOverTls().presenting(key, pem).get(FLEETS), ApiErrorCode.CLIENT_CERTIFICATE_INVALID);
    }

    @Test
    void anExpiredCertificateOfThePlatformCa() throws Exception {
        KeyPair key = B2bPartners.rsa2048();
        KeyPair caKey = platformKeys.getOrCreate("app-ca", 3072, pair -> {
            throw new IllegalStateException("the CA exists once a partner is registered");
        }).keyPair();
        String pem = certificate(X500Name.getInstance(ca.caCertificate().getSubjectX500Principal().getEncoded()),
                new X500Name("CN=matrix-alpha,OU=Programs Partners,O=Fleet Co"), key, caKey,
                Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
        assertThat(Certificates.parse(pem).getIssuerX500Principal()).isEqualTo(ca.caCertificate().getSubjectX500Principal());
        refused(alphaOverTls().presenting(key, pem).get(FLEETS), ApiErrorCode.CLIENT_CERTIFICATE_INVALID);
    }

    @Test
    void theReplacedCertificateOfTheSamePartner() {
        refused(alphaOverTls().presenting(alphaBeforeRenewal.key(), alphaBeforeRenewal.certificatePem()).get(FLEETS),
                ApiErrorCode.CLIENT_CERTIFICATE_MISMATCH);
    }

    /**
     * The CA also signs apps' certificates, each with the app's login as CN: an app registered
     * with a login equal to the partner's holds a CA-signed certificate with the partner's name,
     * which is still not the partner's certificate in force.
     */
    @Test
    void anAppsCertificateWithThePartnersLoginAsItsName() {
        App app = apps.register(new AppRegistration("Shadow app", "Reads cars", "Shadow Co", "shadow@example.com",
                1000L, "matrix-alpha", Set.of(Scopes.TELEMETRY), List.of("http://127.0.0.1:9999/callback"), "sandbox"))
                .app();
        KeyPair key = B2bPartners.rsa2048();
        String certificate = apps.issueCertificate(app.id(), B2bPartners.csr(key, "Programs Partners", "matrix-alpha"))
                .certificatePem();
        assertThat(ca.issued(Certificates.parse(certificate))).isTrue();
        refused(alphaOverTls().presenting(key, certificate).get(FLEETS), ApiErrorCode.CLIENT_CERTIFICATE_MISMATCH);
    }

    @Test
    void aWrongPassword() {
        HttpResponse<String> answer = alphaOverTls().withBasic(alpha.login(), "not-the-password").get(FLEETS);
        refused(answer, ApiErrorCode.UNAUTHENTICATED);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void anUnknownLogin() {
        refused(alphaOverTls().withBasic("matrix-nobody", alpha.password()).get(FLEETS), ApiErrorCode.UNAUTHENTICATED);
    }

    @Test
    void noBasicCredentials() {
        refused(alphaOverTls().withBasic(null, null).get(FLEETS), ApiErrorCode.UNAUTHENTICATED);
    }

    @Test
    void anotherPartnersClientId() {
        refused(alphaOverTls().withClientId(beta.clientId()).get(FLEETS), ApiErrorCode.WRONG_CLIENT);
    }

    @Test
    void anUnknownClientId() {
        refused(alphaOverTls().withClientId("00000000-0000-0000-0000-000000000000").get(FLEETS), ApiErrorCode.WRONG_CLIENT);
    }

    @Test
    void noClientId() {
        refused(alphaOverTls().withClientId(null).get(FLEETS), ApiErrorCode.MISSING_PARAMETER);
    }

    @Test
    void aSuspendedPartner() {
        refused(B2bClient.https(tlsPort, suspended, ca.certificatePem()).get(FLEETS), ApiErrorCode.APP_SUSPENDED);
    }

    // ---- the forwarded-certificate header counts from a trusted proxy only

    @Test
    void theForwardedCertificateHeaderFromAnUntrustedAddressIsIgnoredOverTls() {
        refused(alphaOverTls().withoutCertificate()
                .withHeader(B2bClient.CERTIFICATE_HEADER, alpha.forwardedCertificate()).get(FLEETS),
                ApiErrorCode.CLIENT_CERTIFICATE_MISSING);
    }

    @Test
    void theForwardedCertificateHeaderFromAnUntrustedAddressIsIgnoredOverPlainHttp() {
        refused(new B2bClient(httpPort, alpha).get(FLEETS), ApiErrorCode.CLIENT_CERTIFICATE_MISSING);
    }

    @Test
    void aForwardedCertificateDoesNotOverrideTheOnePresented() throws Exception {
        KeyPair key = B2bPartners.rsa2048();
        String selfSigned = certificate("CN=matrix-alpha,OU=Programs Partners,O=Fleet Co", key, key,
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
        refused(alphaOverTls().presenting(key, selfSigned)
                .withHeader(B2bClient.CERTIFICATE_HEADER, alpha.forwardedCertificate()).get(FLEETS),
                ApiErrorCode.CLIENT_CERTIFICATE_INVALID);
    }

    // ---- the partner's plan

    @Test
    void aSandboxPartnerGetsTheLimitsOnEveryAnswerAndA429PastTheBurst() {
        B2bClient client = B2bClient.https(tlsPort, sandbox, ca.certificatePem());
        // the sandbox plan allows 5 calls a second: a few more in a row go past it
        List<HttpResponse<String>> answers = new ArrayList<>();
        HttpResponse<String> refusal = null;
        for (int i = 0; i < 40 && refusal == null; i++) {
            HttpResponse<String> answer = client.get(FLEETS);
            answers.add(answer);
            if (answer.statusCode() == 429) {
                refusal = answer;
            }
        }
        assertThat(refusal).as("a 429 within 40 calls in a row").isNotNull();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("X-RateLimit-Limit-1")).hasValue("1000");
            assertThat(answer.headers().firstValue("X-RateLimit-Limit-2")).hasValue("5");
            assertThat(answer.headers().firstValue("X-RateLimit-Remaining-1")).isPresent();
            assertThat(answer.headers().firstValue("X-RateLimit-Remaining-2")).isPresent();
        }
        assertThat(answers.subList(0, answers.size() - 1)).allSatisfy(this::authenticated);
        refused(refusal, ApiErrorCode.BURST_LIMIT_EXCEEDED);
        assertThat(refusal.headers().firstValue("X-RateLimit-Remaining-2")).hasValue("0");
        long retryAfter = Long.parseLong(refusal.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(refusal.headers().firstValue("X-RateLimit-Reset")).hasValue(Long.toString(retryAfter));
    }

    // ---- fleets and vehicles: whose they are

    private B2bCaller alphaCaller() {
        return new B2bCaller(alpha.partner().id(), alpha.login(), alpha.clientId(), alpha.partner().contract());
    }

    @Test
    void theFleetChecks() {
        assertThat(fleetAccess.ownedFleet(alphaCaller(), alphaFleet.id())).isEqualTo(alphaFleet);
        assertThatThrownBy(() -> fleetAccess.ownedFleet(alphaCaller(), betaFleet.id()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ApiErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> fleetAccess.ownedFleet(alphaCaller(), "no-such-fleet"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ApiErrorCode.NOT_FOUND));
    }

    @Test
    void theVehicleChecks() {
        assertThat(fleetAccess.fleetVehicle(alphaCaller(), alphaFleet.id(), alphaVin).vehicle().vin()).isEqualTo(alphaVin);
        for (String notInTheFleet : List.of(betaVin, leftVin, fleetlessVin)) {
            assertThatThrownBy(() -> fleetAccess.fleetVehicle(alphaCaller(), alphaFleet.id(), notInTheFleet))
                    .as(notInTheFleet).isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.code()).isEqualTo(ApiErrorCode.NOT_YOUR_VEHICLE));
        }
        // another partner's vehicle through that partner's fleet: the fleet check comes first
        assertThatThrownBy(() -> fleetAccess.fleetVehicle(alphaCaller(), betaFleet.id(), betaVin))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ApiErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> fleetAccess.fleetVehicle(alphaCaller(), alphaFleet.id(), TestVehicles.newVin()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ApiErrorCode.NOT_FOUND));
    }

    /** Over HTTPS, once the fleet endpoints are served (skipped before). */
    @Test
    void theFleetAndVehicleChecksOverTls() {
        Assumptions.assumeTrue(served("/connectedcar/v3/fleets/{fid}") && served("/connectedcar/v3/fleets/{fid}/vehicles/{vid}"),
                "the fleet endpoints are not served yet");
        B2bClient client = alphaOverTls();
        authenticated(client.get(FLEETS + "/" + alphaFleet.id()));
        refused(client.get(FLEETS + "/" + betaFleet.id()), ApiErrorCode.FORBIDDEN);
        refused(client.get(FLEETS + "/no-such-fleet"), ApiErrorCode.NOT_FOUND);
        for (String vin : List.of(betaVin, leftVin, fleetlessVin)) {
            refused(client.get(FLEETS + "/" + alphaFleet.id() + "/vehicles/" + vin), ApiErrorCode.NOT_YOUR_VEHICLE);
        }
    }

    private boolean served(String pattern) {
        return mappings.getHandlerMethods().keySet().stream().anyMatch(info -> info.getPatternValues().contains(pattern));
    }

    // ---- what each cell asserts, and certificates made for it

    /**
     * The call went through authentication and the plan: answered by the operation itself, 200
     * as published, or, where the operation is not served yet, the API's 404.
     */
    private void authenticated(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("X-RateLimit-Limit-1")).as("plan applied, so authenticated").isPresent();
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 404);
        if (answer.statusCode() == 404) {
            assertThat(code(answer)).isEqualTo(ApiErrorCode.NOT_FOUND.code());
        }
        assertValid(answer);
    }

    private void refused(HttpResponse<String> answer, ApiErrorCode expected) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(expected.status());
        assertThat(code(answer)).as(answer.body()).isEqualTo(expected.code());
        assertValid(answer);
    }

    private int code(HttpResponse<String> answer) {
        return json.readTree(answer.body()).path("code").asInt();
    }

    private void assertValid(HttpResponse<String> answer) {
        String path = answer.uri().getPath();
        OpenApiSpec.Operation op = spec.match(answer.request().method(), path)
                .orElseThrow(() -> new AssertionError("no published operation for " + path));
        JsonNode body = answer.body().isEmpty() ? null : json.readTree(answer.body());
        assertThat(Exchanges.problems(spec, op, null, answer.statusCode(),
                answer.headers().firstValue("Content-Type").orElse(null), body)).as(answer.body()).isEmpty();
    }

    private static String certificate(String subject, KeyPair key, KeyPair signer, Instant from, Instant to)
            throws Exception {
        return certificate(new X500Name(subject), new X500Name(subject), key, signer, from, to);
    }

    private static String certificate(X500Name issuer, X500Name subject, KeyPair key, KeyPair signer, Instant from,
            Instant to) throws Exception {
        var holder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
                Date.from(from), Date.from(to), subject, key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate()));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
        java.io.StringWriter out = new java.io.StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        }
        return out.toString();
    }
}
