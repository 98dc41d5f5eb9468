package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Time ranges and page tokens out of what the server can hold or ever issued are the caller's
 * error (400, invalid parameter), never an overflow.
 */
class BoundsTests {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static void invalid(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ApiErrorCode.INVALID_PARAMETER));
    }

    @Test
    void timeRangesBeyondAnInstantOrFourDigitYearsAreInvalid() {
        for (String range : List.of("R99999999999/2020-01-01T00:00:00Z/P1D",
                "2020-01-01T00:00:00Z/P999999999Y999999999M999999999D",
                "R3/2020-01-01T00:00:00Z/P1D/P999999999Y999999999M999999999D",
                "2020-01-01T00:00:00Z/PT9223372036854775807S", "/+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z/P1D", "2020-01-01T00:00:00Z/P9000Y")) {
            invalid(() -> TimeRanges.parse(List.of(range), NOW));
        }
    }

    @Test
    void timeRangesWithinBoundsStillParse() {
        assertThat(TimeRanges.parse(List.of("2020-01-01T00:00:00Z/P1D"), NOW)).containsExactly(new TimeRanges.Range(
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-02T00:00:00Z")));
        assertThat(TimeRanges.parse(List.of("R2/2025-05-01T00:00:00Z/P7D/PT1H"), NOW)).containsExactly(
                new TimeRanges.Range(Instant.parse("2025-05-01T00:00:00Z"), Instant.parse("2025-05-01T01:00:00Z")),
                new TimeRanges.Range(Instant.parse("2025-05-08T00:00:00Z"), Instant.parse("2025-05-08T01:00:00Z")));
    }

    private static String token(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPageTokenPastTheEndWasNotIssuedByTheServer() {
        Paging forged = Paging.of(null, null, token("o:2147483647"), 60);
        invalid(() -> forged.page("client", "/user/vehicles", Map.of(), "vehicles", List.of(), 1));
        Paging pastEnd = Paging.of("10", null, token("o:10"), 60);
        invalid(() -> pastEnd.page("client", "/user/vehicles", Map.of(), "vehicles", List.of(), 10));
    }

    @Test
    void aLastPageHasNoNextLinkEvenNearTheIntegerLimit() {
        // Links are built from the request being answered.
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
        try {
            lastPages();
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    private static void lastPages() {
        // indexRange is the caller's own choice of offset: an empty page, with no wrapped "next".
        Paging far = Paging.of("60", "2147483647-", null, 60);
        var page = far.page("client", "/user/vehicles", Map.of(), "vehicles", List.of(), 1);
        assertThat(page.path("_links").has("next")).isFalse();
        assertThat(page.path("total").intValue()).isEqualTo(1);
        // A token the server issued for the second of two pages is still honoured.
        Paging second = Paging.of("10", null, Paging.token(10), 60);
        var last = second.page("client", "/user/vehicles", Map.of(), "vehicles", List.of(), 15);
        assertThat(last.path("currentPage").intValue()).isEqualTo(2);
        assertThat(last.path("totalPage").intValue()).isEqualTo(2);
        assertThat(last.path("_links").has("next")).isFalse();
    }
}
