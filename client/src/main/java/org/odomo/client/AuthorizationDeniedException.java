package org.odomo.client;

/**
 * The authorization came back without a code: the user declined ({@code access_denied}), or the
 * request was refused ({@code invalid_scope}, ...).
 */
public class AuthorizationDeniedException extends OdomoClientException {

    private static final long serialVersionUID = 1L;

    private final String error;

    public AuthorizationDeniedException(String error, String description) {
        super(description == null || description.isBlank() ? "authorization refused: " + error
                : "authorization refused: " + error + " (" + description + ")");
        this.error = error;
    }

    /** The OAuth 2.0 error of the redirect, for example {@code access_denied}. */
    public String error() {
        return error;
    }
}
