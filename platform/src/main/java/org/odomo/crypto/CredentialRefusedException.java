package org.odomo.crypto;

import org.springframework.security.core.AuthenticationException;

/**
 * A credential check that was not made: too many failed attempts from the caller's address or
 * against the principal ({@link Reason#THROTTLED}, answered 429), or every hashing slot busy
 * for longer than the platform lets a caller wait ({@link Reason#BUSY}, answered 503). Either
 * way the caller is told when to retry.
 */
public class CredentialRefusedException extends AuthenticationException {

    /** Why the check was refused. */
    public enum Reason {
        THROTTLED, BUSY
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public CredentialRefusedException(Reason reason, long retryAfterSeconds) {
        super(reason == Reason.THROTTLED
                ? "too many failed authentication attempts; retry in " + retryAfterSeconds + " s"
                : "too many credential checks in progress; retry in " + retryAfterSeconds + " s");
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** Whole seconds to wait, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
