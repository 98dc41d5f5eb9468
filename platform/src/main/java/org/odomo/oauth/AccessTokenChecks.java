package org.odomo.oauth;

/** What the resource server asks the authorization server about a presented access token. */
public interface AccessTokenChecks {

    /** Issued here, and neither revoked nor expired (answers may be a few seconds old on other nodes). */
    boolean isActive(String accessTokenValue);
}
