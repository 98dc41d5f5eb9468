package org.odomo.apps;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

/** A request to the operator API that cannot be honoured as given; the message says why. */
public class InvalidRequestException extends ApiException {

    public InvalidRequestException(String message) {
        super(ApiErrorCode.INVALID_PARAMETER, message);
    }
}
