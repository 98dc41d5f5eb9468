package org.odomo.apps;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

public class UnknownPartnerException extends ApiException {

    public UnknownPartnerException(String id) {
        super(ApiErrorCode.NOT_FOUND, "no partner " + id);
    }
}
