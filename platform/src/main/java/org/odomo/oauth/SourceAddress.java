package org.odomo.oauth;

import org.odomo.crypto.CredentialGuard;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The source address the throttles count by: the client's address as the servlet container
 * sees it (behind a reverse proxy, set {@code server.forward-headers-strategy} so that it is the
 * client's and not the proxy's), keyed as the credential checks key it (an IPv6 address by its
 * /64 network).
 */
final class SourceAddress {

    private SourceAddress() {
    }

    static String of(HttpServletRequest request) {
        return CredentialGuard.sourceKey(request.getRemoteAddr());
    }
}
