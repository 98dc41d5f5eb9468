package org.odomo.crypto;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The {@link CredentialGate} in front of every servlet filter that does real work, Spring Security's included. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class CredentialGateConfiguration {

    @Bean
    CredentialGate credentialGate(CredentialGuard guard, ObjectProvider<CredentialCheckpoint> checkpoints,
            CredentialProperties settings) {
        return new CredentialGate(guard, checkpoints.orderedStream().toList(), settings);
    }

    @Bean
    FilterRegistrationBean<CredentialGate> credentialGateRegistration(CredentialGate gate) {
        FilterRegistrationBean<CredentialGate> registration = new FilterRegistrationBean<>(gate);
        // After the character encoding and observation filters (so refusals are still measured),
        // before the security filter chain.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setAsyncSupported(true);
        return registration;
    }
}
