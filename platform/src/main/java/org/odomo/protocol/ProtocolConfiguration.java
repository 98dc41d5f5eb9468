package org.odomo.protocol;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProtocolConfiguration {

    @Bean
    ProtocolCodec protocolCodec() {
        return new ProtocolCodec();
    }
}
