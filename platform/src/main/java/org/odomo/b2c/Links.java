package org.odomo.b2c;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * HAL links of the B2C API. They are absolute and carry the caller's {@code client_id}, so that a
 * client can follow any of them as it is. Public for the B2C resources that other modules serve.
 */
public final class Links {

    static final String BASE = "/connectedcar/v4";

    private Links() {
    }

    public static String href(String clientId, String path) {
        return href(clientId, path, null);
    }

    static String href(String clientId, String path, java.util.Map<String, String> query) {
        return href(BASE, clientId, path, query);
    }

    /**
     * A link below another base of the platform's APIs (the B2B API's {@code /connectedcar/v3}),
     * with the caller's {@code client_id} and the query parameters given (null values left out).
     */
    public static String href(String base, String clientId, String path, java.util.Map<String, String> query) {
        if (query == null && isUnreserved(clientId, false) && isUnreserved(path, true)) {
            // Nothing to encode: the common case, without parsing and re-encoding a URI per link.
            return contextUrl() + base + path + "?client_id=" + clientId;
        }
        UriComponentsBuilder b = (RequestContextHolder.getRequestAttributes() == null
                ? UriComponentsBuilder.newInstance() : ServletUriComponentsBuilder.fromCurrentContextPath())
                .path(base + path)
                .queryParam("client_id", clientId);
        if (query != null) {
            query.forEach((k, v) -> {
                if (v != null) {
                    b.queryParam(k, v);
                }
            });
        }
        return b.encode().build().toUriString();
    }

    /**
     * The scheme, host, port and context path of the current request, read once per request; empty
     * (links relative to the server) for views built off a request, such as a notification's data.
     */
    private static String contextUrl() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes == null) {
            return "";
        }
        Object known = attributes.getAttribute(CONTEXT_URL, RequestAttributes.SCOPE_REQUEST);
        if (known instanceof String url) {
            return url;
        }
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        attributes.setAttribute(CONTEXT_URL, url, RequestAttributes.SCOPE_REQUEST);
        return url;
    }

    private static final String CONTEXT_URL = Links.class.getName() + ".contextUrl";

    /** Only RFC 3986 unreserved characters (and {@code /} in a path): text that encodes to itself. */
    static boolean isUnreserved(String text, boolean path) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || path && c == '/';
            if (!ok) {
                return false;
            }
        }
        return !text.isEmpty();
    }

    public static ObjectNode link(String href) {
        ObjectNode link = JsonNodeFactory.instance.objectNode();
        link.put("href", href);
        return link;
    }
}
