package org.odomo.spec;

import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;

/**
 * The error body that every non-2xx answer of the APIs carries, as the published documentation
 * describes it: {@code {"code": 40499, "uuid": "...", "message": "...", "timestamp": "..."}},
 * all four members present, {@code code} the HTTP status followed by two digits, {@code uuid}
 * identifying the occurrence, {@code timestamp} an RFC 3339 date-time, served as JSON.
 */
public final class ApiErrorFormat {

    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
            .getSchema("""
                    {
                      "$schema": "https://json-schema.org/draft/2020-12/schema",
                      "type": "object",
                      "required": ["code", "uuid", "message", "timestamp"],
                      "properties": {
                        "code": {"type": "integer", "minimum": 10000, "maximum": 59999},
                        "uuid": {"type": "string", "format": "uuid"},
                        "message": {"type": "string", "minLength": 1},
                        "timestamp": {"type": "string", "format": "date-time"}
                      },
                      "additionalProperties": false
                    }""", InputFormat.JSON);

    private ApiErrorFormat() {
    }

    /** The problems of an error answer (empty when it is as documented). */
    public static List<String> validate(int status, String contentType, JsonNode body) {
        List<String> problems = new ArrayList<>();
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!mediaType.equals("application/json")) {
            problems.add("error answer served as '" + contentType + "', not application/json");
        }
        if (body == null) {
            problems.add("error answer without a JSON body");
            return problems;
        }
        for (Error e : SCHEMA.validate(body)) {
            problems.add("$" + e.getInstanceLocation().toString().replaceFirst("^\\$", "") + ": " + e.getMessage());
        }
        if (body.path("code").isIntegralNumber() && body.path("code").asInt() / 100 != status) {
            problems.add("code " + body.path("code").asInt() + " does not start with the status " + status);
        }
        return problems;
    }
}
