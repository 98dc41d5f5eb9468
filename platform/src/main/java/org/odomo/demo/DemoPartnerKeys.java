package org.odomo.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What the demo fleet owner does with Bouncy Castle (a key, its CSR, PEM files), apart from
 * {@link DemoPartner} so that a restart, which only reads what the first start wrote, does not
 * load the library: its signed jars cost a noticeable part of the start to open.
 */
final class DemoPartnerKeys {

    private DemoPartnerKeys() {
    }

    static KeyPair rsa2048() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String csr(KeyPair key, String login) {
        try {
            return pem(new JcaPKCS10CertificationRequestBuilder(new X500Name(
                    "C=FR,ST=IDF,L=Paris,O=Odomo demo fleets,OU=Programs Partners,CN=" + login
                            + ",E=fleet-owner@odomo.example"), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
