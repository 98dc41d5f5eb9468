package org.odomo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The validator against api-b2c.yaml itself: it must reject what the schema forbids, where a
 * lenient reading would let it pass. The bodies are written from the published schemas.
 */
@PublishedSpecs
class OpenApiSpecTests {

    static final OpenApiSpec SPEC = new OpenApiSpec("api-b2c.yaml", "/connectedcar/v4");
    final JsonMapper json = JsonMapper.builder().build();

    static final String MAINTENANCE_OK = """
            {"_links": {"self": {"href": "https://api.example.com/connectedcar/v4/user/vehicles/abc/maintenance"}},
             "createdAt": "2024-05-01T10:00:00Z", "updatedAt": "2024-05-01T10:00:00Z",
             "daysBeforeMaintenance": 120, "mileageBeforeMaintenance": 8000}""";

    private List<String> validate(String path, int status, String contentType, String body) {
        OpenApiSpec.Operation op = SPEC.match("get", path).orElseThrow();
        JsonNode node = json.readTree(body);
        return SPEC.validateResponse(op, status, contentType, node, true);
    }

    @Test
    void aBodyAsPublishedPasses() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "application/hal+json", MAINTENANCE_OK)).isEmpty();
    }

    @Test
    void nullIsRejected() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "application/hal+json",
                MAINTENANCE_OK.replace("120", "null"))).isNotEmpty();
    }

    @Test
    void anUndeclaredMemberIsRejectedInStrictMode() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "application/hal+json",
                MAINTENANCE_OK.replace("\"daysBeforeMaintenance\"", "\"daysBeforeService\""))).isNotEmpty();
    }

    @Test
    void aMissingRequiredMemberIsRejected() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "application/hal+json",
                MAINTENANCE_OK.replace("\"createdAt\": \"2024-05-01T10:00:00Z\",", ""))).isNotEmpty();
    }

    @Test
    void aBadDateTimeIsRejected() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "application/hal+json",
                MAINTENANCE_OK.replace("\"createdAt\": \"2024-05-01T10:00:00Z\"", "\"createdAt\": \"yesterday\"")))
                .isNotEmpty();
    }

    @Test
    void anUndocumentedMediaTypeIsRejected() {
        assertThat(validate("/user/vehicles/abc/maintenance", 200, "text/plain", MAINTENANCE_OK)).isNotEmpty();
    }

    @Test
    void errorBodiesFollowTheDocumentedFormat() {
        String ok = """
                {"code": 40400, "uuid": "0b6c5c8e-7c1e-4e43-9a8e-6f0d2b1c3a4f", "message": "No such vehicle",
                 "timestamp": "2024-05-01T10:00:00Z"}""";
        assertThat(validate("/user/vehicles/abc/maintenance", 404, "application/json", ok)).isEmpty();
        assertThat(ApiErrorFormat.validate(404, "application/json", json.readTree(ok))).isEmpty();
        assertThat(ApiErrorFormat.validate(400, "application/json", json.readTree(ok))).hasSize(1);
        assertThat(ApiErrorFormat.validate(404, "application/hal+json", json.readTree(ok))).hasSize(1);
        assertThat(ApiErrorFormat.validate(404, "application/json", json.readTree(ok.replace(
                "\"uuid\": \"0b6c5c8e-7c1e-4e43-9a8e-6f0d2b1c3a4f\",", "")))).isNotEmpty();
        assertThat(ApiErrorFormat.validate(404, "application/json", json.readTree(ok.replace("40400", "\"40400\""))))
                .isNotEmpty();
        assertThat(ApiErrorFormat.validate(404, "application/json", json.readTree(ok.replace("}",
                ", \"debug\": \"x\"}")))).isNotEmpty();
        assertThat(validate("/user/vehicles/abc/maintenance", 404, "application/json", ok.replace("}",
                ", \"detail\": \"x\"}"))).isNotEmpty();
    }
}
