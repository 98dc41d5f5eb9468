package org.odomo.api;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Settings every security filter chain shares. Both exist for the cost of a small API read: the
 * default firewall checks each header, parameter name and value with a regular expression, which
 * on a long bearer token costs about as much as reading the vehicle's state; and observing every
 * security filter wraps each of them in an observation per request, for spans nobody reads (the
 * request as a whole is still observed as {@code http.server.requests}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebSecurityBasics {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    WebSecurityCustomizer requestFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(PrintableText::isPrintable);
        firewall.setAllowedHeaderValues(PrintableText::isPrintable);
        firewall.setAllowedParameterNames(PrintableText::isPrintable);
        firewall.setAllowedParameterValues(PrintableText::isPrintable);
        return web -> web.httpFirewall(firewall);
    }
}
