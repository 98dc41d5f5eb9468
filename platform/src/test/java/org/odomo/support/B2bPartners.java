package org.odomo.support;

import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistration;
import org.odomo.apps.PartnerRegistry;

/**
 * Fleet owners for tests: registered with a password, a fresh RSA key and the certificate the
 * platform CA signs from its CSR, as the operator's registration does.
 */
public final class B2bPartners {

    private B2bPartners() {
    }

    /** A partner's credentials: what a fleet owner's client holds. */
    public record Credentials(Partner partner, String password, KeyPair key, String certificatePem) {

        public String clientId() {
            return partner.clientId();
        }

        public String login() {
            return partner.loginId();
        }

        /** The HTTP Basic header value. */
        public String basic() {
            return "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((login() + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        /** The certificate as a TLS-terminating proxy forwards it (URL-encoded PEM, like nginx's). */
        public String forwardedCertificate() {
            return forwarded(certificatePem);
        }
    }

    /** Registers a partner (sandbox plan unless given) and has its certificate signed. */
    public static Credentials register(PartnerRegistry registry, String login, Set<String> contract, String slaPlan) {
        String password = login + "-password";
        Partner partner = registry.ensureRegistered(new PartnerRegistration("Partner " + login, "Fleet Co " + login,
                "fleet@" + login + ".example", login, contract, slaPlan), java.util.UUID.randomUUID().toString(),
                password);
        KeyPair key = rsa2048();
        String certificate = registry.issueCertificate(partner.id(), csr(key, "Programs Partners", login))
                .certificatePem();
        return new Credentials(registry.find(partner.id()).orElseThrow(), password, key, certificate);
    }

    public static Credentials register(PartnerRegistry registry, String login, Set<String> contract) {
        return register(registry, login, contract, "premium");
    }

    public static String forwarded(String pem) {
        return URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static KeyPair rsa2048() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String csr(KeyPair pair, String ou, String cn) {
        try {
            var request = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("C=FR,ST=IDF,L=Paris,O=Fleet Co,OU=" + ou + ",CN=" + cn + ",E=fleet@example.com"),
                    pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(request);
            }
            return out.toString();
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
