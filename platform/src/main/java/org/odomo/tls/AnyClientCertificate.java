package org.odomo.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTPS connector's trust manager for client certificates: it lets every certificate through
 * the handshake, and the B2B API then checks it against the platform CA (its trust store),
 * expiry included. A refused certificate thus gets an answer in the API's error format (401
 * {@code CLIENT_CERTIFICATE_INVALID}) rather than a broken handshake the client cannot explain,
 * and the other APIs on the same port, which do not use certificates, are not affected.
 * <p>
 * It names no acceptable issuer: a client that picks its certificate by the issuers the server
 * names (the JDK's) then presents the one it has, whoever issued it, and learns why it is refused.
 * Tomcat creates it by its class name, hence public with a public constructor.
 */
public final class AnyClientCertificate extends X509ExtendedTrustManager {

    private static final X509Certificate[] NONE = new X509Certificate[0];

    public AnyClientCertificate() {
        // nothing to hold: the check is the API's
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // checked by the API (org.odomo.access), see the class comment
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // checked by the API (org.odomo.access), see the class comment
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // checked by the API (org.odomo.access), see the class comment
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager checks no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager checks no server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NONE;
    }
}
