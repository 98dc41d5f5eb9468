package org.odomo.oauth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The source address the throttles count by: the client's address as the servlet container
 * sees it (behind a reverse proxy, set {@code server.forward-headers-strategy} so that it is the
 * client's and not the proxy's). An IPv6 address counts by its /64 network, which one
 * subscriber usually holds whole.
 */
final class SourceAddress {

    private SourceAddress() {
    }

    static String of(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        if (address == null) {
            return "unknown";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            InetAddress parsed = InetAddress.getByName(address); // a literal: no name lookup
            if (parsed instanceof Inet6Address && !parsed.isLoopbackAddress()) {
                byte[] bytes = parsed.getAddress();
                return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
