package org.odomo.b2b.history;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Paging of the fleet API's history lists ({@code odomo.b2b.history.*}).
 *
 * @param pageTokenKey the secret page tokens are signed with, so that a client can neither forge
 *                     nor alter one (a token carries where the list resumes and the list's total).
 *                     Every node of a cluster needs the same value; when unset, each node draws a
 *                     random one at start, and tokens issued before a restart or by another node are
 *                     refused (400): the client starts the list again
 * @param maxIndexRangeStart the deepest start an {@code indexRange} may ask of a fleet-wide list, whose
 *                     pages are reached by {@code pageToken}: skipping items costs reading them
 */
@ConfigurationProperties("odomo.b2b.history")
public record HistoryPagingProperties(String pageTokenKey, Integer maxIndexRangeStart) {

    public HistoryPagingProperties {
        if (pageTokenKey != null && !pageTokenKey.isEmpty() && pageTokenKey.length() < 16) {
            throw new IllegalArgumentException("odomo.b2b.history.page-token-key: at least 16 characters");
        }
        maxIndexRangeStart = maxIndexRangeStart == null ? 10_000 : maxIndexRangeStart;
        if (maxIndexRangeStart < 0) {
            throw new IllegalArgumentException("odomo.b2b.history.max-index-range-start must not be negative");
        }
    }
}
