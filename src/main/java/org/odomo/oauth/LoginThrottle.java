package org.odomo.oauth;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Slows password guessing: five failures within fifteen minutes lock the account's login for
 * fifteen minutes. Kept in the database so every node enforces the same count.
 */
@Component
class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCK = Duration.ofMinutes(15);

    private final JdbcClient jdbc;

    LoginThrottle(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean isLocked(String key) {
        return jdbc.sql("SELECT locked_until FROM login_throttle WHERE throttle_key = ?").param(key)
                .query(OffsetDateTime.class).optional()
                .map(until -> until != null && until.toInstant().isAfter(Instant.now())).orElse(false);
    }

    /** Records a failure; returns true when it locks the account. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    boolean failed(String key) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("INSERT INTO login_throttle (throttle_key, failures, window_start) VALUES (?, 0, ?) ON CONFLICT DO NOTHING")
                .params(key, now).update();
        jdbc.sql("""
                UPDATE login_throttle SET failures = CASE WHEN window_start < ? THEN 1 ELSE failures + 1 END,
                    window_start = CASE WHEN window_start < ? THEN ? ELSE window_start END
                WHERE throttle_key = ?""")
                .params(now.minus(WINDOW), now.minus(WINDOW), now, key).update();
        int failures = jdbc.sql("SELECT failures FROM login_throttle WHERE throttle_key = ?").param(key)
                .query(Integer.class).single();
        if (failures >= MAX_FAILURES) {
            jdbc.sql("UPDATE login_throttle SET locked_until = ?, failures = 0, window_start = ? WHERE throttle_key = ?")
                    .params(now.plus(LOCK), now, key).update();
            return true;
        }
        return false;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void succeeded(String key) {
        jdbc.sql("DELETE FROM login_throttle WHERE throttle_key = ?").param(key).update();
    }
}
