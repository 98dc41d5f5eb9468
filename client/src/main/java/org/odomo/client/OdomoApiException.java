package org.odomo.client;

import java.time.Instant;

/**
 * An error answer of the platform, with the members of its error body: {@code code} (the HTTP
 * status followed by two digits, for example 40301 for a missing scope), {@code uuid} (quote it
 * to the operator), {@code message} and {@code timestamp}. The token endpoint adds OAuth 2.0's
 * {@code error} (for example {@code invalid_grant}).
 *
 * <p>Thrown as the subclass of its status: {@link BadRequestException} (400),
 * {@link UnauthorizedException} (401), {@link ForbiddenException} (403),
 * {@link NotFoundException} (404), {@link RateLimitedException} (429),
 * {@link ServerErrorException} (5xx), and this class for any other status.
 */
public class OdomoApiException extends OdomoClientException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final Integer code;
    private final String uuid;
    private final String serverMessage;
    private final Instant timestamp;
    private final String oauthError;

    public OdomoApiException(int status, Integer code, String uuid, String message, Instant timestamp,
            String oauthError) {
        super(describe(status, code, uuid, message, oauthError));
        this.status = status;
        this.code = code;
        this.uuid = uuid;
        this.serverMessage = message;
        this.timestamp = timestamp;
        this.oauthError = oauthError;
    }

    private static String describe(int status, Integer code, String uuid, String message, String oauthError) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (code != null) {
            text.append(", code ").append(code);
        }
        if (oauthError != null) {
            text.append(", ").append(oauthError);
        }
        if (message != null) {
            text.append(": ").append(message);
        }
        if (uuid != null) {
            text.append(" (uuid ").append(uuid).append(')');
        }
        return text.toString();
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code of the body (status and two digits); null when the body had none. */
    public Integer code() {
        return code;
    }

    /** The identifier of this occurrence on the server; null when the body had none. */
    public String uuid() {
        return uuid;
    }

    /** The server's message; null when the body had none. */
    public String serverMessage() {
        return serverMessage;
    }

    /** When the server answered; null when the body had none. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The OAuth 2.0 {@code error} of the token and revocation endpoints; null elsewhere. */
    public String oauthError() {
        return oauthError;
    }
}
