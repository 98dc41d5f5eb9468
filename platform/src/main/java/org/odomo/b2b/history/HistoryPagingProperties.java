package org.odomo.b2b.history;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Paging of the fleet API's history lists ({@code odomo.b2b.paging.*}, the settings of all the
 * fleet API's page tokens).
 *
 * @param tokenKey the secret page tokens are signed with (at least 32 characters), so that a
 *                 client can neither forge nor alter one (a token carries where the list resumes
 *                 and the list's total). Every node of a cluster needs the same value; when unset,
 *                 each node draws a random one at start, and tokens issued before a restart or by
 *                 another node are refused (400): the client starts the list again
 * @param maxIndexRangeStart the deepest start an {@code indexRange} may ask of a fleet-wide history
 *                 list, whose pages are reached by {@code pageToken}: skipping items costs reading them
 */
@ConfigurationProperties("odomo.b2b.paging")
public record HistoryPagingProperties(String tokenKey, Integer maxIndexRangeStart) {

    public HistoryPagingProperties {
        if (tokenKey != null && !tokenKey.isEmpty() && tokenKey.length() < 32) {
            throw new IllegalArgumentException("odomo.b2b.paging.token-key: at least 32 characters");
        }
        maxIndexRangeStart = maxIndexRangeStart == null ? 10_000 : maxIndexRangeStart;
        if (maxIndexRangeStart < 0) {
            throw new IllegalArgumentException("odomo.b2b.paging.max-index-range-start must not be negative");
        }
    }
}
