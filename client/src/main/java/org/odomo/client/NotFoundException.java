package org.odomo.client;

import java.time.Instant;

/** 404: No such resource, or nothing the caller may see in it. */
public class NotFoundException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(Integer code, String uuid, String message, Instant timestamp, String oauthError) {
        super(404, code, uuid, message, timestamp, oauthError);
    }
}
