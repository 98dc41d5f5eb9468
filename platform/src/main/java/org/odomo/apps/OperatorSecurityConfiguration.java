package org.odomo.apps;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.odomo.crypto.CredentialGuard;
import org.odomo.crypto.CredentialRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The operator's side: the admin API and the actuator, behind HTTP Basic with the operator
 * account. Health and info stay public for load balancers, as do the CA certificate, the model
 * pictures and the error endpoint.
 */
@Configuration(proxyBeanMethods = false)
class OperatorSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OperatorSecurityConfiguration.class);

    /**
     * The Content Security Policy of the API documentation (Swagger UI): its script, styles and
     * the specification all come from this server and "Try it out" calls this server. Swagger UI
     * sets style attributes and draws its icons as data: images, which the policy allows; no
     * inline or foreign script runs, no plugin loads, and no other site may frame the page.
     */
    static final String DOCS_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none';"
            + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The operator's account, checked by the operator chain and, for throttled attempts, ahead of it. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    OperatorCheckpoint operatorCheckpoint(OperatorProperties operator, CredentialGuard guard) {
        String password = operator.password();
        if (password == null || password.isBlank()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.warn("no odomo.operator.password set; the operator password for this run is: {}", password);
        }
        String configured = password;
        return new OperatorCheckpoint(new OperatorAuthenticationProvider(operator.username(),
                () -> guard.encoder().encode(configured), guard));
    }

    @Bean
    @Order(3)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain operatorChain(HttpSecurity http, OperatorCheckpoint operator) throws Exception {
        var provider = operator.provider();
        http.securityMatcher("/admin/**", "/actuator/**")
                .authenticationManager(new ProviderManager(provider))
                .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**", "/actuator/info").permitAll()
                        .anyRequest().hasRole("OPERATOR"))
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    if (e instanceof CredentialRefusedException refused) {
                        refuse(response, refused);
                        return;
                    }
                    response.setHeader("WWW-Authenticate", "Basic realm=\"odomo-operator\"");
                    ApiErrorWriter.write(response, ApiErrorCode.UNAUTHENTICATED, "operator credentials required");
                }))
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) ->
                        ApiErrorWriter.write(response, ApiErrorCode.FORBIDDEN, "operator role required")))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** A credential check not made: 429 when throttled, 503 when busy, with the time to wait. */
    static void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
        response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
        ApiErrorWriter.write(response, refused.reason() == CredentialRefusedException.Reason.THROTTLED
                ? ApiErrorCode.TOO_MANY_FAILED_ATTEMPTS : ApiErrorCode.UNAVAILABLE, refused.getMessage());
    }

    @Bean
    @Order(100)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/media/**", "/ca.pem", "/error", "/favicon.ico", "/docs/**", "/webjars/**", "/ping")
                        .permitAll()
                        .anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) ->
                                ApiErrorWriter.write(response, ApiErrorCode.NOT_FOUND, "no such resource"))
                        .accessDeniedHandler((request, response, ex) ->
                                ApiErrorWriter.write(response, ApiErrorCode.NOT_FOUND, "no such resource")))
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.pathPattern("/docs/**"),
                        new StaticHeadersWriter("Content-Security-Policy", DOCS_POLICY))))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
