package org.odomo.delivery.internal;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the notification delivery engine ({@code odomo.delivery.*}).
 *
 * @param enabled              whether this node sends notifications (every node can write them)
 * @param pollInterval         how often a node looks for due streams
 * @param claimLimit           the most streams a node claims in one look
 * @param concurrency          the most streams a node sends to at once
 * @param lease                how long a node holds a claimed stream; past it another node takes over
 * @param maxBatchesPerClaim   the most deliveries a node makes to one stream before it lets go of it
 * @param timeout              how long a receiver has to answer (or a websocket frame to be written)
 *                             before the attempt counts as not received
 * @param pausedRecheck        how often the messages of a paused destination are looked at (to drop
 *                             the expired ones, and to send them once it runs again)
 * @param allowPrivateTargets  whether targets may resolve to loopback, private, link-local,
 *                             multicast, unspecified or shared (CGNAT) addresses: only for a
 *                             developer's machine, never in production
 * @param allowInsecureSchemes whether {@code http://} and {@code ws://} targets are allowed
 * @param logRetention         how long the delivery log and finished notifications are kept
 * @param cleanupCron          when the once-per-cluster clean-up runs
 * @param push                 the push service
 */
@ConfigurationProperties("odomo.delivery")
public record DeliveryProperties(@DefaultValue("true") boolean enabled, @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("64") int claimLimit, @DefaultValue("64") int concurrency, @DefaultValue("2m") Duration lease,
        @DefaultValue("10") int maxBatchesPerClaim, @DefaultValue("10s") Duration timeout,
        @DefaultValue("10s") Duration pausedRecheck, @DefaultValue("false") boolean allowPrivateTargets,
        @DefaultValue("false") boolean allowInsecureSchemes, @DefaultValue("7d") Duration logRetention,
        @DefaultValue("0 23 * * * *") String cleanupCron, @DefaultValue Push push) {

    public DeliveryProperties {
        if (claimLimit < 1 || concurrency < 1 || maxBatchesPerClaim < 1) {
            throw new IllegalArgumentException("odomo.delivery claim-limit, concurrency and max-batches-per-claim"
                    + " must be at least 1");
        }
        if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("odomo.delivery.lease must be at least twice the timeout");
        }
    }

    /**
     * The push service (Firebase Cloud Messaging's HTTP v1 API, or anything that speaks it).
     *
     * @param endpoint   where messages are POSTed ({@code https://fcm.googleapis.com/v1/projects/<project>/messages:send})
     * @param credential the bearer token sent with them; empty: none
     */
    public record Push(@DefaultValue("https://fcm.googleapis.com/v1/projects/odomo/messages:send") URI endpoint,
            @DefaultValue("") String credential) {
    }
}
