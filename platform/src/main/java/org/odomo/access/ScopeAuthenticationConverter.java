package org.odomo.access;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * The authentication of a verified access token: its scopes as {@code SCOPE_...} authorities and
 * its subject as the name, as the default converter makes them, with the authorities worked out
 * once per token (the same token comes back on every call) and the token itself not copied.
 */
final class ScopeAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private static final int MAX_ENTRIES = 50_000;

    private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
    private final Map<String, Collection<GrantedAuthority>> authorities = new ConcurrentHashMap<>();

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Collection<GrantedAuthority> granted = authorities.get(jwt.getTokenValue());
        if (granted == null) {
            granted = scopes.convert(jwt);
            if (authorities.size() >= MAX_ENTRIES) {
                authorities.clear();
            }
            authorities.put(jwt.getTokenValue(), granted);
        }
        return new JwtAuthenticationToken(jwt, granted, jwt.getSubject());
    }
}
