package org.odomo.oauth;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

/**
 * Token introspection for the app a token was issued to, and no other: an app that presents
 * another app's token learns only {@code {"active": false}}, as for a token that does not exist
 * (RFC 7662 §4: the server may tell a caller only about the tokens it is allowed to see).
 * Without this, any registered app could learn the subject, scopes and realm of any token.
 */
final class OwnTokensIntrospection implements AuthenticationProvider {

    private final AuthenticationProvider delegate;

    OwnTokensIntrospection(AuthenticationProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        Authentication result = delegate.authenticate(authentication);
        if (result instanceof OAuth2TokenIntrospectionAuthenticationToken introspection
                && introspection.getTokenClaims().isActive()
                && introspection.getPrincipal() instanceof OAuth2ClientAuthenticationToken caller
                && caller.getRegisteredClient() != null
                && !caller.getRegisteredClient().getClientId().equals(introspection.getTokenClaims().getClientId())) {
            return new OAuth2TokenIntrospectionAuthenticationToken(introspection.getToken(), caller,
                    OAuth2TokenIntrospection.builder().build());
        }
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }
}
