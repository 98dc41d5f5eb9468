package org.odomo.b2c;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * HAL links of the B2C API. They are absolute and carry the caller's {@code client_id}, so that a
 * client can follow any of them as it is.
 */
final class Links {

    static final String BASE = "/connectedcar/v4";

    private Links() {
    }

    static String href(String clientId, String path) {
        return href(clientId, path, null);
    }

    static String href(String clientId, String path, java.util.Map<String, String> query) {
        UriComponentsBuilder b = ServletUriComponentsBuilder.fromCurrentContextPath().path(BASE + path)
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

    static ObjectNode link(String href) {
        ObjectNode link = JsonNodeFactory.instance.objectNode();
        link.put("href", href);
        return link;
    }
}
