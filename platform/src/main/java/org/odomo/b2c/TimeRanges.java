package org.odomo.b2c;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;

/**
 * The {@code timestamps} query parameter: up to ten time ranges, each {@code T1/T2}, {@code T/D},
 * {@code T/} (until now), {@code /T} (since the beginning), or a repetition {@code Rn/T/D[/d]}
 * (n ranges of length d, default 24 h, every D from T; {@code R/T/D[/d]} repeats until now).
 * Times are RFC 3339, durations ISO 8601.
 */
public final class TimeRanges {

    /** A half-open interval [from, to). */
    public record Range(Instant from, Instant to) {
        public boolean contains(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    private static final Pattern REPEAT = Pattern.compile("R(\\d*)/([^/]+)/([^/]+)(?:/([^/]+))?");
    private static final int MAX_REPETITIONS = 1000;
    /** RFC 3339 years have four digits: no time of a range lies outside them. */
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private TimeRanges() {
    }

    /** All time when the parameter is absent. */
    public static List<Range> parse(List<String> values, Instant now) {
        if (values == null || values.isEmpty()) {
            return List.of(new Range(Instant.EPOCH, now.plusSeconds(1)));
        }
        List<String> items = new ArrayList<>();
        for (String value : values) {
            // Clients send the array either repeated or comma-separated.
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        }
        if (items.isEmpty() || items.size() > 10) {
            throw bad("timestamps takes 1 to 10 ranges");
        }
        List<Range> ranges = new ArrayList<>();
        for (String item : items) {
            ranges.addAll(parseOne(item, now));
        }
        return ranges;
    }

    private static List<Range> parseOne(String item, Instant now) {
        try {
            List<Range> ranges = parseBounded(item, now);
            for (Range r : ranges) {
                if (r.from().isBefore(EARLIEST) || r.to().isAfter(LATEST)) {
                    throw bad("a time range must lie within the years 0000 to 9999: " + item);
                }
            }
            return ranges;
        } catch (DateTimeException | ArithmeticException e) {
            // A duration or repetition that takes a time beyond what an instant holds.
            throw bad("a time range must lie within the years 0000 to 9999: " + item);
        }
    }

    private static List<Range> parseBounded(String item, Instant now) {
        Matcher repeat = REPEAT.matcher(item);
        if (repeat.matches()) {
            Instant start = time(repeat.group(2));
            Duration every = duration(repeat.group(3));
            Duration length = repeat.group(4) == null ? Duration.ofHours(24) : duration(repeat.group(4));
            if (every.isZero() || every.isNegative() || length.isNegative()) {
                throw bad("repetition period and length must be positive: " + item);
            }
            String count = repeat.group(1);
            // More digits than the limit has cannot be a count within it (and may not fit an int).
            int n = count.isEmpty() ? MAX_REPETITIONS
                    : count.length() > 4 ? MAX_REPETITIONS + 1 : Integer.parseInt(count);
            if (n < 1 || n > MAX_REPETITIONS) {
                throw bad("a range repeats 1 to " + MAX_REPETITIONS + " times: " + item);
            }
            List<Range> ranges = new ArrayList<>();
            Instant from = start;
            for (int i = 0; i < n && from.isBefore(now); i++) {
                ranges.add(new Range(from, from.plus(length)));
                from = from.plus(every);
            }
            return ranges;
        }
        int slash = item.indexOf('/');
        if (slash < 0 || item.indexOf('/', slash + 1) >= 0) {
            throw bad("a time range is T1/T2, T/D, T/ or /T: " + item);
        }
        String left = item.substring(0, slash);
        String right = item.substring(slash + 1);
        if (left.isEmpty() && right.isEmpty()) {
            throw bad("a time range needs at least one end: " + item);
        }
        Instant from = left.isEmpty() ? Instant.EPOCH : time(left);
        Instant to;
        if (right.isEmpty()) {
            to = now.plusSeconds(1);
        } else if (right.startsWith("P")) {
            to = from.plus(duration(right));
        } else {
            to = time(right);
        }
        if (to.isBefore(from)) {
            throw bad("a time range ends before it starts: " + item);
        }
        return List.of(new Range(from, to));
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw bad("not an RFC 3339 time: " + text);
        }
    }

    /** ISO 8601 durations, with calendar parts (P1Y2M3D) taken as whole days. */
    static Duration duration(String text) {
        try {
            int t = text.indexOf('T');
            Duration time = t < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(t));
            String datePart = t < 0 ? text : text.substring(0, t);
            Period period = datePart.equals("P") ? Period.ZERO : Period.parse(datePart);
            long days = period.getYears() * 365L + period.getMonths() * 30L + period.getDays();
            return time.plusDays(days);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw bad("not an ISO 8601 duration: " + text);
        }
    }

    private static ApiException bad(String message) {
        return new ApiException(ApiErrorCode.INVALID_PARAMETER, message);
    }
}
