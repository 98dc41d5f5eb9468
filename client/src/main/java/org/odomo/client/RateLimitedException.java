package org.odomo.client;

import java.time.Duration;
import java.time.Instant;

/**
 * 429: the app's plan allows no more calls for now (code 42901 for the day limit, 42902 for the
 * burst limit per second), or too many failed client authentications (42903). A refused call
 * counts for nothing; the same call may be made again after {@link #retryAfter()}.
 */
public class RateLimitedException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public RateLimitedException(Integer code, String uuid, String message, Instant timestamp, String oauthError,
            Duration retryAfter) {
        super(429, code, uuid, message, timestamp, oauthError);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before calling again, from the {@code Retry-After} header; null without one. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
