package org.odomo.crypto;

import java.util.Map;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The one password hashing policy of the platform, for user passwords, app client secrets and
 * vehicle activation codes: Argon2id (salted, memory-hard), with the algorithm named in each
 * stored hash so that older bcrypt hashes still verify and the policy can move on later.
 */
public final class Passwords {

    private static final PasswordEncoder ENCODER;

    static {
        DelegatingPasswordEncoder delegating = new DelegatingPasswordEncoder("argon2",
                Map.of("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                        "bcrypt", new BCryptPasswordEncoder()));
        ENCODER = delegating;
    }

    private Passwords() {
    }

    public static PasswordEncoder encoder() {
        return ENCODER;
    }
}
