package org.odomo.access;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the B2B API finds the caller's client certificate.
 *
 * @param clientCertificateHeader the header in which a TLS-terminating proxy forwards the client
 *                                certificate it verified (PEM, URL-encoded as nginx's
 *                                {@code $ssl_client_escaped_cert}, or plain)
 * @param trustedProxies          the addresses whose requests may carry that header; from any other
 *                                address the header is ignored, so that nobody can claim a
 *                                certificate without holding its key. Empty: only certificates
 *                                presented to the platform's own TLS connector count
 */
@ConfigurationProperties("odomo.b2b")
public record B2bProperties(@DefaultValue("X-Client-Certificate") String clientCertificateHeader,
        @DefaultValue List<String> trustedProxies) {
}
