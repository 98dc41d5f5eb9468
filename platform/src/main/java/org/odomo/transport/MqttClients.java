package org.odomo.transport;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

/** What every MQTT connection of the transport has in common. */
final class MqttClients {

    private MqttClients() {
    }

    /** An MQTT 5 client builder for the configured broker and credentials. */
    static Mqtt5ClientBuilder builder(MqttProperties settings, String clientId) {
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5()
                .identifier(clientId)
                .serverHost(settings.host())
                .serverPort(settings.port());
        if (settings.username() != null) {
            var auth = builder.simpleAuth().username(settings.username());
            if (settings.password() != null) {
                auth = auth.password(settings.password().getBytes(StandardCharsets.UTF_8));
            }
            builder = auth.applySimpleAuth();
        }
        return builder;
    }

    /** The reason a QoS 1 publish was not taken by the broker, or null when it was. */
    static String refusal(Mqtt5PublishResult result) {
        if (result.getError().isPresent()) {
            return result.getError().get().toString();
        }
        if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1) {
            var code = qos1.getPubAck().getReasonCode();
            if (code.isError()) {
                return "broker refused the message: " + code;
            }
            if (code == com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS) {
                return "no subscriber took the message (is a platform node connected?)";
            }
        }
        return null;
    }

    /** Disconnects, keeping the session the connection was opened with; waits a few seconds at most. */
    static void disconnectQuietly(Mqtt5AsyncClient client) {
        if (client == null) {
            return;
        }
        try {
            CompletableFuture<Void> done = client.disconnect();
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Already disconnected, or the broker is gone: either way the connection is closed.
        }
    }
}
