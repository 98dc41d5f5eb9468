package org.odomo.transport;

import java.util.concurrent.TimeUnit;

import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

/**
 * Publishes downlink messages at QoS 1 on {@code {prefix}/vehicles/{vin}/down/{type}}, over one
 * connection of its own ({@code {client-id-prefix}-downlink}) that reconnects by itself. A message
 * the broker does not take is logged; whoever sent it (a remote command) owns the retry.
 */
public class MqttDownlinkSender implements DownlinkSender, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MqttDownlinkSender.class);

    private final MqttProperties settings;
    private final Topics topics;
    private volatile Mqtt5AsyncClient client;

    public MqttDownlinkSender(MqttProperties settings) {
        this.settings = settings;
        this.topics = settings.topics();
    }

    @Override
    public void send(String vin, MessageType type, byte[] json) {
        if (type.isUplink()) {
            throw new IllegalArgumentException(type.wireName() + " is not a downlink message type");
        }
        Mqtt5AsyncClient c = client;
        if (c == null) {
            log.warn("MQTT downlink is stopped; {} for {} dropped", type.wireName(), vin);
            return;
        }
        c.publishWith().topic(topics.downlink(vin, type)).qos(MqttQos.AT_LEAST_ONCE).payload(json).send()
                .whenComplete((result, error) -> {
                    String refusal = error != null ? error.toString() : MqttClients.refusal(result);
                    if (refusal != null) {
                        log.warn("downlink {} for {} not delivered to the broker: {}", type.wireName(), vin, refusal);
                    }
                });
    }

    @Override
    public void start() {
        Mqtt5AsyncClient c = MqttClients.builder(settings, settings.clientIdPrefix() + "-downlink")
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(30, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .buildAsync();
        c.connectWith().cleanStart(true).send().whenComplete((ack, error) -> {
            if (error != null) {
                log.warn("MQTT downlink not connected yet to {}:{} ({}); retrying in the background",
                        settings.host(), settings.port(), error.getMessage());
            }
        });
        client = c;
    }

    @Override
    public void stop() {
        Mqtt5AsyncClient c = client;
        client = null;
        MqttClients.disconnectQuietly(c);
    }

    @Override
    public boolean isRunning() {
        return client != null;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1;
    }
}
