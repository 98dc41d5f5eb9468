package org.odomo.callback;

import java.io.InputStream;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.odomo.api.JsonRequestBody;
import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.callback.Subscription.Attribute;
import org.odomo.callback.Subscription.AttributeType;
import org.odomo.callback.Subscription.Channel;
import org.odomo.callback.Subscription.Type;

import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code CallbackSubscribe} body into a {@link Subscription}, refusing (400, naming the
 * member) anything the API does not define or the delivery could not honour safely. Members the
 * API does not define are ignored, as everywhere in the API (clients tolerate unknown members and
 * so does the server); a member it defines must have its documented type.
 */
final class SubscriptionReader {

    /** Far above any legitimate subscription (the limits below allow about 120 KiB). */
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_LABEL = 255;
    static final int MAX_NAME = 255;
    static final int MAX_TARGET = 2048;
    static final int MAX_ATTRIBUTES = 20;
    static final int MAX_KEY = 256;
    /** Room for a bearer token in an Authorization header. */
    static final int MAX_VALUE = 4096;
    static final int MAX_DEVICES = 20;
    static final int MAX_DEVICE = 1024;

    /** The variables an attribute value may be (the whole value, after a {@code $}), in their canonical spelling. */
    static final Map<String, String> VARIABLES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        for (String v : List.of("Vin", "CallbackID", "CallbackLabel", "MonitorID", "MonitorLabel", "RemoteType",
                "RemoteStatus", "RemoteLabel")) {
            VARIABLES.put(v, "$" + v);
        }
    }

    /** RFC 9110 token: what a header name may be made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * Headers that the delivery sets itself or that change how the message is framed or routed:
     * an app setting them would corrupt or redirect its own deliveries.
     */
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("host", "content-length", "content-type",
            "content-encoding", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "upgrade", "expect", "forwarded", "x-forwarded-for",
            "x-forwarded-host", "x-forwarded-proto");

    /** Push attribute keys that the push service reserves. */
    private static boolean reservedPushKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("from") || k.equals("message_type") || k.startsWith("google") || k.startsWith("gcm");
    }

    private final CallbackProperties.LocalTargets localTargets;

    SubscriptionReader(CallbackProperties.LocalTargets localTargets) {
        this.localTargets = localTargets;
    }

    /** Reads at most {@link #MAX_BODY_BYTES} of the body and parses it. */
    static JsonNode parse(InputStream body) {
        return JsonRequestBody.read(body, MAX_BODY_BYTES);
    }

    Subscription read(JsonNode body) {
        if (!body.isObject()) {
            throw invalid("the request body must be a JSON object (CallbackSubscribe)");
        }
        String label = optionalText(body, "label", "label", MAX_LABEL);
        Set<Type> types = types(body.get("type"));
        JsonNode callback = body.get("callback");
        if (callback == null) {
            throw invalid("callback: required");
        }
        if (!callback.isObject()) {
            throw invalid("callback: must be an object with one of webhook, websocket, pushnotif");
        }
        List<Channel> given = new ArrayList<>();
        for (Channel c : Channel.values()) {
            if (callback.has(c.name())) {
                given.add(c);
            }
        }
        if (given.size() != 1) {
            throw invalid("callback: must have exactly one of webhook, websocket, pushnotif" + (given.isEmpty() ? ""
                    : " (has " + given.stream().map(Enum::name).toList() + ")"));
        }
        Channel channel = given.get(0);
        String at = "callback." + channel.name();
        JsonNode node = callback.get(channel.name());
        if (!node.isObject()) {
            throw invalid(at + ": must be an object");
        }
        return switch (channel) {
            case webhook -> new Subscription(label, types, channel, requiredText(node, "name", at + ".name", MAX_NAME),
                    target(node, at + ".target", "https", "http"), List.of(),
                    attributes(node.get("attributes"), at + ".attributes", channel));
            case websocket -> new Subscription(label, types, channel, null, target(node, at + ".target", "wss", "ws"),
                    List.of(), attributes(node.get("attributes"), at + ".attributes", channel));
            case pushnotif -> new Subscription(label, types, channel, null, null, devices(node.get("devices"),
                    at + ".devices"), attributes(node.get("attributes"), at + ".attributes", channel));
        };
    }

    /** The {@code types} filter of the list: repeated or comma-separated; empty when absent. */
    static Set<Type> typeFilter(List<String> values) {
        Set<Type> types = EnumSet.noneOf(Type.class);
        if (values != null) {
            for (String value : values) {
                for (String t : value.split(",")) {
                    String name = t.trim();
                    if (!name.isEmpty()) {
                        types.add(type(name, "types"));
                    }
                }
            }
        }
        return types;
    }

    private static Set<Type> types(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid("type: must be an array of Monitor, Remote");
        }
        if (node.size() > Type.values().length * 2) {
            throw invalid("type: too many items");
        }
        Set<Type> types = EnumSet.noneOf(Type.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!t.isString()) {
                throw invalid("type[" + i + "]: must be Monitor or Remote");
            }
            types.add(type(t.stringValue(), "type[" + i + "]"));
        }
        // An empty list says nothing: the callback serves both, as when the member is absent.
        return types.isEmpty() ? null : types;
    }

    private static Type type(String name, String at) {
        for (Type t : Type.values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw invalid(at + ": must be Monitor or Remote, not '" + shown(name) + "'");
    }

    private static List<String> devices(JsonNode node, String at) {
        if (node == null) {
            throw invalid(at + ": required (at least one device)");
        }
        if (!node.isArray()) {
            throw invalid(at + ": must be an array of device tokens");
        }
        if (node.isEmpty()) {
            throw invalid(at + ": must list at least one device");
        }
        if (node.size() > MAX_DEVICES) {
            throw invalid(at + ": at most " + MAX_DEVICES + " devices");
        }
        Set<String> devices = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String where = at + "[" + i + "]";
            JsonNode d = node.get(i);
            if (!d.isString()) {
                throw invalid(where + ": must be a string");
            }
            String token = d.stringValue();
            checkText(token, where, MAX_DEVICE, false);
            if (token.isBlank()) {
                throw invalid(where + ": must not be empty");
            }
            if (!devices.add(token)) {
                throw invalid(where + ": repeats a device");
            }
        }
        return List.copyOf(devices);
    }

    private static List<Attribute> attributes(JsonNode node, String at, Channel channel) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(at + ": must be an array of {type, key, value}");
        }
        if (node.size() > MAX_ATTRIBUTES) {
            throw invalid(at + ": at most " + MAX_ATTRIBUTES + " attributes");
        }
        List<Attribute> attributes = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            attributes.add(attribute(node.get(i), at + "[" + i + "]", channel));
        }
        return attributes;
    }

    private static Attribute attribute(JsonNode node, String at, Channel channel) {
        if (!node.isObject()) {
            throw invalid(at + ": must be an object {type, key, value}");
        }
        AttributeType type = attributeType(node.get("type"), at + ".type", channel);
        String key = requiredText(node, "key", at + ".key", MAX_KEY);
        JsonNode v = node.get("value");
        if (v == null) {
            throw invalid(at + ".value: required");
        }
        if (!v.isString()) {
            throw invalid(at + ".value: must be a string");
        }
        String value = v.stringValue();
        if (value.length() > MAX_VALUE) {
            throw invalid(at + ".value: at most " + MAX_VALUE + " characters");
        }
        if (type == AttributeType.Header && channel == Channel.webhook) {
            // It becomes an HTTP header line of the delivery: a name that is not a token, or a CR
            // or LF in the value, would let the app write headers or requests of its own.
            if (!TOKEN.matcher(key).matches()) {
                throw invalid(at + ".key: a header name is made of letters, digits and !#$%&'*+-.^_`|~ only");
            }
            if (FORBIDDEN_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
                throw invalid(at + ".key: the header " + key + " is set by the delivery and cannot be an attribute");
            }
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if (ch != '\t' && (ch < 0x20 || ch > 0x7e)) {
                    throw invalid(at + ".value: a header value is visible ASCII characters, spaces and tabs only");
                }
            }
        } else {
            checkText(key, at + ".key", MAX_KEY, false);
            checkText(value, at + ".value", MAX_VALUE, type == AttributeType.Body);
        }
        if (channel == Channel.pushnotif && reservedPushKey(key)) {
            throw invalid(at + ".key: '" + key + "' is reserved by the push service (from, message_type, google*, gcm*)");
        }
        return new Attribute(type, key, variable(value, at + ".value"));
    }

    private static AttributeType attributeType(JsonNode node, String at, Channel channel) {
        Set<AttributeType> allowed = switch (channel) {
            case webhook -> EnumSet.allOf(AttributeType.class);
            case websocket -> EnumSet.of(AttributeType.Body);
            case pushnotif -> EnumSet.of(AttributeType.Header, AttributeType.Body);
        };
        if (node == null) {
            // The defaults of the published schemas; a webhook attribute must say where it goes.
            return switch (channel) {
                case webhook -> throw invalid(at + ": required (Header, Body or Query)");
                case websocket -> AttributeType.Body;
                case pushnotif -> AttributeType.Header;
            };
        }
        if (node.isString()) {
            for (AttributeType t : allowed) {
                if (t.name().equals(node.stringValue())) {
                    return t;
                }
            }
        }
        throw invalid(at + ": must be one of " + allowed + " for a " + channel.name() + " callback");
    }

    /** A value that starts with {@code $} names a variable: a known one, spelled canonically. */
    private static String variable(String value, String at) {
        if (!value.startsWith("$")) {
            return value;
        }
        String canonical = VARIABLES.get(value.substring(1));
        if (canonical == null) {
            throw invalid(at + ": unknown variable '" + shown(value) + "'; known: "
                    + String.join(", ", VARIABLES.values()));
        }
        return canonical;
    }

    private URI target(JsonNode node, String at, String secure, String plain) {
        String text = requiredText(node, "target", at, MAX_TARGET);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(at + ": not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            throw invalid(at + ": must be an absolute URL " + secure + "://host[:port][/path]");
        }
        if (!scheme.equals(secure) && !scheme.equals(plain)) {
            throw invalid(at + ": the scheme must be " + secure);
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(at + ": must not carry a user name or password before the host");
        }
        if (uri.getPort() > 65535) {
            throw invalid(at + ": the port must be at most 65535");
        }
        boolean loopback = isLoopback(uri.getHost(), at);
        if (loopback && localTargets != CallbackProperties.LocalTargets.LOOPBACK) {
            throw invalid(at + ": targets on this machine (localhost, loopback addresses) are not accepted");
        }
        if (scheme.equals(plain) && !loopback) {
            throw invalid(at + ": the scheme must be " + secure + (localTargets == CallbackProperties.LocalTargets.LOOPBACK
                    ? " (" + plain + " only to localhost)" : ""));
        }
        return uri;
    }

    /**
     * Whether the host names this machine; refuses other addresses that are not public (private,
     * link-local such as cloud metadata, multicast, unspecified) and numbers that some resolvers read
     * as addresses. Host names are not resolved here: the delivery engine checks the address it
     * connects to.
     */
    private static boolean isLoopback(String host, String at) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        InetAddress address = literalAddress(h, at);
        if (address == null) {
            return false;
        }
        if (address.isLoopbackAddress()) {
            return true;
        }
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress() || isSharedOrUniqueLocal(address)) {
            throw invalid(at + ": the address " + h + " is not a public one");
        }
        return false;
    }

    /** The address an IP literal host is, null for a host name; refuses numeric forms that are neither. */
    private static InetAddress literalAddress(String host, String at) {
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                return InetAddress.getByName(host.substring(1, host.length() - 1));
            } catch (UnknownHostException e) {
                throw invalid(at + ": not a valid IPv6 address");
            }
        }
        String lastLabel = host.substring(host.lastIndexOf('.') + 1);
        if (!lastLabel.isEmpty() && (lastLabel.chars().allMatch(Character::isDigit) || lastLabel.startsWith("0x"))) {
            // No top-level domain is numeric: this is meant as an IPv4 address, which must be written
            // as four decimal numbers (127.1, 2130706433 or 0x7f.1 reach 127.0.0.1 through some resolvers).
            if (!host.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
                throw invalid(at + ": '" + shown(host) + "' is neither a host name nor an IPv4 address");
            }
            try {
                return InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw invalid(at + ": not a valid IPv4 address");
            }
        }
        try {
            IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw invalid(at + ": not a valid host name");
        }
        return null;
    }

    /** 100.64.0.0/10 (carrier-grade NAT) and fc00::/7 (IPv6 unique local), which Java does not flag. */
    private static boolean isSharedOrUniqueLocal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        }
        return address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    }

    private static String requiredText(JsonNode parent, String member, String at, int max) {
        JsonNode node = parent.get(member);
        if (node == null) {
            throw invalid(at + ": required");
        }
        if (!node.isString()) {
            throw invalid(at + ": must be a string");
        }
        String text = node.stringValue();
        if (text.isBlank()) {
            throw invalid(at + ": must not be empty");
        }
        checkText(text, at, max, false);
        return text;
    }

    private static String optionalText(JsonNode parent, String member, String at, int max) {
        JsonNode node = parent.get(member);
        if (node == null) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(at + ": must be a string");
        }
        checkText(node.stringValue(), at, max, false);
        return node.stringValue();
    }

    /** Length, and no control characters (line breaks only where {@code multiline}). */
    private static void checkText(String text, String at, int max, boolean multiline) {
        if (text.length() > max) {
            throw invalid(at + ": at most " + max + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f;
            if (control && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
                throw invalid(at + ": must not contain control characters");
            }
        }
    }

    /** Text of the request as an error message quotes it: short, without control characters. */
    static String shown(String text) {
        return BodyRules.shown(text);
    }

    static ApiException invalid(String message) {
        return BodyRules.invalid(message);
    }
}
