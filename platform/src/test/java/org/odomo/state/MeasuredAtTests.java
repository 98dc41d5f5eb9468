package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The fast reading of part times gives what {@link Instant#parse} gives, for every input. */
class MeasuredAtTests {

    @Test
    void readsTheCanonicalFormsAsInstantParseDoes() {
        for (String text : new String[] {"2026-11-22T08:15:00Z", "2026-11-22T08:15:00.5Z", "2026-11-22T08:15:00.123Z",
                "2026-11-22T08:15:00.123456789Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
            assertThat(MeasuredAt.parseCanonical(text)).as(text).isEqualTo(Instant.parse(text));
        }
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            assertThat(MeasuredAt.parseCanonical(t.toString())).isEqualTo(t);
        }
    }

    @Test
    void leavesEveryOtherFormToInstantParse() {
        for (String text : new String[] {"2026-11-22T08:15:00+01:00", "2026-11-22T08:15Z", "2026-11-22 08:15:00Z",
                "2026-11-22T08:15:00.Z", "2026-11-22T08:15:00.1234567890Z", "2026-11-22T08:15:60Z",
                "2026-02-29T08:15:00Z", "2026-13-22T08:15:00Z", "+12026-11-22T08:15:00Z", "2026-11-22T08:15:00z"}) {
            assertThat(MeasuredAt.parseCanonical(text)).as(text).isNull();
        }
        assertThat(MeasuredAt.parse("2026-11-22T09:15:00+01:00")).isEqualTo(Instant.parse("2026-11-22T08:15:00Z"));
        assertThatThrownBy(() -> MeasuredAt.parse("2026-02-29T08:15:00Z")).isInstanceOf(DateTimeException.class);
    }
}
