package org.odomo.apps;

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

    private final PlatformKeys keys;
    private volatile PlatformKeys.StoredKey ca;

    PlatformCertificateAuthority(PlatformKeys keys) {
        this.keys = keys;
    }

    private PlatformKeys.StoredKey ca() {
        PlatformKeys.StoredKey known = ca;
        if (known == null) {
            // One creation at a time in this process: the CA's 3072-bit key takes seconds, and the
            // first callers (a CSR, the HTTPS connector, the demo) often come together.
            synchronized (this) {
                if (ca == null) {
                    ca = keys.getOrCreate("app-ca", 3072, CertificateSigning::selfSigned);
                }
                known = ca;
            }
        }
        return known;
    }

    /** The CA certificate, PEM-encoded, for apps and for whatever verifies their certificates. */
    public String certificatePem() {
        return ca().certificatePem();
    }

    /** A client certificate signed for the request, or an {@link InvalidRequestException}. */
    public IssuedCertificate sign(String csrPem, String expectedLoginId) {
        return CertificateSigning.sign(csrPem, expectedLoginId, this::ca);
    }

    /**
     * Whether this CA issued the certificate and it is valid now: its signature verifies with the
     * CA's key, its issuer is the CA and the current time is within its validity. Says nothing of
     * whose it is (the caller compares its CN and serial with the account's).
     */
    public boolean issued(java.security.cert.X509Certificate certificate) {
        java.security.cert.X509Certificate caCertificate = caCertificate();
        try {
            if (!certificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal())) {
                return false;
            }
            certificate.verify(caCertificate.getPublicKey());
            certificate.checkValidity();
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The key and certificate of the platform's own HTTPS connector when the operator configures
     * none: created once, signed by this CA for localhost and 127.0.0.1, and kept with the other
     * platform keys so that every node and every restart serves the same one. Creating it loads
     * the signing library and generates keys: call it off the start path.
     */
    public PlatformKeys.StoredKey serverKey() {
        return keys.getOrCreate("tls-server", 2048, pair -> CertificateSigning.serverCertificate(pair, this::ca));
    }

    private volatile java.security.cert.X509Certificate caCertificate;

    /** The CA certificate, parsed. */
    public java.security.cert.X509Certificate caCertificate() {
        if (caCertificate == null) {
            caCertificate = Certificates.parse(certificatePem());
        }
        return caCertificate;
    }

    /** A signed client certificate. */
    public record IssuedCertificate(String certificatePem, String serialHex) {
    }
}
