package org.odomo.apps;

/** A newly registered app with its client secret, which is shown this once and never stored. */
public record RegisteredApp(App app, String clientSecret) {
}
