package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.api.ApiException;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.DeliveryPolicy.Retry;
import org.odomo.delivery.Destination;

import tools.jackson.databind.json.JsonMapper;

/**
 * How a fleet monitor's subscription maps onto the delivery engine. Expected values: api-b2b.yaml's
 * CallbackSubscribe (retryNumber default 3, retryDelay default 10, timeWindow default 60, minimum
 * 5), REFERENCE.md (None one attempt, Bounded retryNumber retries, Always every retryDelay up to 3
 * days) and the Attribute documentation ($vin in the query: every event alone).
 */
class FleetMonitorReaderTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration THREE_DAYS = Duration.ofDays(3);

    static FleetMonitorReader.FleetMonitorDefinition read(String subscribeExtra, String attributes, boolean loopback,
            String target) {
        return FleetMonitorReader.read(JSON.readTree("{\"label\": \"l\", \"subscribeParam\": {" + subscribeExtra
                + "\"callback\": {\"webhook\": {\"name\": \"n\", \"target\": \"" + target + "\""
                + (attributes == null ? "" : ", \"attributes\": " + attributes) + "}}}, \"triggerParam\": {\"triggers\":"
                + " [{\"name\": \"a\", \"data\": {\"data\": \"vehicle.kinetic.moving\", \"op\": \"onChange\"}}],"
                + " \"boolExp\": \"a\"}}"), loopback);
    }

    static DeliveryPolicy policy(String subscribeExtra) {
        return read(subscribeExtra, null, false, "https://hooks.example.com/in").subscription().policy();
    }

    @Test
    void retryPoliciesMapOntoTheDeliveryPolicy() {
        assertThat(policy("")).isEqualTo(new DeliveryPolicy(Retry.NONE, 0, Duration.ofSeconds(10), THREE_DAYS, 1,
                Duration.ZERO));
        assertThat(policy("\"retryPolicy\": {\"policy\": \"None\"}, ")).isEqualTo(new DeliveryPolicy(Retry.NONE, 0,
                Duration.ofSeconds(10), THREE_DAYS, 1, Duration.ZERO));
        assertThat(policy("\"retryPolicy\": {\"policy\": \"Bounded\"}, ")).isEqualTo(new DeliveryPolicy(Retry.BOUNDED,
                3, Duration.ofSeconds(10), THREE_DAYS, 1, Duration.ZERO));
        assertThat(policy("\"retryPolicy\": {\"policy\": \"Bounded\", \"retryNumber\": 7, \"retryDelay\": 60}, "))
                .isEqualTo(new DeliveryPolicy(Retry.BOUNDED, 7, Duration.ofSeconds(60), THREE_DAYS, 1, Duration.ZERO));
        assertThat(policy("\"retryPolicy\": {\"policy\": \"Always\", \"retryDelay\": 30}, ")).isEqualTo(
                new DeliveryPolicy(Retry.ALWAYS, 0, Duration.ofSeconds(30), THREE_DAYS, 1, Duration.ZERO));
    }

    @Test
    void batchNotifyMapsOntoTheBatchSizeAndWindow() {
        assertThat(policy("\"batchNotify\": {\"size\": 20}, ")).isEqualTo(new DeliveryPolicy(Retry.NONE, 0,
                Duration.ofSeconds(10), THREE_DAYS, 20, Duration.ofSeconds(60)));
        assertThat(policy("\"batchNotify\": {\"size\": 5, \"timeWindow\": 5}, ")).isEqualTo(new DeliveryPolicy(
                Retry.NONE, 0, Duration.ofSeconds(10), THREE_DAYS, 5, Duration.ofSeconds(5)));
        // $vin as a query parameter names one vehicle: no batch.
        DeliveryPolicy perVehicle = read("\"batchNotify\": {\"size\": 5}, ",
                "[{\"type\": \"Query\", \"key\": \"car\", \"value\": \"$vin\"}]", false, "https://hooks.example.com/in")
                .subscription().policy();
        assertThat(perVehicle.batchSize()).isEqualTo(1);
        assertThat(perVehicle.batchWindow()).isZero();
    }

    @Test
    void theWebhookBecomesTheDestinationsChannelAndAttributes() {
        FleetMonitorReader.Subscription s = read("", "[{\"type\": \"Header\", \"key\": \"X-Fleet\", \"value\":"
                + " \"$fleetID\"}, {\"type\": \"Body\", \"key\": \"v\", \"value\": \"$vid\"}, {\"type\": \"Query\","
                + " \"key\": \"m\", \"value\": \"$monitorID\"}]", false, "https://hooks.example.com/in").subscription();
        assertThat(s.target()).isEqualTo(URI.create("https://hooks.example.com/in"));
        assertThat(s.name()).isEqualTo("n");
        assertThat(s.attributes()).containsExactly(
                new Destination.Attribute(Destination.Attribute.Kind.HEADER, "X-Fleet", "$fleetID"),
                new Destination.Attribute(Destination.Attribute.Kind.BODY, "v", "$vid"),
                new Destination.Attribute(Destination.Attribute.Kind.QUERY, "m", "$monitorID"));
    }

    @Test
    void targetsOnThisMachineOnlyWhenAllowed() {
        for (String target : List.of("http://127.0.0.1:8080/in", "https://localhost/in", "http://[::1]:9/in")) {
            assertThatThrownBy(() -> read("", null, false, target)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("subscribeParam.callback.webhook.target");
            assertThat(read("", null, true, target).subscription().target()).isEqualTo(URI.create(target));
        }
        assertThatThrownBy(() -> read("", null, true, "http://hooks.example.com/in")).isInstanceOf(ApiException.class)
                .hasMessageContaining("https");
        assertThatThrownBy(() -> read("", null, true, "https://user:pw@hooks.example.com/in"))
                .isInstanceOf(ApiException.class).hasMessageContaining("user name");
    }

    @Test
    void theB2bOnlyDataIsRefusedToB2cMonitors() {
        for (String data : List.of("stolen.state", "vehicle.collision.side", "vehicle.maintenance.daysBeforeMaintenance",
                "vehicle.trip")) {
            String body = "{\"label\": \"l\", \"triggerParam\": {\"triggers\": [{\"name\": \"a\", \"data\": {\"data\": \""
                    + data + "\", \"op\": \"onChange\"}}], \"boolExp\": \"a\"}}";
            assertThatThrownBy(() -> MonitorReader.read(JSON.readTree(body), "webhook"))
                    .isInstanceOf(ApiException.class).hasMessageContaining("triggerParam.triggers[0].data");
        }
    }
}
