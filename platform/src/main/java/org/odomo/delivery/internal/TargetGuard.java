package org.odomo.delivery.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps the platform from being used to reach what sits behind it (server-side request forgery):
 * a destination's target is resolved once, every address it resolves to is checked, and the
 * channel then connects to the address that was checked, never resolving the name again, so that
 * a name that answers with a public address to the check and a private one to the connection (DNS
 * rebinding) gets nowhere.
 *
 * <p>Refused: loopback, unspecified, link-local (with the cloud metadata address 169.254.169.254),
 * private (RFC 1918, IPv6 unique local), shared address space (CGNAT, 100.64.0.0/10), multicast
 * and the other special-purpose ranges, also when written as IPv4-mapped or NAT64 IPv6 addresses;
 * and cleartext schemes. Settings allow both on a developer's machine.
 */
final class TargetGuard {

    /** How names are resolved (the system resolver; replaced in tests). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target that passed: the address to connect to, and the name to present (Host, SNI). */
    record Checked(URI target, String host, int port, InetAddress address) {

        /** The target with its host replaced by the checked address: what the connection goes to. */
        URI pinned() {
            String literal = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress();
            return URI.create(target.getScheme() + "://" + literal + ":" + port + rawPathAndQuery(target));
        }

        /** The name to present in TLS (SNI), or null when the target names an address itself. */
        String serverName() {
            return host.contains(":") || host.matches("[0-9.]+") ? null : host;
        }

        /** The authority to name in the Host header: as the target wrote it. */
        String authority() {
            return target.getRawAuthority();
        }
    }

    static String rawPathAndQuery(URI target) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return target.getRawQuery() == null ? path : path + "?" + target.getRawQuery();
    }

    /** Why a target was refused; the message goes to the delivery log. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final boolean allowPrivate;
    private final boolean allowInsecure;
    private final Resolver resolver;

    TargetGuard(boolean allowPrivate, boolean allowInsecure, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowInsecure = allowInsecure;
        this.resolver = resolver;
    }

    Checked check(URI target) throws Refused {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https") || scheme.equals("wss");
        boolean cleartext = scheme.equals("http") || scheme.equals("ws");
        if (!secure && !cleartext) {
            throw new Refused("target scheme '" + scheme + "' is not supported");
        }
        if (cleartext && !allowInsecure) {
            throw new Refused("target refused: " + scheme + ":// is not allowed, use " + scheme + "s://");
        }
        String host = target.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("target has no host");
        }
        if (target.getRawUserInfo() != null) {
            throw new Refused("target refused: credentials in the URL are not allowed, use a Header attribute");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = target.getPort() != -1 ? target.getPort() : secure ? 443 : 80;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused("target host " + bare + " does not resolve");
        }
        if (addresses.length == 0) {
            throw new Refused("target host " + bare + " does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                String why = forbidden(a);
                if (why != null) {
                    // One bad address refuses the name: which one a connection would use is not ours to pick.
                    throw new Refused("target refused: " + bare + " resolves to " + a.getHostAddress() + " (" + why
                            + " address)");
                }
            }
        }
        return new Checked(target, bare, port, addresses[0]);
    }

    /** Why the address may not be reached from the platform, or null. */
    static String forbidden(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (b0 == 100 && (b1 & 0xc0) == 64) {
                return "shared (CGNAT)";
            }
            if (b0 == 0) {
                return "unspecified";
            }
            if (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) {
                return "special-purpose";
            }
            if (b0 == 198 && (b1 & 0xfe) == 18) {
                return "benchmarking";
            }
            if (b0 >= 240) {
                return "reserved";
            }
            return null;
        }
        int b0 = b[0] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return "private (unique local)";
        }
        if (b0 == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "private (site-local)";
        }
        // IPv4 embedded in IPv6: IPv4-compatible (::a.b.c.d), IPv4-mapped (Java already turns those
        // into IPv4 addresses) and the NAT64 well-known prefix 64:ff9b::/96.
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (zeroPrefix || nat64) {
            try {
                String inner = forbidden(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                return inner == null ? null : inner + ", embedded in IPv6";
            } catch (UnknownHostException e) {
                return "malformed";
            }
        }
        return null;
    }
}
