package org.odomo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.odomo.ingest.TestVehicles.bytes;
import static org.odomo.ingest.TestVehicles.register;
import static org.odomo.ingest.TestVehicles.telemetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.VehicleTransport;
import org.odomo.protocol.VehicleTransport.VehicleLink;
import org.odomo.state.VehicleHistory;
import org.odomo.state.VehicleState;
import org.odomo.support.Services;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Vehicles publishing over Mosquitto, through the vehicle side of the MQTT transport, into the
 * platform on PostgreSQL: what is stored, what is rejected, and that every message is answered.
 */
@Tag("services")
@SpringBootTest
@ActiveProfiles({"test", "postgres", "mqtt"})
class MqttTransportTests {

    private static final String PREFIX = Services.freshTopicPrefix();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        Services.platform(Services.freshSchema(), PREFIX, "odomo-it-" + Services.shortId())
                .forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    VehicleTransport vehicles;
    @Autowired
    DownlinkSender downlink;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    VehicleHistory history;
    @Autowired
    MeterRegistry meters;

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));

    @Test
    void theMqttTransportIsTheOneInUse() {
        assertThat(vehicles).isInstanceOf(MqttVehicleTransport.class);
        assertThat(downlink).isInstanceOf(MqttDownlinkSender.class);
    }

    @Test
    void telemetryPublishedByAVehicleLandsInStateAndHistory() throws Exception {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        try (VehicleLink link = vehicles.connect(vin, bytes -> { })) {
            send(link, bytes(telemetry(vin, v.credential(), "m1", t0, 2.35, 48.85, 80, 1000)));
            send(link, bytes(telemetry(vin, v.credential(), "m2", t0.plusSeconds(60), 2.36, 48.86, 79.5, 1001.2)));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> history.messageCount(vin) == 2);
        // Both writes are committed: whatever order they arrived in, the newer measurement wins.
        VehicleState state = history.current(vin).orElseThrow();
        assertThat(state.createdAt("odometer")).contains(t0.plusSeconds(60));
        assertThat(state.part("odometer").orElseThrow().path("mileage").doubleValue()).isEqualTo(1001.2);
        assertThat(state.part("energy.Electric").orElseThrow().path("level").doubleValue()).isEqualTo(79.5);
        assertThat(history.positions(vin, t0, t0.plusSeconds(3600), 10)).hasSize(2);
    }

    @Test
    void wrongCredentialAndAMessageOnAnotherVehiclesTopicAreRejectedAndAcknowledged() throws Exception {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        RegisteredVehicle other = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        double rejected = counter("odomo.ingest.messages", "outcome", "unauthenticated");
        double acknowledged = counter("odomo.mqtt.uplink", "result", "acknowledged");

        try (VehicleLink own = vehicles.connect(vin, bytes -> { });
                VehicleLink foreign = vehicles.connect(other.vehicle().vin(), bytes -> { })) {
            // Another vehicle's credential.
            send(own, bytes(telemetry(vin, other.credential(), "x1", t0, 2.35, 48.85, 80, 1000)));
            // Right credential, but published on the other vehicle's topic.
            send(foreign, bytes(telemetry(vin, v.credential(), "x2", t0, 2.35, 48.85, 80, 1000)));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter("odomo.ingest.messages", "outcome", "unauthenticated") >= rejected + 2);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> counter("odomo.mqtt.uplink", "result", "acknowledged") >= acknowledged + 2);
        assertThat(history.messageCount(vin)).isZero();
        assertThat(history.messageCount(other.vehicle().vin())).isZero();
        assertThat(history.current(vin)).isEmpty();
    }

    @Test
    void republishingAMessageIsANoOp() throws Exception {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        String vin = v.vehicle().vin();
        try (VehicleLink link = vehicles.connect(vin, bytes -> { })) {
            byte[] message = bytes(telemetry(vin, v.credential(), "dup", t0, 2.35, 48.85, 80, 1000));
            send(link, message);
            await().atMost(Duration.ofSeconds(20)).until(() -> history.messageCount(vin) == 1);
            long version = history.current(vin).orElseThrow().version();
            double duplicates = counter("odomo.ingest.messages", "outcome", "duplicate");

            send(link, message);
            send(link, bytes(telemetry(vin, v.credential(), "dup", t0.plusSeconds(5), 9.0, 45.0, 10, 2000)));

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> counter("odomo.ingest.messages", "outcome", "duplicate") >= duplicates + 2);
            assertThat(history.messageCount(vin)).isEqualTo(1);
            assertThat(history.current(vin).orElseThrow().version()).isEqualTo(version);
            assertThat(history.positions(vin, t0.minusSeconds(1), t0.plusSeconds(60), 10)).hasSize(1);
        }
    }

    @Test
    void aDownlinkMessageReachesTheVehicleItIsFor() throws Exception {
        RegisteredVehicle v = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        RegisteredVehicle other = register(registry, "P-E208", PrivacyMode.DATA_AND_LOCATION, ConnectedService.PARTNER);
        CompletableFuture<String> received = new CompletableFuture<>();
        CompletableFuture<String> misdelivered = new CompletableFuture<>();
        // Registration also sends each vehicle its own upload configuration: only wake-ups count here.
        try (VehicleLink link = vehicles.connect(v.vehicle().vin(), bytes -> completeOnWakeUp(received, bytes));
                VehicleLink otherLink = vehicles.connect(other.vehicle().vin(),
                        bytes -> completeOnWakeUp(misdelivered, bytes))) {
            String wakeUp = "{\"v\":1,\"vin\":\"" + v.vehicle().vin() + "\",\"id\":\"w1\",\"at\":\"" + t0
                    + "\",\"type\":\"wakeUp\"}";
            downlink.send(v.vehicle().vin(), MessageType.WAKE_UP, wakeUp.getBytes(StandardCharsets.UTF_8));

            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(wakeUp);
            // A wake-up for the other vehicle, sent after: the first wake-up that vehicle gets
            // must be its own (one sender, one broker: a misdelivered one would come first).
            String otherWakeUp = "{\"v\":1,\"vin\":\"" + other.vehicle().vin() + "\",\"id\":\"w2\",\"at\":\"" + t0
                    + "\",\"type\":\"wakeUp\"}";
            downlink.send(other.vehicle().vin(), MessageType.WAKE_UP, otherWakeUp.getBytes(StandardCharsets.UTF_8));
            assertThat(misdelivered.get(10, TimeUnit.SECONDS)).isEqualTo(otherWakeUp);
        }
    }

    @Test
    void aSendFailsWhenNoPlatformNodeSubscribed() {
        try (MqttVehicleTransport nowhere = new MqttVehicleTransport(Services.vehicleSide(Services.freshTopicPrefix()))) {
            VehicleLink link = nowhere.connect("VR3UHZKXZMT000001", bytes -> { });
            assertThatThrownBy(() -> link.send(MessageType.TELEMETRY, "{}".getBytes()).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("no subscriber");
        }
    }

    private static void completeOnWakeUp(CompletableFuture<String> future, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.contains("\"type\":\"wakeUp\"")) {
            future.complete(text);
        }
    }

    private static void send(VehicleLink link, byte[] message) throws Exception {
        link.send(MessageType.TELEMETRY, message).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private double counter(String name, String tag, String value) {
        return meters.counter(name, tag, value).count();
    }
}
