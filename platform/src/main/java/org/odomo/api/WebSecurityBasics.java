package org.odomo.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(WebSecurityBasics.class);

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
        // A request the firewall refuses (a NUL or control character in a parameter or header, an
        // encoded slash or dot segment in the path) is the caller's error: a 400 in the API's
        // format, logged without a stack trace, where the default handler let it surface as a 500.
        return web -> web.httpFirewall(firewall).requestRejectedHandler((request, response, rejected) -> {
            log.debug("request rejected: {}", rejected.getMessage());
            ApiErrorWriter.write(response, ApiErrorCode.BAD_REQUEST,
                    "the request contains characters or encodings that are not allowed");
        });
    }
}
