package org.odomo.b2b;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the fleet API signs its page tokens.
 *
 * @param tokenKey the secret that signs page tokens (any text, at least 32 characters). Every node
 *                 of a cluster needs the same one, so that a token issued by one node is accepted
 *                 by the others; when unset, each node draws a random key at start (tokens then
 *                 do not survive a restart: a client starts its paging over)
 */
@ConfigurationProperties("odomo.b2b.paging")
public record FleetPagingProperties(String tokenKey) {
}
