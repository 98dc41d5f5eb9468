package org.odomo.transport;

import org.odomo.ingest.IngestGateway;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the vehicle transport: {@code odomo.transport=in-process} (default) or {@code mqtt}. */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

    @Bean
    @ConditionalOnProperty(name = "odomo.transport", havingValue = "in-process", matchIfMissing = true)
    InProcessTransport inProcessTransport(IngestGateway gateway) {
        return new InProcessTransport(gateway);
    }
}
