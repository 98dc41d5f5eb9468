package org.odomo.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A weekly program (charging or preconditioning) packed in one {@code long}, so that a twin keeps
 * its programs in primitive fields (saved in snapshots like the rest of its state, no object per
 * program). 0 is "no program". Times are minutes after local midnight; days a mask, Monday first.
 */
final class Program {

    static final long NONE = 0;

    private static final long PRESENT = 1;
    private static final long ENABLED = 1 << 1;
    private static final long ONCE = 1 << 2;
    private static final long UNTIL_FULL = 1 << 3;
    private static final long HAS_END = 1 << 4;
    private static final int DAYS_SHIFT = 8;
    private static final int START_SHIFT = 16;
    private static final int END_SHIFT = 32;
    private static final long MINUTES = 0x7FF;
    private static final int ALL_DAYS = 0x7F;
    static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    /** Returned by {@link #parse} for a program that cannot be understood. */
    static final long INVALID = -1;

    private Program() {
    }

    /**
     * A program of the API's remote bodies ({@code start}, optional {@code end}, {@code enabled},
     * {@code recurrence}, {@code occurence.day}, {@code chargeUntilFull}). No days means every day;
     * no {@code enabled} means enabled.
     */
    static long parse(JsonNode p) {
        if (!p.isObject()) {
            return INVALID;
        }
        int start = minutes(p.get("start"));
        if (start < 0) {
            return INVALID;
        }
        long bits = PRESENT | (long) start << START_SHIFT;
        JsonNode end = p.get("end");
        if (end != null) {
            int e = minutes(end);
            if (e < 0) {
                return INVALID;
            }
            bits |= HAS_END | (long) e << END_SHIFT;
        }
        JsonNode enabled = p.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            return INVALID;
        }
        bits |= enabled == null || enabled.booleanValue() ? ENABLED : 0;
        JsonNode recurrence = p.get("recurrence");
        if (recurrence != null) {
            String r = recurrence.isString() ? recurrence.stringValue() : "";
            if (r.equals("None")) {
                bits |= ONCE;
            } else if (!r.equals("Daily")) {
                return INVALID;
            }
        }
        JsonNode untilFull = p.get("chargeUntilFull");
        if (untilFull != null && !untilFull.isBoolean()) {
            return INVALID;
        }
        bits |= untilFull != null && untilFull.booleanValue() ? UNTIL_FULL : 0;
        int days = 0;
        JsonNode occurence = p.get("occurence");
        if (occurence != null) {
            JsonNode list = occurence.path("day");
            if (!list.isArray()) {
                return INVALID;
            }
            for (JsonNode d : list) {
                int i = d.isString() ? indexOf(d.stringValue()) : -1;
                if (i < 0) {
                    return INVALID;
                }
                days |= 1 << i;
            }
        }
        return bits | (long) (days == 0 ? ALL_DAYS : days) << DAYS_SHIFT;
    }

    private static int indexOf(String day) {
        for (int i = 0; i < DAYS.length; i++) {
            if (DAYS[i].equals(day)) {
                return i;
            }
        }
        return -1;
    }

    /** An ISO 8601 duration after midnight, under a day, in whole minutes; -1 when it is not one. */
    private static int minutes(JsonNode v) {
        if (v == null || !v.isString()) {
            return -1;
        }
        try {
            long s = Duration.parse(v.stringValue()).getSeconds();
            return s < 0 || s >= 86400 ? -1 : (int) (s / 60);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    static boolean enabled(long p) {
        return (p & (PRESENT | ENABLED)) == (PRESENT | ENABLED);
    }

    static boolean once(long p) {
        return (p & ONCE) != 0;
    }

    static boolean untilFull(long p) {
        return (p & UNTIL_FULL) != 0;
    }

    static boolean hasEnd(long p) {
        return (p & HAS_END) != 0;
    }

    static long disabled(long p) {
        return p & ~ENABLED;
    }

    static int start(long p) {
        return (int) (p >>> START_SHIFT & MINUTES);
    }

    static int end(long p) {
        return (int) (p >>> END_SHIFT & MINUTES);
    }

    private static int days(long p) {
        return (int) (p >>> DAYS_SHIFT & ALL_DAYS);
    }

    /** Monday 0 … Sunday 6 of a local day number (1970-01-01 was a Thursday). */
    private static int weekday(long localDay) {
        return (int) Math.floorMod(localDay + 3, 7L);
    }

    /** The next start strictly after {@code after}, with the given UTC offset; never when disabled. */
    static long nextStart(long p, long after, int offset) {
        if (!enabled(p)) {
            return Twin.NEVER;
        }
        long day = Math.floorDiv(after + offset, 86400L);
        for (long d = day; d <= day + 7; d++) {
            long at = d * 86400 + start(p) * 60L - offset;
            if (at > after && (days(p) & 1 << weekday(d)) != 0) {
                return at;
            }
        }
        return Twin.NEVER;
    }

    /** Whether the program starts at {@code at}, to the minute. */
    static boolean startsAt(long p, long at, int offset) {
        long local = at + offset;
        long day = Math.floorDiv(local, 86400L);
        return enabled(p) && (local - day * 86400) / 60 == start(p) && (days(p) & 1 << weekday(day)) != 0;
    }

    /** When a program that started at {@code at} ends: its end time, the next day if it is not later. */
    static long endAfter(long p, long at, int offset) {
        long local = at + offset;
        long day = Math.floorDiv(local, 86400L);
        long end = day * 86400 + end(p) * 60L - offset;
        return end > at ? end : end + 86400;
    }

    /** The program in the shape of the API's status objects. */
    static void write(ObjectNode o, long p, int slot, boolean charging) {
        if (slot > 0) {
            o.put("slot", slot);
        }
        o.put("enabled", enabled(p));
        if (!charging) {
            o.put("recurrence", once(p) ? "None" : "Daily");
        }
        o.put("start", Samples.duration(start(p) * 60L));
        if (hasEnd(p)) {
            o.put("end", Samples.duration(end(p) * 60L));
        }
        if (charging) {
            o.put("chargeUntilFull", untilFull(p));
        }
        ArrayNode day = o.putObject("occurence").putArray("day");
        for (int i = 0; i < DAYS.length; i++) {
            if ((days(p) & 1 << i) != 0) {
                day.add(DAYS[i]);
            }
        }
    }
}
