package org.odomo.transport;

import java.util.Set;

import org.odomo.ingest.IngestGateway;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Chooses the vehicle transport: {@code odomo.transport=in-process} (default) or {@code mqtt}.
 * Either way the context holds one {@link org.odomo.protocol.VehicleTransport} (the vehicles'
 * side, for the simulator) and one {@link org.odomo.protocol.DownlinkSender} (the platform's).
 */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

    private static final Set<String> TRANSPORTS = Set.of("in-process", "mqtt");

    TransportConfiguration(Environment environment) {
        String transport = environment.getProperty("odomo.transport", "in-process");
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("odomo.transport must be one of " + TRANSPORTS + " (got " + transport + ")");
        }
    }

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "in-process", matchIfMissing = true)
    InProcessTransport inProcessTransport(IngestGateway gateway) {
        return new InProcessTransport(gateway);
    }

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "mqtt")
    MqttIngestAdapter mqttIngestAdapter(MqttProperties settings, IngestGateway gateway, MeterRegistry meters) {
        return new MqttIngestAdapter(settings, gateway, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "mqtt")
    MqttDownlinkSender mqttDownlinkSender(MqttProperties settings) {
        return new MqttDownlinkSender(settings);
    }

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "mqtt")
    DynamicSecurityAccounts dynamicSecurityAccounts(MqttProperties settings, MeterRegistry meters) {
        return new DynamicSecurityAccounts(settings, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "mqtt")
    MqttVehicleTransport mqttVehicleTransport(MqttProperties settings) {
        return new MqttVehicleTransport(settings);
    }
}
