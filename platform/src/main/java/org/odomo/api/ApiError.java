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

    /**
     * The error for a status the framework or the servlet container chose on its own: the code
     * of {@link ApiErrorCode} for that status, or the status followed by 00 when the API names no
     * error for it (413, 414, 431...), so that the code always starts with the status sent.
     */
    public static ApiError ofStatus(int status, String message) {
        ApiErrorCode known = ApiErrorCode.forStatus(status);
        int code = known.status() == status ? known.code() : status * 100;
        return new ApiError(code, UUID.randomUUID().toString(), message, Instant.now().toString());
    }
}
