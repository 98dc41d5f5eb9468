package org.odomo.client;

/**
 * Anything that went wrong in a call: the server's refusal ({@link OdomoApiException} and its
 * subclasses), a user who declined an authorization ({@link AuthorizationDeniedException}), or
 * the network.
 */
public class OdomoClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OdomoClientException(String message) {
        super(message);
    }

    public OdomoClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
