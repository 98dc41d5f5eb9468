package org.odomo.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The error body of every non-2xx answer of the APIs: {@code code} is the HTTP status followed by
 * two digits naming the error, {@code uuid} identifies this occurrence for support.
 */
public record ApiError(int code, String uuid, String message, String timestamp) {

    public static ApiError of(ApiErrorCode code, String message) {
        return new ApiError(code.code(), UUID.randomUUID().toString(), message, Instant.now().toString());
    }
}
