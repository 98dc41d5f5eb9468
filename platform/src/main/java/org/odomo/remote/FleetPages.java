package org.odomo.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.odomo.b2c.Links;
import org.odomo.b2c.Paging;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Links and collection pages of the B2B API ({@code /connectedcar/v3}) for the fleet remote resources. */
final class FleetPages {

    static final String BASE = "/connectedcar/v3";

    private FleetPages() {
    }

    static ObjectNode link(String clientId, String path) {
        return Links.link(Links.href(BASE, clientId, path, null));
    }

    /**
     * A {@code CollectionResult}: links (self, first, prev, next, last) that carry the paging as a
     * {@code pageToken}-free {@code indexRange}, total, totalPage, currentPage and {@code _embedded.<name>}.
     */
    static ObjectNode page(String clientId, String path, Map<String, String> query, Paging paging, String name,
            List<ObjectNode> items, long total) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        int size = paging.pageSize;
        int offset = paging.offset;
        ObjectNode links = body.putObject("_links");
        links.set("self", Links.link(Links.href(BASE, clientId, path, with(query, offset, size))));
        links.set("first", Links.link(Links.href(BASE, clientId, path, with(query, 0, size))));
        if (offset > 0) {
            links.set("prev", Links.link(Links.href(BASE, clientId, path, with(query, Math.max(0, offset - size),
                    size))));
        }
        if ((long) offset + size < total) {
            links.set("next", Links.link(Links.href(BASE, clientId, path, with(query, offset + size, size))));
        }
        long lastOffset = total == 0 ? 0 : ((total - 1) / size) * size;
        links.set("last", Links.link(Links.href(BASE, clientId, path, with(query, (int) lastOffset, size))));
        body.put("total", total);
        body.put("totalPage", (int) Math.max(1, (total + size - 1) / size));
        body.put("currentPage", offset / size + 1);
        ArrayNode embedded = body.putObject("_embedded").putArray(name);
        items.forEach(embedded::add);
        return body;
    }

    private static Map<String, String> with(Map<String, String> query, int offset, int size) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("indexRange", offset + "-");
        q.put("pageSize", Integer.toString(size));
        return q;
    }
}
