package org.odomo.callback;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the B2C callbacks.
 *
 * @param localTargets  which targets on this machine are accepted: {@code none} (production: only
 *                      {@code https}/{@code wss} to public hosts) or {@code loopback} (also
 *                      {@code http}/{@code ws} and {@code https}/{@code wss} to {@code localhost} and
 *                      loopback addresses, so that a developer can receive on their own machine; the
 *                      default of the embedded profile). Only the written target is checked here; the
 *                      delivery engine checks the resolved address again when it connects.
 * @param maxPerUserApp the most callbacks one user may have through one app; creating one more is
 *                      refused (403)
 */
@ConfigurationProperties("odomo.callbacks")
record CallbackProperties(LocalTargets localTargets, Integer maxPerUserApp) {

    /** Whether targets on this machine are accepted. */
    enum LocalTargets {
        /** Only public targets over TLS. */
        NONE,
        /** Also loopback targets, with or without TLS. */
        LOOPBACK
    }

    CallbackProperties {
        localTargets = localTargets == null ? LocalTargets.NONE : localTargets;
        maxPerUserApp = maxPerUserApp == null ? 100 : maxPerUserApp;
        if (maxPerUserApp < 1) {
            throw new IllegalArgumentException("odomo.callbacks.max-per-user-app must be at least 1");
        }
    }
}
