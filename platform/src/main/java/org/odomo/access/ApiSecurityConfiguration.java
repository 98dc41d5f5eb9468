package org.odomo.access;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.odomo.oauth.AccessTokenChecks;
import org.odomo.vehicle.Brand;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every B2C call ({@code /connectedcar/v4/...}) carries a bearer token that must be valid,
 * unexpired and unrevoked; its {@code client_id} query parameter must be the token's app and its
 * {@code x-introspect-realm} header the user's realm. Failures answer in the API's error format.
 * Then the app's plan applies ({@link RateLimitFilter}).
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

    static final String REALM_HEADER = "x-introspect-realm";

    @Bean
    // First: its matcher is a plain path prefix that no other chain's overlaps, and every API call
    // would otherwise be tested against the authorization server's endpoint matchers first.
    @Order(0)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain b2cApiChain(HttpSecurity http, JWKSource<SecurityContext> keys, AccessTokenChecks tokens,
            RateLimiter limiter) throws Exception {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys).build();
        OAuth2TokenValidator<Jwt> notRevoked = jwt -> tokens.isActive(jwt.getTokenValue())
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "token revoked", null));
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(List.of(notRevoked)));
        JwtDecoder jwtDecoder = new CachingJwtDecoder(decoder, tokens);
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(jwtDecoder);
        provider.setJwtAuthenticationConverter(new ScopeAuthenticationConverter());
        // A manager of its own: no authentication-success event per API call, which nothing
        // listens to and which the shared manager would publish on every request.
        ProviderManager authentication = new ProviderManager(provider);
        http.securityMatcher("/connectedcar/v4/**")
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenResolver(new HeaderBearerTokenResolver())
                        .jwt(jwt -> jwt.authenticationManager(authentication))
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            boolean presented = request.getHeader("Authorization") != null;
                            ApiErrorWriter.write(response, presented ? ApiErrorCode.INVALID_TOKEN
                                    : ApiErrorCode.UNAUTHENTICATED, presented
                                            ? "the access token is invalid, expired or revoked"
                                            : "a bearer access token is required");
                        })
                        .accessDeniedHandler((request, response, e) ->
                                ApiErrorWriter.write(response, ApiErrorCode.FORBIDDEN, "access denied")))
                .addFilterAfter(new CallerCheckFilter(), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new RateLimitFilter(limiter), CallerCheckFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                // A token-only API has no logout, no saved request to replay after a login, no
                // anonymous caller and no use for the servlet API's security methods; each of these
                // filters would otherwise run on every call.
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable());
        return http.build();
    }

    /** Where the checked caller is kept for the rest of the request. */
    private static final String CALLER_ATTRIBUTE = B2cCaller.class.getName();

    /** The caller of the current request, once the security chain has checked it. */
    static Optional<B2cCaller> currentCaller() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return currentCaller(attributes.getRequest());
        }
        return callerOfAuthentication();
    }

    static Optional<B2cCaller> currentCaller(HttpServletRequest request) {
        if (request.getAttribute(CALLER_ATTRIBUTE) instanceof B2cCaller caller) {
            return Optional.of(caller);
        }
        return callerOfAuthentication();
    }

    private static Optional<B2cCaller> callerOfAuthentication() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (!(auth instanceof JwtAuthenticationToken token)) {
            return Optional.empty();
        }
        return callerOf(token.getToken());
    }

    static Optional<B2cCaller> callerOf(Jwt jwt) {
        Optional<Brand> brand = Optional.ofNullable(jwt.getClaimAsString("realm")).flatMap(Brand::ofRealm);
        String clientId = jwt.getClaimAsString("client_id");
        if (brand.isEmpty() || clientId == null || jwt.getSubject() == null) {
            return Optional.empty();
        }
        long accountId;
        try {
            accountId = Long.parseLong(jwt.getSubject());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Set<String> scopes = new LinkedHashSet<>();
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String s) {
            scopes.addAll(List.of(s.split(" ")));
        } else if (scope instanceof java.util.Collection<?> c) {
            c.forEach(v -> scopes.add(String.valueOf(v)));
        }
        return Optional.of(new B2cCaller(accountId, brand.get(), clientId, Set.copyOf(scopes)));
    }

    /** client_id must name the token's app, x-introspect-realm the user's realm. */
    static final class CallerCheckFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth instanceof JwtAuthenticationToken token) {
                Optional<B2cCaller> caller = callerOf(token.getToken());
                if (caller.isEmpty()) {
                    ApiErrorWriter.write(response, ApiErrorCode.INVALID_TOKEN, "the access token is not an end-user token");
                    return;
                }
                String clientId = request.getParameter("client_id");
                if (clientId == null || clientId.isBlank()) {
                    ApiErrorWriter.write(response, ApiErrorCode.MISSING_PARAMETER, "missing query parameter client_id");
                    return;
                }
                if (!clientId.equals(caller.get().clientId())) {
                    ApiErrorWriter.write(response, ApiErrorCode.WRONG_CLIENT,
                            "client_id does not match the app the token was issued to");
                    return;
                }
                String realm = request.getHeader(REALM_HEADER);
                if (realm == null || realm.isBlank()) {
                    ApiErrorWriter.write(response, ApiErrorCode.MISSING_PARAMETER, "missing header " + REALM_HEADER);
                    return;
                }
                if (!realm.equals(caller.get().brand().realm())) {
                    ApiErrorWriter.write(response, ApiErrorCode.WRONG_REALM,
                            REALM_HEADER + " does not match the realm of the token's user");
                    return;
                }
                request.setAttribute(CALLER_ATTRIBUTE, caller.get());
            }
            chain.doFilter(request, response);
        }
    }
}
