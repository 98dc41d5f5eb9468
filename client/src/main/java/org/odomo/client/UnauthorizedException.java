package org.odomo.client;

import java.time.Instant;

/** 401: The access token is missing, invalid, expired or revoked, or does not belong to this app or realm; at the token endpoint, wrong client credentials. */
public class UnauthorizedException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    public UnauthorizedException(Integer code, String uuid, String message, Instant timestamp, String oauthError) {
        super(401, code, uuid, message, timestamp, oauthError);
    }
}
