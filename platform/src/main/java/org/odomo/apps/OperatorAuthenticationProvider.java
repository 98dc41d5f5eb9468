package org.odomo.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Supplier;

import org.odomo.crypto.CredentialGuard;
import org.odomo.crypto.CredentialRefusedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.util.function.SingletonSupplier;

/**
 * Checks the operator's HTTP Basic credentials: the name exactly as configured (case and length
 * included), compared in constant time, and the password against its hash, through the
 * {@link CredentialGuard} so that wrong guesses are throttled before they are hashed. A wrong name
 * still costs a hash, like a wrong password, so that timing does not tell which one was wrong.
 */
final class OperatorAuthenticationProvider implements AuthenticationProvider {

    static final String REALM = "operator";

    private final byte[] usernameDigest;
    /**
     * Hashed on the first sign-in rather than at start: an Argon2 hash is a good part of a second
     * of a start on a small machine, and the operator signs in long after it, if at all.
     */
    private final Supplier<String> passwordHash;
    private final CredentialGuard guard;

    OperatorAuthenticationProvider(String username, Supplier<String> passwordHash, CredentialGuard guard) {
        this.usernameDigest = sha256(username);
        this.passwordHash = SingletonSupplier.of(passwordHash);
        this.guard = guard;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String name = authentication.getName();
        Object credentials = authentication.getCredentials();
        String source = authentication.getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : null;
        // Digests have one length whatever the names' lengths, so the comparison time tells nothing.
        boolean nameMatches = MessageDigest.isEqual(usernameDigest, sha256(name));
        if (nameMatches && credentials != null && guard.recentlyVerified(credentials.toString(), passwordHash.get())) {
            return operator(name);
        }
        CredentialGuard.Attempt attempt = guard.begin(REALM, name, source);
        boolean passwordMatches;
        try {
            passwordMatches = credentials != null && guard.encoder().matches(credentials.toString(), passwordHash.get());
        } catch (CredentialRefusedException busy) {
            attempt.notChecked();
            throw busy;
        }
        if (!(nameMatches & passwordMatches)) {
            throw new BadCredentialsException("bad operator credentials");
        }
        attempt.succeeded();
        return operator(name);
    }

    /** The hash a password presented with this name is checked against: null for a wrong name. */
    String storedHashFor(String name) {
        return MessageDigest.isEqual(usernameDigest, sha256(name)) ? passwordHash.get() : null;
    }

    private static Authentication operator(String name) {
        return UsernamePasswordAuthenticationToken.authenticated(name, null,
                List.of(new SimpleGrantedAuthority("ROLE_OPERATOR")));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest((value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
