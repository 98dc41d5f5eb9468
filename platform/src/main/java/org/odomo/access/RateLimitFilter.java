package org.odomo.access;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Applies the app's plan to every B2C call once the caller is checked: the limit headers go on
 * every answer, and a call past a limit is refused with 429 and the time to wait.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    static final String DAY_LIMIT = "X-RateLimit-Limit-1";
    static final String DAY_REMAINING = "X-RateLimit-Remaining-1";
    static final String BURST_LIMIT = "X-RateLimit-Limit-2";
    static final String BURST_REMAINING = "X-RateLimit-Remaining-2";
    static final String RESET = "X-RateLimit-Reset";
    static final String RETRY_AFTER = "Retry-After";

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;
    /** The checked caller's client id (an app's or a partner's), empty when the request has none. */
    private final Function<HttpServletRequest, Optional<String>> clientIdOf;

    RateLimitFilter(RateLimiter limiter) {
        this(limiter, request -> ApiSecurityConfiguration.currentCaller(request).map(B2cCaller::clientId));
    }

    RateLimitFilter(RateLimiter limiter, Function<HttpServletRequest, Optional<String>> clientIdOf) {
        this.limiter = limiter;
        this.clientIdOf = clientIdOf;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> caller = clientIdOf.apply(request);
        if (caller.isEmpty()) {
            // not authenticated: the authorization filter refuses it, uncounted
            chain.doFilter(request, response);
            return;
        }
        RateLimiter.Decision decision;
        try {
            decision = limiter.tryAcquire(caller.get());
        } catch (DataAccessException e) {
            log.error("cannot check the rate limits of {}", caller.get(), e);
            ApiErrorWriter.write(response, ApiErrorCode.UNAVAILABLE, "service temporarily unavailable");
            return;
        }
        response.setHeader(DAY_LIMIT, Long.toString(decision.dayLimit()));
        response.setHeader(DAY_REMAINING, Long.toString(decision.dayRemaining()));
        response.setHeader(BURST_LIMIT, Long.toString(decision.burstLimit()));
        response.setHeader(BURST_REMAINING, Long.toString(decision.burstRemaining()));
        if (decision.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        String retry = Long.toString(decision.retryAfterSeconds());
        response.setHeader(RESET, retry);
        response.setHeader(RETRY_AFTER, retry);
        if (decision.exceeded() == RateLimiter.Limit.DAY) {
            ApiErrorWriter.write(response, ApiErrorCode.DAY_LIMIT_EXCEEDED,
                    "day limit of " + decision.dayLimit() + " calls in 24 hours reached; retry in " + retry + " s");
        } else {
            ApiErrorWriter.write(response, ApiErrorCode.BURST_LIMIT_EXCEEDED,
                    "burst limit of " + decision.burstLimit() + " calls per second reached; retry in " + retry + " s");
        }
    }
}
