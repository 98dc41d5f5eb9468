package org.odomo.client;

import java.time.Instant;

/** 400: The request was malformed (a bad parameter, a page token that is not the server's), or at the token endpoint a code or refresh token that is no longer valid (`invalid_grant`: the user must enroll again). */
public class BadRequestException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    public BadRequestException(Integer code, String uuid, String message, Instant timestamp, String oauthError) {
        super(400, code, uuid, message, timestamp, oauthError);
    }
}
