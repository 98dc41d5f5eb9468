package org.odomo.tls;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTPS connector the platform serves beside its plain HTTP port.
 *
 * @param enabled whether to open it at all (a deployment behind a TLS-terminating proxy may not need it)
 * @param port    its port; 0 picks a free one
 * @param bundle  name of the Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>} or
 *                {@code spring.ssl.bundle.jks.<name>}) holding the server key and certificate. Absent:
 *                the platform serves a certificate of its own, signed by its CA for localhost and
 *                127.0.0.1, which suits a developer's machine and tests, not a public host name
 */
@ConfigurationProperties("odomo.tls")
public record TlsProperties(@DefaultValue("true") boolean enabled, @DefaultValue("8443") int port, String bundle) {

    public TlsProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("odomo.tls.port must be between 0 and 65535");
        }
        bundle = bundle == null || bundle.isBlank() ? null : bundle.trim();
    }
}
