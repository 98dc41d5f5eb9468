package org.odomo.client;

import java.time.Instant;

/** 403: The user did not grant a scope the operation needs, or the vehicle is not theirs. */
public class ForbiddenException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(Integer code, String uuid, String message, Instant timestamp, String oauthError) {
        super(403, code, uuid, message, timestamp, oauthError);
    }
}
