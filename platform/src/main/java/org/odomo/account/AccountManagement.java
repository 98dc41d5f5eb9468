package org.odomo.account;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.odomo.vehicle.Brand;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** End-user accounts per brand realm. Passwords are stored only as salted, slow hashes. */
@Service
public class AccountManagement {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PasswordEncoder passwords = org.odomo.crypto.Passwords.encoder();

    AccountManagement(JdbcClient jdbc, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Transactional
    public Account create(Brand brand, String email, String password, String firstName, String lastName) {
        checkNewAccount(email, password);
        String normalised = normalise(email);
        Instant now = clock.instant();
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        try {
            jdbc.sql("""
                    INSERT INTO app_user (realm, email, password_hash, first_name, last_name, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")
                    .params(brand.realm(), normalised, passwords.encode(password), firstName, lastName,
                            Timestamp.from(now), Timestamp.from(now))
                    .update(keys, "id");
        } catch (DuplicateKeyException e) {
            throw new AccountExistsException(brand, e);
        }
        return new Account(keys.getKey().longValue(), brand, normalised, firstName, lastName, now, now);
    }

    /**
     * Refuses what can never make an account, whoever holds the e-mail: checked before anything
     * that depends on whether an account exists, so that these answers tell nothing about it.
     */
    public void checkNewAccount(String email, String password) {
        String normalised = normalise(email);
        if (normalised.isEmpty() || !normalised.contains("@")) {
            throw new IllegalArgumentException("not an e-mail address: " + email);
        }
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("password must have at least 8 characters");
        }
    }

    /** The e-mail already has an account in the realm. Never shown to end users as such. */
    public static final class AccountExistsException extends IllegalStateException {
        AccountExistsException(Brand brand, Throwable cause) {
            super("an account already exists for this e-mail at " + brand.label(), cause);
        }
    }

    public Optional<Account> find(long id) {
        return jdbc.sql("SELECT * FROM app_user WHERE id = ?").param(id).query(AccountManagement::map).optional();
    }

    public Optional<Account> findByEmail(Brand brand, String email) {
        return jdbc.sql("SELECT * FROM app_user WHERE realm = ? AND email = ?")
                .params(brand.realm(), normalise(email)).query(AccountManagement::map).optional();
    }

    /** The account if the password is right; the same empty answer for unknown e-mail and wrong password. */
    public Optional<Account> authenticate(Brand brand, String email, String password) {
        record Row(Account account, String hash) {
        }
        Optional<Row> row = jdbc.sql("SELECT * FROM app_user WHERE realm = ? AND email = ?")
                .params(brand.realm(), normalise(email))
                .query((rs, n) -> new Row(map(rs, n), rs.getString("password_hash"))).optional();
        if (row.isEmpty()) {
            passwords.matches(password, DummyHash.VALUE); // same cost as a real check: no account enumeration by timing
            return Optional.empty();
        }
        return passwords.matches(password, row.get().hash()) ? Optional.of(row.get().account()) : Optional.empty();
    }

    /**
     * Hashed on the first sign-in with an unknown e-mail rather than at start (class initialisation
     * on first use), since an Argon2 hash is a good part of a second of a start on a small machine.
     */
    private static final class DummyHash {
        static final String VALUE = org.odomo.crypto.Passwords.encoder().encode("no such account");
    }

    private static String normalise(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }

    private static Account map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Account(rs.getLong("id"), Brand.ofRealm(rs.getString("realm")).orElseThrow(),
                rs.getString("email"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
