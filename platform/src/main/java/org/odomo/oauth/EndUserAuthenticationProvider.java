package org.odomo.oauth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.vehicle.Brand;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Logs an end user into the realm of the login form. The resulting principal is named by the
 * account id, which is also the tokens' subject; its one authority names the realm.
 */
@Component
class EndUserAuthenticationProvider implements AuthenticationProvider {

    private final AccountManagement accounts;
    private final LoginThrottle throttle;

    EndUserAuthenticationProvider(AccountManagement accounts, LoginThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        var attributes = (ServletRequestAttributes) RequestContextHolder.getRequestAttributes();
        Optional<Brand> brand = attributes == null ? Optional.empty() : Realms.fromRequest(attributes.getRequest());
        if (brand.isEmpty()) {
            throw new BadCredentialsException("unknown realm");
        }
        String email = authentication.getName();
        String account = brand.get().realm() + "/" + email.trim().toLowerCase(java.util.Locale.ROOT);
        String source = SourceAddress.of(attributes.getRequest());
        Duration wait = throttle.wait(account, source);
        if (!wait.isZero()) {
            throw new ThrottledException(wait);
        }
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        Optional<Account> found = accounts.authenticate(brand.get(), email, password);
        if (found.isEmpty()) {
            throttle.failed(account, source);
            // The guess that reaches a limit is told so at once, not only the next one.
            wait = throttle.wait(account, source);
            throw wait.isZero() ? new BadCredentialsException("wrong e-mail or password") : new ThrottledException(wait);
        }
        throttle.succeeded(account, source);
        return authenticated(found.get());
    }

    /** A login refused before its password is checked, for a while. */
    static final class ThrottledException extends LockedException {
        private final Duration wait;

        ThrottledException(Duration wait) {
            super("too many failed attempts; try again later");
            this.wait = wait;
        }

        /** Whole seconds to wait, at least one. */
        long seconds() {
            return Math.max(1, (wait.toMillis() + 999) / 1000);
        }
    }

    /**
     * The login of an account, now, by its password. The password factor carries the time of the
     * login: it is the ID token's {@code auth_time}, and the token endpoint refuses to issue an ID
     * token without it.
     */
    static UsernamePasswordAuthenticationToken authenticated(Account account) {
        var realm = new SimpleGrantedAuthority(Realms.AUTHORITY_PREFIX + account.realm());
        List<GrantedAuthority> authorities = List.of(realm,
                FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY));
        User principal = new User(Long.toString(account.id()), "", List.of(realm));
        return UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
    }

    /** The realm an authenticated end user logged into. */
    static Optional<String> realmOf(Authentication authentication) {
        if (authentication == null) {
            return Optional.empty();
        }
        return authentication.getAuthorities().stream().map(a -> a.getAuthority())
                .filter(a -> a.startsWith(Realms.AUTHORITY_PREFIX))
                .map(a -> a.substring(Realms.AUTHORITY_PREFIX.length())).findFirst();
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
