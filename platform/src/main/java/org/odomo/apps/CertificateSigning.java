package org.odomo.apps;

import static org.odomo.apps.PlatformCertificateAuthority.BAD_SIGNATURE;
import static org.odomo.apps.PlatformCertificateAuthority.NOT_A_CSR;
import static org.odomo.apps.PlatformCertificateAuthority.NOT_RSA_2048;
import static org.odomo.apps.PlatformCertificateAuthority.NO_PEM;
import static org.odomo.apps.PlatformCertificateAuthority.REQUIRED_OU;
import static org.odomo.apps.PlatformCertificateAuthority.UNREADABLE;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Supplier;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.odomo.apps.PlatformCertificateAuthority.IssuedCertificate;

/**
 * What the CA does with Bouncy Castle, apart from {@link PlatformCertificateAuthority} so that
 * loading that bean does not load the library: its jars are signed, and the JVM verifies them
 * when it first opens them, which is a noticeable part of a start that signs nothing.
 */
final class CertificateSigning {

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration CLIENT_VALIDITY = Duration.ofDays(730);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateSigning() {
    }

    /** A client certificate signed by the CA for the request, or an {@link InvalidRequestException}. */
    static IssuedCertificate sign(String csrPem, String expectedLoginId,
            Supplier<PlatformKeys.StoredKey> ca) {
        PKCS10CertificationRequest csr = parse(csrPem);
        JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
        // The provider's own messages name its classes and encodings: the operator gets the
        // reason in the CSR's terms instead.
        java.security.PublicKey key;
        try {
            key = request.getPublicKey();
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw new InvalidRequestException(NOT_RSA_2048);
        }
        if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() != 2048) {
            throw new InvalidRequestException(NOT_RSA_2048);
        }
        boolean signed;
        try {
            signed = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            signed = false;
        }
        if (!signed) {
            throw new InvalidRequestException(BAD_SIGNATURE);
        }
        X500Name subject = csr.getSubject();
        String ou = first(subject, BCStyle.OU);
        String cn = first(subject, BCStyle.CN);
        if (!REQUIRED_OU.equals(ou)) {
            throw new InvalidRequestException("the certificate request's OU must be \"" + REQUIRED_OU + "\", not " + ou);
        }
        if (!expectedLoginId.equals(cn)) {
            throw new InvalidRequestException("the certificate request's CN must be the app's login id \""
                    + expectedLoginId + "\", not " + cn);
        }
        try {
            PlatformKeys.StoredKey authority = ca.get();
            X509Certificate caCert = parseCertificate(authority.certificatePem());
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(127, RANDOM);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial,
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(CLIENT_VALIDITY)), subject,
                    request.getPublicKey())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(request.getPublicKey()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(authority.keyPair().getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new IssuedCertificate(PlatformKeys.toPem(certificate), serial.toString(16));
        } catch (OperatorCreationException | java.security.GeneralSecurityException
                | IOException e) {
            throw new IllegalStateException("cannot sign certificate", e);
        }
    }

    private static PKCS10CertificationRequest parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidRequestException("a PEM-encoded certificate signing request is required");
        }
        Object read;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            read = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException(UNREADABLE);
        }
        if (read == null) {
            throw new InvalidRequestException(NO_PEM);
        }
        if (!(read instanceof PKCS10CertificationRequest csr)) {
            throw new InvalidRequestException(NOT_A_CSR);
        }
        try {
            // Parsing is lazy: reading the subject and key information here turns a malformed
            // body into the message above rather than a failure further on.
            csr.getSubject();
            csr.getSubjectPublicKeyInfo();
            csr.getSignatureAlgorithm();
        } catch (RuntimeException e) {
            throw new InvalidRequestException(UNREADABLE);
        }
        return csr;
    }

    private static X509Certificate parseCertificate(String pem) throws IOException, CertificateException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) parser.readObject());
        }
    }

    private static String first(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    /**
     * A TLS server certificate for the platform's own HTTPS connector, signed by the CA, for the
     * names a client on the same machine uses (localhost, 127.0.0.1, ::1). It ends with the CA, so
     * that a client trusting the CA never meets a server certificate that outlives it.
     */
    static String serverCertificate(KeyPair pair, Supplier<PlatformKeys.StoredKey> ca) {
        try {
            PlatformKeys.StoredKey authority = ca.get();
            X509Certificate caCert = parseCertificate(authority.certificatePem());
            Instant now = Instant.now();
            Date notAfter = Date.from(now.plus(CA_VALIDITY));
            if (notAfter.after(caCert.getNotAfter())) {
                notAfter = caCert.getNotAfter();
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, new BigInteger(127, RANDOM),
                    Date.from(now.minusSeconds(60)), notAfter, new X500Name("CN=localhost,O=Odomo"), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.iPAddress, "::1") }))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(authority.keyPair().getPrivate()));
            return PlatformKeys.toPem(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (OperatorCreationException | java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the TLS server certificate", e);
        }
    }

    static String selfSigned(KeyPair pair) {
        try {
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=Odomo Apps CA,OU=Programs Partners,O=Odomo");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(127, RANDOM),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
            return PlatformKeys.toPem(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (OperatorCreationException | CertificateException | IOException
                | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot create the app CA", e);
        }
    }
}
