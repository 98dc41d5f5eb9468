package org.odomo.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.odomo.apps.AppRegistry;
import org.odomo.crypto.CredentialCheckpoint;
import org.odomo.crypto.CredentialGuard;
import org.odomo.crypto.CredentialRefusedException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Calls an app makes on its own behalf, before any user enrolled: the capability API
 * ({@code /connectedcar/v3/vehicle(s)/{vin}}). The app authenticates with its client id and
 * secret (HTTP Basic), and names itself in {@code client_id}. A fleet owner calls it with its
 * B2B credentials (login and password, client id, client certificate).
 */
@Configuration(proxyBeanMethods = false)
class AppSecurityConfiguration {

    @Bean
    @Order(5)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain appChain(HttpSecurity http, AppRegistry apps, CredentialGuard guard,
            B2bSecurityConfiguration.PartnerAuthentication partners) throws Exception {
        http.securityMatcher("/connectedcar/v3/vehicle/*", "/connectedcar/v3/vehicles/*")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .addFilterAfter(new AppCredentialsFilter(apps, guard, partners), SecurityContextHolderFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** The same check as {@link AppCredentialsFilter}, for the credential gate that runs ahead of the chain. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    CredentialCheckpoint appCredentialsCheckpoint(AppRegistry apps) {
        return new CredentialCheckpoint() {
            @Override
            public Attempt attempt(HttpServletRequest request) {
                if (!capabilityPath(CredentialCheckpoint.path(request))) {
                    return null;
                }
                Basic basic = CredentialCheckpoint.basic(request);
                if (basic == null || basic.user().isEmpty()) {
                    return null;
                }
                return new Attempt(AppRegistry.CREDENTIAL_REALM, basic.user(), basic.secret(),
                        () -> apps.secretHash(basic.user()).orElse(null));
            }

            @Override
            public void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
                AppSecurityConfiguration.refuse(response, refused);
            }
        };
    }

    /** {@code /connectedcar/v3/vehicle/*} and {@code /connectedcar/v3/vehicles/*}: one segment after. */
    static boolean capabilityPath(String path) {
        for (String prefix : new String[] {"/connectedcar/v3/vehicle/", "/connectedcar/v3/vehicles/"}) {
            if (path.startsWith(prefix)) {
                return path.indexOf('/', prefix.length()) < 0;
            }
        }
        return false;
    }

    static void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
        response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
        ApiErrorWriter.write(response, refused.reason() == CredentialRefusedException.Reason.THROTTLED
                ? ApiErrorCode.TOO_MANY_FAILED_ATTEMPTS : ApiErrorCode.UNAVAILABLE, refused.getMessage());
    }

    static final class AppCredentialsFilter extends OncePerRequestFilter {
        private final AppRegistry apps;
        private final CredentialGuard guard;
        private final B2bSecurityConfiguration.PartnerAuthentication partners;

        AppCredentialsFilter(AppRegistry apps, CredentialGuard guard,
                B2bSecurityConfiguration.PartnerAuthentication partners) {
            this.apps = apps;
            this.guard = guard;
            this.partners = partners;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (partners.partnerLogin(request)) {
                // a fleet owner, with its B2B credentials (certificate included)
                if (partners.authenticate(request, response).isPresent()) {
                    chain.doFilter(request, response);
                }
                return;
            }
            String header = request.getHeader("Authorization");
            String clientId = null;
            String secret = null;
            if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                            StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon > 0) {
                        clientId = decoded.substring(0, colon);
                        secret = decoded.substring(colon + 1);
                    }
                } catch (IllegalArgumentException e) {
                    // falls through as unauthenticated
                }
            }
            boolean authenticated = false;
            String presented = secret;
            if (clientId != null && presented != null
                    && apps.secretHash(clientId).filter(hash -> guard.recentlyVerified(presented, hash)).isPresent()) {
                authenticated = true;
            } else if (clientId != null) {
                try {
                    // Throttled before the secret is hashed; a success gives the attempt back.
                    CredentialGuard.Attempt attempt = guard.begin(AppRegistry.CREDENTIAL_REALM, clientId, request.getRemoteAddr());
                    try {
                        authenticated = apps.secretMatches(clientId, secret);
                    } catch (CredentialRefusedException busy) {
                        attempt.notChecked();
                        throw busy;
                    }
                    if (authenticated) {
                        attempt.succeeded();
                    }
                } catch (CredentialRefusedException refused) {
                    refuse(response, refused);
                    return;
                }
            }
            if (!authenticated || apps.findByClientId(clientId).map(a -> !a.active()).orElse(true)) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"odomo-apps\"");
                ApiErrorWriter.write(response, ApiErrorCode.UNAUTHENTICATED, "app credentials required (HTTP Basic)");
                return;
            }
            String param = request.getParameter("client_id");
            if (param == null || param.isBlank()) {
                ApiErrorWriter.write(response, ApiErrorCode.MISSING_PARAMETER, "missing query parameter client_id");
                return;
            }
            if (!param.equals(clientId)) {
                ApiErrorWriter.write(response, ApiErrorCode.WRONG_CLIENT, "client_id is not the authenticated app");
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
