package org.odomo.demo;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Where the demo's backfill stands, in the database it fills (one row). */
@Component
class BackfillLedger {

    record Entry(Instant windowFrom, Instant reached, Instant finishedAt, long messages) {
        boolean finished() {
            return finishedAt != null;
        }
    }

    private final JdbcClient jdbc;

    BackfillLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Entry> find() {
        return jdbc.sql("SELECT window_from, reached, finished_at, messages FROM demo_backfill WHERE id = 1")
                .query((rs, n) -> new Entry(instant(rs.getObject(1, OffsetDateTime.class)),
                        instant(rs.getObject(2, OffsetDateTime.class)), instant(rs.getObject(3, OffsetDateTime.class)),
                        rs.getLong(4)))
                .optional();
    }

    void begin(Instant windowFrom) {
        jdbc.sql("INSERT INTO demo_backfill (id, window_from, reached, messages) VALUES (1, ?, ?, 0)")
                .params(odt(windowFrom), odt(windowFrom)).update();
    }

    void reached(Instant reached, long messages) {
        jdbc.sql("UPDATE demo_backfill SET reached = ?, messages = ? WHERE id = 1").params(odt(reached), messages)
                .update();
    }

    void finish(Instant reached, long messages, Instant at) {
        jdbc.sql("UPDATE demo_backfill SET reached = ?, messages = ?, finished_at = ? WHERE id = 1")
                .params(odt(reached), messages, odt(at)).update();
    }

    private static OffsetDateTime odt(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
