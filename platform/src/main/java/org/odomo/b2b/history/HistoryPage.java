package org.odomo.b2b.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Links;
import org.odomo.state.HistoryQueries;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One page of a fleet API history list, as asked ({@code pageSize}, {@code indexRange},
 * {@code pageToken}) and as answered: a HAL collection whose links are {@code self}, {@code first}
 * and, while items remain, {@code next}. Lists page forward only: a fleet-wide list resumes after
 * the sort key of the last item listed (keyset), so no page needs the items before it, and items
 * stored meanwhile neither repeat nor push others out of the pages still to come.
 */
final class HistoryPage {

    static final String API_BASE = "/connectedcar/v3";
    private static final Pattern RANGE = Pattern.compile("(\\d{1,18})-(\\d{0,18})");

    final int pageSize;
    /** The list index of this page's first item. */
    final long index;
    /** The last index the client asked for (inclusive), null for no end. */
    final Long rangeEnd;
    /** Where the previous page stopped (fleet-wide lists); null on a first page. */
    final HistoryQueries.After after;
    /** The total counted when the first page was served; null on a first page. */
    final Long carriedTotal;
    private final String list;
    private final String token;

    private HistoryPage(int pageSize, long index, Long rangeEnd, HistoryQueries.After after, Long carriedTotal,
            String list, String token) {
        this.pageSize = pageSize;
        this.index = index;
        this.rangeEnd = rangeEnd;
        this.after = after;
        this.carriedTotal = carriedTotal;
        this.list = list;
        this.token = token;
    }

    /**
     * Reads the paging parameters of a list.
     *
     * @param list  what the list is: its path and filters, which a token is bound to
     */
    static HistoryPage of(HistoryPageTokens tokens, String list, String pageSize, String indexRange, String pageToken,
            int maxPageSize) {
        int size = 60;
        if (pageSize != null) {
            try {
                size = Integer.parseInt(pageSize.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be an integer");
            }
            if (size < 1 || size > maxPageSize) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be between 1 and " + maxPageSize);
            }
        }
        long start = 0;
        Long end = null;
        if (indexRange != null) {
            Matcher m = RANGE.matcher(indexRange);
            if (!m.matches()) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange must look like 0-9 or 5-");
            }
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
            if (end != null && end < start) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange ends before it starts");
            }
        }
        if (pageToken != null) {
            HistoryPageTokens.Position p = tokens.read(list, pageToken);
            return new HistoryPage(size, p.index(), end, p.after(), p.total(), list, pageToken);
        }
        return new HistoryPage(size, start, end, null, null, list, null);
    }

    /** A list's identity for its tokens: the path and the query that selects its items (paging aside). */
    static String listOf(String path, Map<String, String> query) {
        StringBuilder b = new StringBuilder(path);
        new TreeMap<>(query).forEach((k, v) -> {
            if (v != null) {
                b.append('\n').append(k).append('=').append(v);
            }
        });
        return b.toString();
    }

    /** How many items this page may hold, within the index range. */
    int limit() {
        if (rangeEnd == null) {
            return pageSize;
        }
        return (int) Math.max(0, Math.min(pageSize, rangeEnd - index + 1));
    }

    /** Whether the index range ends before the item following this page's {@code count} items. */
    boolean rangeEndsWithin(int count) {
        return rangeEnd != null && index + count > rangeEnd;
    }

    /**
     * The page's body.
     *
     * @param next where the next page starts, null when this is the last
     */
    ObjectNode body(HistoryPageTokens tokens, String clientId, String path, Map<String, String> query, String name,
            List<ObjectNode> items, long total, HistoryPageTokens.Position next) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("self", Links.link(Links.href(API_BASE, clientId, path, with(query, token))));
        links.set("first", Links.link(Links.href(API_BASE, clientId, path, with(query, null))));
        if (next != null) {
            links.set("next", Links.link(Links.href(API_BASE, clientId, path, with(query, tokens.issue(list, next)))));
        }
        body.put("total", total);
        body.put("totalPage", Math.max(1, (total + pageSize - 1) / pageSize));
        body.put("currentPage", index / pageSize + 1);
        ArrayNode embedded = body.putObject("_embedded").putArray(name);
        items.forEach(embedded::add);
        // The items were each filtered as their own resource; the envelope holds only structure.
        FieldAccess.structureOnly().filter("page", body);
        return body;
    }

    private Map<String, String> with(Map<String, String> query, String pageToken) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("pageSize", Integer.toString(pageSize));
        if (pageToken != null) {
            q.put("pageToken", pageToken);
        }
        return q;
    }
}
