package org.odomo.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Where a module checks a password or client secret through the {@link CredentialGuard}. The
 * platform asks every checkpoint, before any other work is done for a request (Spring Security
 * included), which attempt the request makes; an attempt the guard would refuse is then answered
 * by the checkpoint's {@link #refuse}, after a delay that holds no request thread.
 */
public interface CredentialCheckpoint {

    /**
     * The attempt this request makes at this checkpoint: the same realm and principal its check
     * gives {@link CredentialGuard#begin}. Null when the request is not for this checkpoint or
     * presents no credentials to check; called for every request, so it must be cheap for those.
     */
    Attempt attempt(HttpServletRequest request);

    /** Answers a refused attempt exactly as the checkpoint's own check answers it. */
    void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException;

    /**
     * An attempt a request makes.
     *
     * @param secret     the secret presented
     * @param storedHash the stored hash the secret would be checked against, or null when there is
     *                   none (unknown principal); asked only for an attempt that would be refused,
     *                   to let a secret verified moments ago through as the check itself does
     */
    record Attempt(String realm, String principal, String secret, Supplier<String> storedHash) {
    }

    /** HTTP Basic credentials: the user (or client id) and the secret, as sent. */
    record Basic(String user, String secret) {
    }

    /**
     * The request's HTTP Basic credentials read as Spring Security reads them (base64 of UTF-8,
     * split at the first colon), or null when it has none or they cannot be read.
     */
    static Basic basic(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** The request's path within the application, as sent (not decoded). */
    static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context == null || context.isEmpty() ? uri : uri.substring(Math.min(context.length(), uri.length()));
    }
}
