package org.odomo.access;

import java.util.Optional;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import jakarta.servlet.http.HttpServletRequest;

/** Access to the checked caller of the current B2B request. */
public final class B2bCallers {

    static final String ATTRIBUTE = B2bCaller.class.getName();

    private B2bCallers() {
    }

    public static B2bCaller current() {
        return currentIfAny().orElseThrow(() -> new ApiException(ApiErrorCode.UNAUTHENTICATED,
                "partner credentials are required (HTTP Basic, client_id and a client certificate)"));
    }

    static Optional<B2bCaller> currentIfAny() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return of(attributes.getRequest());
        }
        return Optional.empty();
    }

    static Optional<B2bCaller> of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof B2bCaller caller ? Optional.of(caller) : Optional.empty();
    }
}
