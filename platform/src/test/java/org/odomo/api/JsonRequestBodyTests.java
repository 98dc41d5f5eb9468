package org.odomo.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class JsonRequestBodyTests {

    private static ByteArrayInputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(String text, int maxBytes, String message) {
        assertThatThrownBy(() -> JsonRequestBody.read(body(text), maxBytes)).isInstanceOfSatisfying(ApiException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ApiErrorCode.INVALID_BODY);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void aWellFormedBodyWithinTheLimitIsRead() {
        assertThat(JsonRequestBody.read(body("{\"label\": \"a\", \"n\": [1, 2]}"), 64).toString())
                .isEqualTo("{\"label\":\"a\",\"n\":[1,2]}");
    }

    @Test
    void aRepeatedMemberTrailingContentDeepNestingAnEmptyOrOversizedBodyAreRefused() {
        String notJson = "the request body is not valid JSON (or is nested too deep, or repeats a member)";
        refused("{\"label\": \"a\", \"label\": \"b\"}", 1024, notJson);
        refused("{\"label\": \"a\"} {\"label\": \"b\"}", 1024, notJson);
        refused("[".repeat(17) + "]".repeat(17), 1024, notJson);
        refused("{\"label\": ", 1024, notJson);
        refused("", 1024, "a JSON request body is required");
        refused("{\"label\": \"" + "x".repeat(100) + "\"}", 64, "the request body is larger than 64 bytes");
    }
}
