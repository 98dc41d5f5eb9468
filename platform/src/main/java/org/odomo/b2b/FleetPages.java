package org.odomo.b2b;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.access.FieldAccess;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.b2c.Links;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.Membership;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pages through a fleet's vehicles in VIN order for the fleet-wide collections (vehicles, status,
 * maintenances) with keyset paging: a page token holds the VIN the next page starts after (or the
 * previous one ends before), so a page is one index range scan wherever it lies in the fleet, and
 * the last page of a fleet of ten thousand vehicles costs what the first costs. An
 * {@code indexRange} that starts past 0 is read up to its start once, when the collection is
 * opened; the tokens of its pages then carry the position.
 */
@Component
class FleetPages {

    static final String BASE = "/connectedcar/v3";
    static final int MAX_PAGE_SIZE = 60;
    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})-(\\d{0,9})");

    private final FleetDirectory directory;
    private final PageTokens tokens;

    FleetPages(FleetDirectory directory, PageTokens tokens) {
        this.directory = directory;
        this.tokens = tokens;
    }

    /** One page of a fleet's vehicles: its members in VIN order, and where it lies in the collection. */
    final class Page {
        final List<Membership> members;
        private final PageCursor cursor;
        private final long rangeTotal;
        private final String pageToken;

        private Page(List<Membership> members, PageCursor cursor, long rangeTotal, String pageToken) {
            this.members = members;
            this.cursor = cursor;
            this.rangeTotal = rangeTotal;
            this.pageToken = pageToken;
        }

        /**
         * The collection's answer: links (self, first, prev, next, last), total (the fleet's
         * vehicles in the range), totalPage, currentPage and {@code _embedded.<name>}. Vehicles
         * without data to show have no item, so a page may hold fewer items than its size.
         */
        ObjectNode answer(String clientId, String path, Map<String, String> query, String name, List<ObjectNode> items) {
            int size = cursor.pageSize();
            int start = cursor.rangeStart();
            long totalPages = Math.max(1, (rangeTotal + size - 1) / size);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode links = body.putObject("_links");
            links.set("self", link(clientId, path, query, pageToken));
            links.set("first", link(clientId, path, query, null));
            if (cursor.index() > start) {
                boolean previousIsFirst = cursor.index() - size <= start || members.isEmpty();
                links.set("prev", link(clientId, path, query, previousIsFirst ? null
                        : tokens.write(at(PageCursor.Direction.BEFORE, members.get(0).vin(), cursor.index() - size))));
            }
            long next = cursor.index() + members.size();
            if (!members.isEmpty() && next < start + rangeTotal) {
                links.set("next", link(clientId, path, query,
                        tokens.write(at(PageCursor.Direction.AFTER, members.get(members.size() - 1).vin(), next))));
            }
            if (cursor.rangeEnd() < 0) {
                // With an open range the last page is the fleet's last VINs, read backwards.
                links.set("last", link(clientId, path, query, totalPages == 1 ? null
                        : tokens.write(at(PageCursor.Direction.LAST, "", start + (totalPages - 1) * size))));
            }
            body.put("total", rangeTotal);
            body.put("totalPage", totalPages);
            body.put("currentPage", (cursor.index() - start) / size + 1);
            ArrayNode embedded = body.putObject("_embedded").putArray(name);
            items.forEach(embedded::add);
            // The items were each filtered as their own resource; the envelope holds only structure.
            FieldAccess.structureOnly().filter("page", body);
            return body;
        }

        private PageCursor at(PageCursor.Direction direction, String vin, long index) {
            return new PageCursor(cursor.collection(), cursor.pageSize(), cursor.rangeStart(), cursor.rangeEnd(),
                    direction, vin, index);
        }

        private ObjectNode link(String clientId, String path, Map<String, String> query, String token) {
            Map<String, String> q = new LinkedHashMap<>(query);
            q.put("pageSize", Integer.toString(cursor.pageSize()));
            if (cursor.rangeStart() != 0 || cursor.rangeEnd() >= 0) {
                q.put("indexRange", cursor.rangeStart() + "-" + (cursor.rangeEnd() < 0 ? "" : cursor.rangeEnd()));
            }
            q.put("pageToken", token);
            return Links.link(Links.href(BASE, clientId, path, q));
        }
    }

    /**
     * The page the request asks for.
     *
     * @param operation names the collection in its tokens (a token of another collection is refused)
     * @param vinPrefix the VIN prefix filter, or null
     */
    Page page(String fleetId, String operation, String vinPrefix, String pageSize, String indexRange,
            String pageToken) {
        String prefix = vinPrefix(vinPrefix);
        String collection = fleetId + "|" + operation + "|" + prefix;
        Integer size = pageSize(pageSize);
        int[] range = range(indexRange);
        PageCursor cursor;
        if (pageToken != null) {
            cursor = tokens.read(pageToken, collection);
            if (size != null && size != cursor.pageSize()) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                        "pageSize differs from the one the pageToken was issued with");
            }
            if (indexRange != null && (range[0] != cursor.rangeStart() || range[1] != cursor.rangeEnd())) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                        "indexRange differs from the one the pageToken was issued with");
            }
        } else {
            cursor = new PageCursor(collection, size == null ? MAX_PAGE_SIZE : size, range[0], range[1],
                    PageCursor.Direction.AFTER, "", range[0]);
        }
        long total = directory.count(fleetId, prefix);
        long rangeEnd = cursor.rangeEnd() < 0 ? total : Math.min(total, cursor.rangeEnd() + 1L);
        long rangeTotal = Math.max(0, rangeEnd - cursor.rangeStart());
        int perPage = cursor.pageSize();
        List<Membership> members;
        switch (cursor.direction()) {
            case AFTER -> {
                int limit = (int) Math.max(0, Math.min(perPage, rangeEnd - cursor.index()));
                String after = cursor.vin().isEmpty() ? vinBefore(fleetId, prefix, cursor.index()) : cursor.vin();
                members = limit == 0 || after == null && cursor.index() > 0 ? List.of()
                        : directory.members(fleetId, prefix, after, limit);
            }
            case BEFORE -> members = directory.membersBefore(fleetId, prefix, cursor.vin(), perPage);
            default -> {
                long totalPages = Math.max(1, (rangeTotal + perPage - 1) / perPage);
                long index = cursor.rangeStart() + (totalPages - 1) * perPage;
                cursor = new PageCursor(collection, perPage, cursor.rangeStart(), cursor.rangeEnd(),
                        PageCursor.Direction.LAST, "", index);
                int count = (int) Math.max(0, rangeTotal - (totalPages - 1) * perPage);
                members = count == 0 ? List.of() : directory.membersBefore(fleetId, prefix, null, count);
            }
        }
        return new Page(members, cursor, rangeTotal, pageToken);
    }

    /** The VIN just before the index (null for index 0): read once, when a range starts past 0. */
    private String vinBefore(String fleetId, String prefix, long index) {
        if (index == 0) {
            return null;
        }
        List<Membership> skipped = directory.members(fleetId, prefix, null, (int) index);
        return skipped.size() < index ? null : skipped.get(skipped.size() - 1).vin();
    }

    static String vinPrefix(String vinPrefix) {
        if (vinPrefix == null) {
            return "";
        }
        if (vinPrefix.length() > 17 || !vinPrefix.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "vinPrefix: up to 17 letters and digits");
        }
        return vinPrefix.toUpperCase(Locale.ROOT);
    }

    static Integer pageSize(String pageSize) {
        if (pageSize == null) {
            return null;
        }
        int size;
        try {
            size = Integer.parseInt(pageSize);
        } catch (NumberFormatException e) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be an integer");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be between 1 and " + MAX_PAGE_SIZE);
        }
        return size;
    }

    /** {@code start-end} (end optional, inclusive) as {start, end or -1}. */
    static int[] range(String indexRange) {
        if (indexRange == null) {
            return new int[] {0, -1};
        }
        Matcher m = RANGE.matcher(indexRange);
        if (!m.matches()) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange must look like 0-9 or 5-");
        }
        int start = Integer.parseInt(m.group(1));
        int end = m.group(2).isEmpty() ? -1 : Integer.parseInt(m.group(2));
        if (end >= 0 && end < start) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "indexRange ends before it starts");
        }
        return new int[] {start, end};
    }
}
