package org.odomo.b2c;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paging of collections as the API defines it: {@code pageSize} (1 to the operation's maximum),
 * {@code indexRange} ({@code start-end}, end optional, inclusive), and {@code pageToken}, an
 * opaque marker of the next page's offset built by the server. Public for the B2C collections
 * that other modules serve (callbacks).
 */
public final class Paging {

    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d*)");

    public final int offset;
    public final int pageSize;
    final Integer rangeEnd;
    /** Whether the offset came from a pageToken, which the server only issues for an existing page. */
    private final boolean fromToken;

    private Paging(int offset, int pageSize, Integer rangeEnd, boolean fromToken) {
        this.offset = offset;
        this.pageSize = pageSize;
        this.rangeEnd = rangeEnd;
        this.fromToken = fromToken;
    }

    public static Paging of(String pageSize, String indexRange, String pageToken, int maxPageSize) {
        int size = maxPageSize == 2000 ? 60 : maxPageSize;
        if (pageSize != null) {
            try {
                size = Integer.parseInt(pageSize);
            } catch (NumberFormatException e) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be an integer");
            }
            if (size < 1 || size > maxPageSize) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                        "pageSize must be between 1 and " + maxPageSize);
            }
        }
        int offset = 0;
        Integer end = null;
        if (indexRange != null) {
            Matcher m = RANGE.matcher(indexRange);
            if (!m.matches()) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange must look like 0-9 or 5-");
            }
            try {
                offset = Integer.parseInt(m.group(1));
                end = m.group(2).isEmpty() ? null : Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange is out of range");
            }
            if (end != null && end < offset) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange ends before it starts");
            }
        }
        if (pageToken != null) {
            offset = decodeToken(pageToken);
        }
        return new Paging(offset, size, end, pageToken != null);
    }

    /** How many items of {@code total} this page holds. */
    public int limit(long total) {
        long last = rangeEnd == null ? total - 1 : Math.min(total - 1, rangeEnd);
        return (int) Math.max(0, Math.min(pageSize, last - offset + 1));
    }

    static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("o:")) {
                int offset = Integer.parseInt(decoded.substring(2));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageToken is not one this server issued");
    }

    /**
     * A HAL collection page: links (self, first, prev, next, last), total, totalPage, currentPage
     * and {@code _embedded.<name>}.
     */
    public ObjectNode page(String clientId, String path, Map<String, String> query, String name, List<ObjectNode> items,
            long total) {
        return page(Links.BASE, clientId, path, query, name, items, total);
    }

    /** As {@link #page(String, String, Map, String, List, long)}, with links below another API base. */
    public ObjectNode page(String base, String clientId, String path, Map<String, String> query, String name,
            List<ObjectNode> items, long total) {
        if (fromToken && offset > 0 && offset >= total) {
            // The server links only to pages that start within the collection: a token beyond its
            // end was forged (or the data it paged through has since expired).
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageToken points past the end of the collection");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        int totalPages = (int) Math.max(1, (total + pageSize - 1) / pageSize);
        int current = offset / pageSize + 1;
        ObjectNode links = body.putObject("_links");
        links.set("self", Links.link(Links.href(base, clientId, path, with(query, offset))));
        links.set("first", Links.link(Links.href(base, clientId, path, with(query, 0))));
        if (offset > 0) {
            links.set("prev", Links.link(Links.href(base, clientId, path, with(query, Math.max(0, offset - pageSize)))));
        }
        long end = rangeEnd == null ? total : Math.min(total, rangeEnd + 1L);
        // In long: an offset near the int limit plus the page size would wrap to a negative one.
        if ((long) offset + pageSize < end) {
            links.set("next", Links.link(Links.href(base, clientId, path, with(query, offset + pageSize))));
        }
        long lastOffset = total == 0 ? 0 : ((total - 1) / pageSize) * pageSize;
        links.set("last", Links.link(Links.href(base, clientId, path, with(query, (int) lastOffset))));
        body.put("total", total);
        body.put("totalPage", totalPages);
        body.put("currentPage", current);
        ArrayNode embedded = body.putObject("_embedded").putArray(name);
        items.forEach(embedded::add);
        // The items were each filtered as their own resource; the envelope holds only structure.
        FieldAccess.structureOnly().filter("page", body);
        return body;
    }

    private Map<String, String> with(Map<String, String> query, int pageOffset) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("pageSize", Integer.toString(pageSize));
        if (pageOffset > 0) {
            q.put("pageToken", token(pageOffset));
        }
        return q;
    }
}
