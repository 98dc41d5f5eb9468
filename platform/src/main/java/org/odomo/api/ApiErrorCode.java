package org.odomo.api;

/** The errors the APIs answer with; the code is the HTTP status followed by two digits. */
public enum ApiErrorCode {
    BAD_REQUEST(400, 0),
    INVALID_PARAMETER(400, 1),
    MISSING_PARAMETER(400, 2),
    INVALID_BODY(400, 3),
    UNAUTHENTICATED(401, 0),
    INVALID_TOKEN(401, 1),
    WRONG_CLIENT(401, 2),
    WRONG_REALM(401, 3),
    CLIENT_CERTIFICATE_MISSING(401, 4),
    CLIENT_CERTIFICATE_INVALID(401, 5),
    FORBIDDEN(403, 0),
    INSUFFICIENT_SCOPE(403, 1),
    NOT_YOUR_VEHICLE(403, 2),
    APP_SUSPENDED(403, 3),
    CLIENT_CERTIFICATE_MISMATCH(403, 4),
    NOT_FOUND(404, 0),
    NO_DATA(404, 99),
    METHOD_NOT_ALLOWED(405, 0),
    NOT_ACCEPTABLE(406, 0),
    CONFLICT(409, 0),
    UNSUPPORTED_MEDIA_TYPE(415, 0),
    DAY_LIMIT_EXCEEDED(429, 1),
    BURST_LIMIT_EXCEEDED(429, 2),
    TOO_MANY_FAILED_ATTEMPTS(429, 3),
    INTERNAL_ERROR(500, 0),
    UNAVAILABLE(503, 0);

    private final int status;
    private final int detail;

    ApiErrorCode(int status, int detail) {
        this.status = status;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public int code() {
        return status * 100 + detail;
    }

    /** The generic code for a status the framework produced on its own. */
    public static ApiErrorCode forStatus(int status) {
        for (ApiErrorCode c : values()) {
            if (c.status == status && c.detail == 0) {
                return c;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    }
}
