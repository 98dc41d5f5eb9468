package org.odomo.apps;

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

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
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
import org.springframework.stereotype.Component;

/**
 * The platform's own CA, which turns an app's certificate signing request into the client
 * certificate it presents to the API. The request must be an RSA 2048 key whose subject has
 * OU "Programs Partners" and, as CN, the app's login id; anything else is refused with the reason.
 */
@Component
public class PlatformCertificateAuthority {

    static final String REQUIRED_OU = "Programs Partners";
    static final String NO_PEM = "no PEM block found: send the certificate signing request between "
            + "-----BEGIN CERTIFICATE REQUEST----- and -----END CERTIFICATE REQUEST-----";
    static final String NOT_A_CSR = "the PEM block is not a certificate signing request "
            + "(expected -----BEGIN CERTIFICATE REQUEST-----)";
    static final String UNREADABLE = "the certificate signing request is malformed: its content is not a valid "
            + "base64-encoded PKCS#10 request";
    static final String NOT_RSA_2048 = "the certificate request must hold an RSA 2048 public key";
    static final String BAD_SIGNATURE = "the certificate request's signature does not match its key";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration CLIENT_VALIDITY = Duration.ofDays(730);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PlatformKeys keys;
    private volatile PlatformKeys.StoredKey ca;

    PlatformCertificateAuthority(PlatformKeys keys) {
        this.keys = keys;
    }

    private PlatformKeys.StoredKey ca() {
        if (ca == null) {
            ca = keys.getOrCreate("app-ca", 3072, PlatformCertificateAuthority::selfSigned);
        }
        return ca;
    }

    /** The CA certificate, PEM-encoded, for apps and for whatever verifies their certificates. */
    public String certificatePem() {
        return ca().certificatePem();
    }

    /** A client certificate signed for the request, or an {@link InvalidRequestException}. */
    public IssuedCertificate sign(String csrPem, String expectedLoginId) {
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
            PlatformKeys.StoredKey authority = ca();
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

    /** A signed client certificate. */
    public record IssuedCertificate(String certificatePem, String serialHex) {
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

    private static String selfSigned(KeyPair pair) {
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
