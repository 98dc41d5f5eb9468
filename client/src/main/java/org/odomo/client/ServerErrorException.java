package org.odomo.client;

import java.time.Instant;

/** 5xx: the server failed, or was too busy (503); worth trying again later. */
public class ServerErrorException extends OdomoApiException {

    private static final long serialVersionUID = 1L;

    public ServerErrorException(int status, Integer code, String uuid, String message, Instant timestamp,
            String oauthError) {
        super(status, code, uuid, message, timestamp, oauthError);
    }
}
