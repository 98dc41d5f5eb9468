package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.odomo.spec.ApiErrorFormat;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.support.B2bClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls of the fleet monitor operations, each exchange held whole against the published
 * api-b2b.yaml (request, answer, error format).
 */
final class FleetMonitorCalls {

    static final OpenApiSpec SPEC = new OpenApiSpec("api-b2b.yaml", B2bClient.BASE);
    static final JsonMapper JSON = JsonMapper.builder().build();

    private FleetMonitorCalls() {
    }

    /** The answer's body (null for a 204), after checking its status and the exchange. */
    static JsonNode call(B2bClient client, String method, String path, String body, int expected) {
        HttpResponse<String> r = client.send(method, path, body);
        String where = method + " " + path + " " + r.statusCode();
        assertThat(r.statusCode()).as(where + " " + r.body()).isEqualTo(expected);
        OpenApiSpec.Operation op = SPEC.match(method, path.replaceAll("\\?.*", ""))
                .orElseThrow(() -> new AssertionError("not a published operation: " + method + " " + path));
        JsonNode answer = null;
        if (r.statusCode() == 204) {
            assertThat(r.body()).as(where).isEmpty();
        } else {
            answer = JSON.readTree(r.body());
        }
        assertThat(Exchanges.problems(SPEC, op, expected < 300 && body != null ? JSON.readTree(body) : null,
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), answer))
                .as(where + " " + r.body()).isEmpty();
        return answer;
    }

    /**
     * A refusal the operation does not document (deleteFleetMonitor lists 204, 400 and 404 only,
     * no default): the status, and the body in the API's error format.
     */
    static JsonNode undocumentedError(B2bClient client, String method, String path, int expected) {
        HttpResponse<String> r = client.send(method, path, null);
        assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(expected);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(ApiErrorFormat.validate(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                answer)).as(r.body()).isEmpty();
        return answer;
    }

    /**
     * A MonitorParameter with one zone trigger (leaving a 1 km circle) and the webhook given.
     *
     * @param subscribeExtra members added to subscribeParam (retryPolicy, batchNotify...), or ""
     */
    static String leavesZone(String label, String target, String subscribeExtra, double lon, double lat) {
        return "{\"label\": \"" + label + "\", \"subscribeParam\": {" + subscribeExtra
                + (subscribeExtra.isEmpty() ? "" : ", ")
                + "\"callback\": {\"webhook\": {\"name\": \"fleet-hook\", \"target\": \"" + target + "\","
                + " \"attributes\": [{\"type\": \"Body\", \"key\": \"fleet\", \"value\": \"$fleetID\"},"
                + " {\"type\": \"Header\", \"key\": \"X-Monitor\", \"value\": \"$monitorID\"}]}}},"
                + " \"triggerParam\": {\"triggers\": [{\"name\": \"home\", \"zone\": {\"transition\": \"Out\","
                + " \"place\": {\"radius\": 1, \"center\": {\"longitude\": " + lon + ", \"latitude\": " + lat
                + "}}}}], \"boolExp\": \"home\"}}";
    }
}
