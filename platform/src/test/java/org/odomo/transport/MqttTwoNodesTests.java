package org.odomo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.odomo.ingest.TestVehicles.bytes;
import static org.odomo.ingest.TestVehicles.register;
import static org.odomo.ingest.TestVehicles.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleState;
import org.odomo.support.Services;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Two platform nodes on one database and one broker, splitting the uplink through the shared
 * subscription: every message is stored exactly once, and each vehicle's state ends as its
 * newest measurements, although both nodes write the same vehicles at the same time.
 */
@Tag("services")
class MqttTwoNodesTests {

    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private MqttVehicleTransport vehicles;

    @AfterEach
    void stopEverything() {
        if (vehicles != null) {
            vehicles.close();
        }
        nodes.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void twoNodesStoreEveryMessageOnceAndKeepStatesConsistent() throws Exception {
        String schema = Services.freshSchema();
        String prefix = Services.freshTopicPrefix();
        // One node at a time creates the schema; then both consume.
        ConfigurableApplicationContext a = start(schema, prefix);
        ConfigurableApplicationContext b = start(schema, prefix);
        vehicles = new MqttVehicleTransport(Services.vehicleSide(prefix));

        VehicleRegistry registry = a.getBean(VehicleRegistry.class);
        List<RegisteredVehicle> fleet = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fleet.add(register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER));
        }
        int perVehicle = 40;
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int n = 0; n < perVehicle; n++) {
            for (RegisteredVehicle v : fleet) {
                String vin = v.vehicle().vin();
                VehicleLink link = vehicles.connect(vin, bytes -> { });
                published.add(link.send(MessageType.TELEMETRY, bytes(telemetry(vin, v.credential(), "n" + n,
                        t0.plusSeconds(10L * n), 2.35 + n / 1000.0, 48.85, 90 - n, 1000 + n))).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        int total = fleet.size() * perVehicle;
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(a) + stored(b) >= total);

        // A late duplicate (a message delivered again to the other node after its first delivery was
        // stored) would show after this point. Rather than waiting a while and hoping, every vehicle
        // sends one later marker message; once all markers are processed, everything the broker held
        // before them has been delivered, and the counts must still be exact.
        List<CompletableFuture<Void>> markers = new ArrayList<>();
        for (RegisteredVehicle v : fleet) {
            String vin = v.vehicle().vin();
            VehicleLink link = vehicles.connect(vin, bytes -> { });
            markers.add(link.send(MessageType.TELEMETRY, bytes(telemetry(vin, v.credential(), "marker",
                    t0.plusSeconds(10L * perVehicle), 2.35 + perVehicle / 1000.0, 48.85, 90 - perVehicle,
                    1000 + perVehicle))).toCompletableFuture());
        }
        CompletableFuture.allOf(markers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        int withMarkers = total + fleet.size();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> processed(a) + processed(b) >= withMarkers && markersStored(schema) == fleet.size());

        assertThat(stored(a) + stored(b)).as("stored exactly once, all nodes together").isEqualTo(withMarkers);
        assertThat(duplicates(a) + duplicates(b)).as("no message delivered twice").isZero();
        assertThat(stored(a)).as("node a took its share").isPositive();
        assertThat(stored(b)).as("node b took its share").isPositive();
        assertThat(Services.count(schema, "vehicle_message")).isEqualTo(withMarkers);
        assertThat(Services.count(schema, "position_history")).isEqualTo(withMarkers);
        org.slf4j.LoggerFactory.getLogger(getClass()).info("stored by a: {}, by b: {}; batches retried after a conflict: {}",
                stored(a), stored(b), retried(a) + retried(b));
        VehicleHistory history = a.getBean(VehicleHistory.class);
        // The marker is each vehicle's newest measurement.
        Instant newest = t0.plusSeconds(10L * perVehicle);
        for (RegisteredVehicle v : fleet) {
            VehicleState state = history.current(v.vehicle().vin()).orElseThrow();
            assertThat(state.createdAt("odometer")).contains(newest);
            assertThat(state.part("odometer").orElseThrow().path("mileage").doubleValue())
                    .isEqualTo(1000 + perVehicle);
            assertThat(state.part("energy.Electric").orElseThrow().path("level").doubleValue())
                    .isEqualTo(90 - perVehicle);
        }
    }

    private ConfigurableApplicationContext start(String schema, String prefix) {
        ConfigurableApplicationContext node = Services.startNode(
                Services.platform(schema, prefix, "odomo-it-" + Services.shortId()));
        nodes.add(node);
        return node;
    }

    private static double retried(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).counter("odomo.ingest.retries").count();
    }

    /** Every uplink message the node finished with, whatever its outcome. */
    private static double processed(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).find("odomo.ingest.messages").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static double duplicates(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).counter("odomo.ingest.messages", "outcome", "duplicate").count();
    }

    private static long markersStored(String schema) {
        try (var c = Services.connect(); var s = c.prepareStatement(
                "SELECT COUNT(*) FROM " + schema + ".vehicle_message WHERE msg_id = 'marker'");
                var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double stored(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).counter("odomo.ingest.messages", "outcome", "stored").count();
    }
}
