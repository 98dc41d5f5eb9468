package org.odomo.spec;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** One API exchange held against the published operation, the way the API tests check every call. */
public final class Exchanges {

    private Exchanges() {
    }

    /**
     * What is wrong with an exchange: the request body (when given), the answer against the operation's responses, and an error answer against the
     * API's error format.
     *
     * @param request     the body sent, or null to leave it unchecked (a call meant to fail)
     * @param status      the status answered
     * @param contentType the answer's {@code Content-Type}, or null
     * @param answer      the answer's body, or null when there was none (204)
     */
    public static List<String> problems(OpenApiSpec spec, OpenApiSpec.Operation op, JsonNode request, int status,
            String contentType, JsonNode answer) {
        List<String> problems = new ArrayList<>();
        if (request != null) {
            problems.addAll(spec.validateRequest(op, request, true));
        }
        if (answer != null) {
            problems.addAll(spec.validateResponse(op, status, contentType, answer, true));
            if (status >= 400) {
                problems.addAll(ApiErrorFormat.validate(status, contentType, answer));
            }
        }
        return problems;
    }
}
