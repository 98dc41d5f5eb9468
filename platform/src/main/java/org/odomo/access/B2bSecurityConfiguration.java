package org.odomo.access;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.odomo.apps.Certificates;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.PlatformCertificateAuthority;
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

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every B2B call ({@code /connectedcar/v3/fleets/...}) is authenticated as the real platform does
 * it: a client certificate issued by the platform CA, HTTP Basic with the partner's login and
 * password, the certificate's CN equal to that login and its serial the one in force, and
 * {@code client_id} naming the same partner. Then the partner's plan applies
 * ({@link RateLimitFilter}). Failures answer in the API's error format.
 */
@Configuration(proxyBeanMethods = false)
class B2bSecurityConfiguration {

    static final String FLEETS = "/connectedcar/v3/fleets";

    @Bean
    @Order(1)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain b2bApiChain(HttpSecurity http, PartnerAuthentication authentication, RateLimiter limiter)
            throws Exception {
        http.securityMatcher(FLEETS, FLEETS + "/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .addFilterAfter(new PartnerFilter(authentication), SecurityContextHolderFilter.class)
                .addFilterAfter(new RateLimitFilter(limiter,
                        request -> B2bCallers.of(request).map(B2bCaller::clientId)), PartnerFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable());
        return http.build();
    }

    @Bean
    PartnerAuthentication partnerAuthentication(PartnerRegistry partners, PlatformCertificateAuthority ca,
            CredentialGuard guard, B2bProperties settings) {
        return new PartnerAuthentication(partners, ca, guard, settings);
    }

    /** The same password check, for the credential gate that runs ahead of the chain. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    CredentialCheckpoint partnerCredentialsCheckpoint(PartnerRegistry partners) {
        return new CredentialCheckpoint() {
            @Override
            public Attempt attempt(HttpServletRequest request) {
                if (!PartnerAuthentication.b2bPath(CredentialCheckpoint.path(request))) {
                    return null;
                }
                Basic basic = CredentialCheckpoint.basic(request);
                if (basic == null || basic.user().isEmpty()) {
                    return null;
                }
                return new Attempt(PartnerRegistry.CREDENTIAL_REALM, basic.user(), basic.secret(),
                        () -> partners.passwordHash(basic.user()).orElse(null));
            }

            @Override
            public void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
                AppSecurityConfiguration.refuse(response, refused);
            }
        };
    }

    static final class PartnerFilter extends OncePerRequestFilter {
        private final PartnerAuthentication authentication;

        PartnerFilter(PartnerAuthentication authentication) {
            this.authentication = authentication;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (authentication.authenticate(request, response).isPresent()) {
                chain.doFilter(request, response);
            }
        }
    }

    /**
     * The partner check itself, shared by the fleet API and the capability API (which a partner
     * calls with the same credentials).
     */
    static final class PartnerAuthentication {

        private final PartnerRegistry partners;
        private final PlatformCertificateAuthority ca;
        private final CredentialGuard guard;
        private final B2bProperties settings;
        /** Certificates (by SHA-256 of their encoding) found issued by the CA lately: one signature check each. */
        private final Cache<String, Boolean> issued = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(Duration.ofMinutes(5)).build();

        PartnerAuthentication(PartnerRegistry partners, PlatformCertificateAuthority ca, CredentialGuard guard,
                B2bProperties settings) {
            this.partners = partners;
            this.ca = ca;
            this.guard = guard;
            this.settings = settings;
        }

        static boolean b2bPath(String path) {
            return path.equals(FLEETS) || path.startsWith(FLEETS + "/")
                    || AppSecurityConfiguration.capabilityPath(path);
        }

        /**
         * Checks the request's partner credentials; on success the caller is kept on the request,
         * on failure the refusal is written and empty returned.
         */
        Optional<B2bCaller> authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Optional<X509Certificate> certificate;
            try {
                certificate = clientCertificate(request);
            } catch (IllegalArgumentException e) {
                ApiErrorWriter.write(response, ApiErrorCode.CLIENT_CERTIFICATE_INVALID,
                        "the forwarded client certificate cannot be read");
                return Optional.empty();
            }
            if (certificate.isEmpty()) {
                ApiErrorWriter.write(response, ApiErrorCode.CLIENT_CERTIFICATE_MISSING,
                        "a client certificate issued by the platform is required (mutual TLS)");
                return Optional.empty();
            }
            if (!issuedByPlatform(certificate.get())) {
                ApiErrorWriter.write(response, ApiErrorCode.CLIENT_CERTIFICATE_INVALID,
                        "the client certificate was not issued by the platform CA, or is expired");
                return Optional.empty();
            }
            CredentialCheckpoint.Basic basic = basic(request);
            if (basic == null) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"odomo-fleets\"");
                ApiErrorWriter.write(response, ApiErrorCode.UNAUTHENTICATED,
                        "partner credentials are required (HTTP Basic: login and password)");
                return Optional.empty();
            }
            boolean authenticated;
            Optional<String> hash = partners.passwordHash(basic.user());
            if (hash.filter(h -> guard.recentlyVerified(basic.secret(), h)).isPresent()) {
                authenticated = true;
            } else {
                try {
                    // Throttled before the password is hashed; a success gives the attempt back.
                    CredentialGuard.Attempt attempt = guard.begin(PartnerRegistry.CREDENTIAL_REALM, basic.user(),
                            request.getRemoteAddr());
                    try {
                        authenticated = hash.isPresent() && guard.encoder().matches(basic.secret(), hash.get());
                    } catch (CredentialRefusedException busy) {
                        attempt.notChecked();
                        throw busy;
                    }
                    if (authenticated) {
                        attempt.succeeded();
                    }
                } catch (CredentialRefusedException refused) {
                    AppSecurityConfiguration.refuse(response, refused);
                    return Optional.empty();
                }
            }
            Optional<Partner> partner = authenticated ? partners.findByLogin(basic.user()) : Optional.empty();
            if (partner.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"odomo-fleets\"");
                ApiErrorWriter.write(response, ApiErrorCode.UNAUTHENTICATED, "wrong partner login or password");
                return Optional.empty();
            }
            Partner p = partner.get();
            if (!p.loginId().equals(Certificates.commonName(certificate.get()).orElse(null))
                    || !Certificates.serialHex(certificate.get()).equals(p.certificateSerial())) {
                ApiErrorWriter.write(response, ApiErrorCode.CLIENT_CERTIFICATE_MISMATCH,
                        "the client certificate is not the one in force for this partner");
                return Optional.empty();
            }
            if (!p.active()) {
                ApiErrorWriter.write(response, ApiErrorCode.APP_SUSPENDED, "the partner account is suspended");
                return Optional.empty();
            }
            String clientId = request.getParameter("client_id");
            if (clientId == null || clientId.isBlank()) {
                ApiErrorWriter.write(response, ApiErrorCode.MISSING_PARAMETER, "missing query parameter client_id");
                return Optional.empty();
            }
            if (!clientId.equals(p.clientId())) {
                ApiErrorWriter.write(response, ApiErrorCode.WRONG_CLIENT, "client_id is not the authenticated partner's");
                return Optional.empty();
            }
            B2bCaller caller = new B2bCaller(p.id(), p.loginId(), p.clientId(), Set.copyOf(p.contract()));
            request.setAttribute(B2bCallers.ATTRIBUTE, caller);
            return Optional.of(caller);
        }

        /** Whether the request's Basic user is a partner's login (rather than an app's client id). */
        boolean partnerLogin(HttpServletRequest request) {
            CredentialCheckpoint.Basic basic = basic(request);
            return basic != null && partners.findByLogin(basic.user()).isPresent();
        }

        private static CredentialCheckpoint.Basic basic(HttpServletRequest request) {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return null;
            }
            String decoded;
            try {
                decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new CredentialCheckpoint.Basic(decoded.substring(0, colon),
                    decoded.substring(colon + 1));
        }

        /**
         * The certificate the client presented on this TLS connection, or, on a request from a
         * trusted proxy only, the one the proxy forwards in its header.
         */
        Optional<X509Certificate> clientCertificate(HttpServletRequest request) {
            if (request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain
                    && chain.length > 0) {
                return Optional.of(chain[0]);
            }
            if (!settings.trustedProxies().contains(request.getRemoteAddr())) {
                return Optional.empty();
            }
            String forwarded = request.getHeader(settings.clientCertificateHeader());
            if (forwarded == null || forwarded.isBlank()) {
                return Optional.empty();
            }
            String pem = forwarded.contains("%") ? URLDecoder.decode(forwarded, StandardCharsets.UTF_8) : forwarded;
            if (!pem.contains("\n")) {
                // a proxy that folds the PEM onto one line (spaces for line breaks)
                pem = pem.replace("-----BEGIN CERTIFICATE----- ", "-----BEGIN CERTIFICATE-----\n")
                        .replace(" -----END CERTIFICATE-----", "\n-----END CERTIFICATE-----");
            }
            return Optional.of(Certificates.parse(pem));
        }

        private boolean issuedByPlatform(X509Certificate certificate) {
            String key;
            try {
                key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
                return false;
            }
            Boolean known = issued.getIfPresent(key);
            if (known != null) {
                // re-check the dates: a certificate may expire while it is remembered
                return known && notExpired(certificate);
            }
            boolean result = ca.issued(certificate);
            issued.put(key, result);
            return result;
        }

        private static boolean notExpired(X509Certificate certificate) {
            try {
                certificate.checkValidity();
                return true;
            } catch (java.security.cert.CertificateException e) {
                return false;
            }
        }
    }
}
