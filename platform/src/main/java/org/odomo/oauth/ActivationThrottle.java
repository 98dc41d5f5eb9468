package org.odomo.oauth;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Slows activation-code guessing at sign-up: per VIN (guesses from many sources; softer, since a
 * VIN can be read through a windscreen and its owner must still get in) and per source address.
 * A failure is any sign-up refused for its VIN, code, e-mail and password together. In memory,
 * per node.
 */
@Component
class ActivationThrottle {

    private final Backoff perVin;
    private final Backoff perSource;

    ActivationThrottle(ThrottleProperties settings, Optional<Clock> clock) {
        Clock time = clock.orElse(Clock.systemUTC());
        this.perVin = new Backoff(settings.activationPerVin(), settings.window(), settings.maxEntries(), time);
        this.perSource = new Backoff(settings.activationPerSource(), settings.window(), settings.maxEntries(), time);
    }

    Duration wait(String vin, String source) {
        return LoginThrottle.longest(perVin.wait(key(vin)), perSource.wait(source));
    }

    void failed(String vin, String source) {
        perVin.failed(key(vin));
        perSource.failed(source);
    }

    void succeeded(String vin) {
        perVin.reset(key(vin));
    }

    private static String key(String vin) {
        return vin == null ? "" : vin.trim().toUpperCase(Locale.ROOT);
    }
}
