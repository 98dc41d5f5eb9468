package org.odomo.oauth;

/**
 * An end user withdrew an app's access (its consent and every grant), from the account page.
 * Published inside the transaction that removes them: a listener that writes joins it.
 *
 * @param accountId the user's account
 * @param clientId  the app's client id
 */
public record AppAccessWithdrawn(long accountId, String clientId) {
}
