package org.odomo.api;

import java.io.IOException;
import java.io.InputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON request body that an operation validates member by member itself: bounded in size
 * and nesting before anything is built, refusing a repeated member (which one would win is
 * parser-dependent, so two readers of one body could disagree) and trailing content. Every refusal
 * is a 400 in the API's error format.
 */
public final class JsonRequestBody {

    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private JsonRequestBody() {
    }

    /** Reads at most {@code maxBytes} of the body and parses it. */
    public static JsonNode read(InputStream body, int maxBytes) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw invalid("the request body could not be read");
        }
        if (bytes.length > maxBytes) {
            throw invalid("the request body is larger than " + maxBytes + " bytes");
        }
        if (bytes.length == 0) {
            throw invalid("a JSON request body is required");
        }
        try {
            return STRICT.readTree(bytes);
        } catch (JacksonException e) {
            throw invalid("the request body is not valid JSON (or is nested too deep, or repeats a member)");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(ApiErrorCode.INVALID_BODY, message);
    }
}
