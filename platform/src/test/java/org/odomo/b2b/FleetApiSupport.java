package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.regex.Pattern;

import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.support.B2bClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Calls of the fleet API, each answer held against api-b2b.yaml. */
final class FleetApiSupport {

    static final OpenApiSpec SPEC = new OpenApiSpec("api-b2b.yaml", "/connectedcar/v3");
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CLIENT_ID = Pattern.compile("(^|&)client_id=[^&]*");

    private FleetApiSupport() {
    }

    /** GET of a path below /connectedcar/v3: the status expected, the answer valid for its operation. */
    static JsonNode get(B2bClient client, String path, int status) {
        HttpResponse<String> r = client.get(path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        OpenApiSpec.Operation op = SPEC.match("get", path.split("\\?")[0]).orElseThrow();
        assertThat(Exchanges.problems(SPEC, op, null, r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null), body)).as("GET %s: %s", path, body).isEmpty();
        return body;
    }

    /** The path below /connectedcar/v3 of a link the API gave, without its client_id (the client adds it). */
    static String path(JsonNode link) {
        URI uri = URI.create(link.path("href").stringValue());
        assertThat(uri.getPath()).startsWith(B2bClient.BASE);
        String query = uri.getRawQuery() == null ? "" : CLIENT_ID.matcher(uri.getRawQuery()).replaceAll("");
        query = query.startsWith("&") ? query.substring(1) : query;
        return uri.getRawPath().substring(B2bClient.BASE.length()) + (query.isEmpty() ? "" : "?" + query);
    }

    static void ingest(IngestGateway gateway, ObjectNode message) {
        assertThat(gateway.submit(TestVehicles.bytes(message)).join()).isEqualTo(IngestOutcome.STORED);
    }

    /** A telemetry message with a position, the odometer, an energy level, speed and maintenance. */
    static ObjectNode telemetry(String vin, String credential, Instant at, double lon, double lat, double mileage) {
        return TestVehicles.telemetry(vin, credential, java.util.UUID.randomUUID().toString(), at, lon, lat, 64.0,
                mileage);
    }
}
