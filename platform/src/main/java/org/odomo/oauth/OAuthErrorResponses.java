package org.odomo.oauth;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.odomo.api.ApiError;
import org.odomo.api.ApiErrorCode;
import org.odomo.crypto.CredentialRefusedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The errors of the authorization server's JSON endpoints (token, introspection, revocation, and
 * their client authentication). OAuth 2.0 (RFC 6749, section 5.2) has clients read {@code error}
 * and {@code error_description}; the answer keeps them and adds the API's error members
 * ({@code code}, {@code uuid}, {@code message}, {@code timestamp}), so that every error of the
 * platform can be told apart and traced the same way. Statuses are those of Spring Authorization
 * Server: 401 for a client that failed to authenticate, 400 otherwise.
 */
final class OAuthErrorResponses implements AuthenticationFailureHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        if (exception instanceof GuardedClientSecretAuthentication.Refused refused) {
            refuse(response, refused.refusal());
            return;
        }
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
        int status = OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) ? 401
                : OAuth2ErrorCodes.SERVER_ERROR.equals(error.getErrorCode()) ? 500 : 400;
        write(response, error, status);
    }

    /** Writes the OAuth error members with the API error members beside them, with the given status. */
    void write(HttpServletResponse response, OAuth2Error error, int status) throws IOException {
        String message = error.getDescription() == null || error.getDescription().isBlank() ? error.getErrorCode()
                : error.getDescription();
        write(response, status, error, ApiError.ofStatus(status, message));
    }

    /**
     * A client authentication the credential guard refused: 429 when throttled, 503 when no
     * hashing slot freed, with Retry-After, as {@code temporarily_unavailable} (the error RFC 6749
     * defines for a server temporarily unable to handle a request).
     */
    static void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
        boolean throttled = refused.reason() == CredentialRefusedException.Reason.THROTTLED;
        if (!response.isCommitted()) {
            response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
        }
        write(response, throttled ? 429 : 503, new OAuth2Error("temporarily_unavailable", refused.getMessage(), null),
                ApiError.of(throttled ? ApiErrorCode.TOO_MANY_FAILED_ATTEMPTS : ApiErrorCode.UNAVAILABLE,
                        refused.getMessage()));
    }

    private static void write(HttpServletResponse response, int status, OAuth2Error error, ApiError api)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.getErrorCode());
        if (error.getDescription() != null) {
            body.put("error_description", error.getDescription());
        }
        if (error.getUri() != null) {
            body.put("error_uri", error.getUri());
        }
        body.put("code", api.code());
        body.put("uuid", api.uuid());
        body.put("message", api.message());
        body.put("timestamp", api.timestamp());
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        // Token answers are never cached (RFC 6749, section 5.1); nor are their errors.
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(JSON.writeValueAsString(body));
        response.getWriter().flush();
    }
}
