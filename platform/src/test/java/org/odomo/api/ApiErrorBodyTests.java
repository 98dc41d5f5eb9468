package org.odomo.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.oauth.Enrollment;
import org.odomo.vehicle.Brand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The B2C API answers every error, including those the framework raises by itself, with the
 * API's body: a code made of the status and two digits, a uuid, a message and a timestamp.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiErrorBodyTests {

    /** Endpoints that fail on purpose, under the B2C base path so the real chain applies. */
    @TestConfiguration
    static class Failing {
        @RestController
        static class Boom {
            @GetMapping("/connectedcar/v4/test-only/boom")
            String boom() {
                throw new IllegalStateException("kaboom");
            }

            @PostMapping(path = "/connectedcar/v4/test-only/echo", consumes = "application/json")
            Map<String, Object> echo(@RequestBody Map<String, Object> body) {
                return body;
            }
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();
    String token;
    App app;

    @BeforeAll
    void enroll() {
        app = apps.ensureRegistered(new AppRegistration("Errors", "Error bodies", "Odomo tests", "dev@example.com", 10L,
                "errors-app", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT), "unlimited"), "errors-client",
                "errors-secret");
        String email = "errors." + System.nanoTime() + "@example.com";
        accounts.create(Brand.DS, email, "errors-password", "E", "Rr");
        token = Enrollment.enroll(port, app.clientId(), "errors-secret", Brand.DS.realm(), email, "errors-password",
                List.of("data:telemetry"), false).accessToken();
    }

    private HttpResponse<String> call(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connectedcar/v4" + path
                + (path.contains("?") ? "&" : "?") + "client_id=" + app.clientId()))
                .header("Authorization", "Bearer " + token).header("x-introspect-realm", Brand.DS.realm())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertErrorBody(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("code").intValue()).as(r.body()).isEqualTo(code);
        assertThat(body.path("uuid").stringValue()).matches("[0-9a-f-]{36}");
        assertThat(body.path("message").stringValue()).isNotBlank();
        assertThat(body.path("timestamp").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void frameworkErrorsUseTheApiBody() throws Exception {
        assertErrorBody(call("GET", "/no/such/thing", null, null), 404, 40400);
        assertErrorBody(call("DELETE", "/user", null, null), 405, 40500);
        assertErrorBody(call("POST", "/test-only/echo", "application/xml", "<a/>"), 415, 41500);
        assertErrorBody(call("POST", "/test-only/echo", "application/json", "{not json"), 400, 40003);
        assertErrorBody(call("GET", "/test-only/boom", null, null), 500, 50000);
        assertErrorBody(call("GET", "/user/vehicles?pageSize=0", null, null), 400, 40001);
        assertErrorBody(call("GET", "/user/vehicles?indexRange=nine", null, null), 400, 40001);
        assertErrorBody(call("GET", "/user/vehicles?extension=everything", null, null), 400, 40001);
        assertErrorBody(call("GET", "/user/vehicles?pageToken=forged", null, null), 400, 40001);
    }

    @Test
    void aFailureLeaksNoInternals() throws Exception {
        HttpResponse<String> r = call("GET", "/test-only/boom", null, null);
        assertThat(r.body()).doesNotContain("kaboom", "IllegalStateException", "at org.");
    }
}
