package org.odomo.access;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

/** Access to the checked caller of the current B2C request. */
public final class Callers {

    private Callers() {
    }

    public static B2cCaller current() {
        return ApiSecurityConfiguration.currentCaller()
                .orElseThrow(() -> new ApiException(ApiErrorCode.UNAUTHENTICATED, "a bearer access token is required"));
    }
}
