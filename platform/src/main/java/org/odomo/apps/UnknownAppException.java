package org.odomo.apps;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

public class UnknownAppException extends ApiException {

    public UnknownAppException(String id) {
        super(ApiErrorCode.NOT_FOUND, "no app " + id);
    }
}
