package org.odomo.oauth;

import java.io.IOException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiErrorWriter;
import org.odomo.apps.AppRegistry;
import org.odomo.apps.PlatformKeys;
import org.odomo.crypto.CredentialGuard;
import org.odomo.vehicle.Brand;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The OAuth2 authorization server, configured on Spring Security's implementation with the
 * endpoint paths of the real identity servers:
 * {@code /am/oauth2/authorize}, {@code /am/oauth2/access_token}, {@code /am/oauth2/token/revoke},
 * plus JWKS, introspection and OpenID discovery. Realms are told apart by the {@code realm}
 * parameter (see {@link Realms}); tokens carry the realm and the client id as claims.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

    static final String AUTHORIZE = "/am/oauth2/authorize";
    static final String TOKEN = "/am/oauth2/access_token";
    static final String REVOKE = "/am/oauth2/token/revoke";
    static final String INTROSPECT = "/am/oauth2/introspect";
    static final String PAR = "/am/oauth2/par";
    static final String DEVICE_AUTHORIZATION = "/am/oauth2/device_authorization";
    static final String CONSENT = "/am/oauth2/consent";
    static final String LOGIN = "/am/login";

    @Bean
    @Order(1)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain authorizationServerChain(HttpSecurity http, CredentialGuard guard, AppRegistry apps)
            throws Exception {
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        OAuthErrorResponses errors = new OAuthErrorResponses();
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s
                        .clientAuthentication(client -> client
                                .authenticationProviders(providers -> providers.replaceAll(provider ->
                                        provider instanceof ClientSecretAuthenticationProvider
                                                ? new GuardedClientSecretAuthentication.Provider(provider, guard, apps)
                                                : provider))
                                .errorResponseHandler(errors))
                        .authorizationEndpoint(endpoint -> endpoint.consentPage(CONSENT))
                        .tokenEndpoint(token -> token.errorResponseHandler(errors))
                        .tokenIntrospectionEndpoint(introspection -> introspection.errorResponseHandler(errors)
                                .authenticationProviders(providers -> providers.replaceAll(provider ->
                                        provider instanceof OAuth2TokenIntrospectionAuthenticationProvider
                                                ? new OwnTokensIntrospection(provider) : provider)))
                        .tokenRevocationEndpoint(revocation -> revocation.errorResponseHandler(errors))
                        .oidc(Customizer.withDefaults()));
        http.authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint(LOGIN), new MediaTypeRequestMatcher(MediaType.TEXT_HTML))
                        // Machines calling an endpoint without credentials get the API's error body.
                        .defaultAuthenticationEntryPointFor((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            ApiErrorWriter.write(response, ApiErrorCode.UNAUTHENTICATED, "authentication required");
                        }, AnyRequestMatcher.INSTANCE))
                .addFilterAfter(new RealmSwitchFilter(), SecurityContextHolderFilter.class);
        return http.build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(OAuthProperties settings) {
        AuthorizationServerSettings.Builder builder = AuthorizationServerSettings.builder()
                .authorizationEndpoint(AUTHORIZE)
                .tokenEndpoint(TOKEN)
                .tokenRevocationEndpoint(REVOKE)
                .tokenIntrospectionEndpoint(INTROSPECT)
                .jwkSetEndpoint("/am/oauth2/connect/jwk_uri")
                .oidcUserInfoEndpoint("/am/oauth2/userinfo")
                .oidcLogoutEndpoint("/am/oauth2/connect/endSession")
                .pushedAuthorizationRequestEndpoint(PAR)
                .deviceAuthorizationEndpoint(DEVICE_AUTHORIZATION)
                .deviceVerificationEndpoint("/am/oauth2/device_verification")
                .clientRegistrationEndpoint("/am/oauth2/register")
                .oidcClientRegistrationEndpoint("/am/oauth2/connect/register");
        if (settings.issuer() != null) {
            builder.issuer(settings.issuer());
        }
        return builder.build();
    }

    /** Client secrets as the credential gate sees them, so that throttled clients are turned away first. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    ClientSecretCheckpoint clientSecretCheckpoint(AppRegistry apps) {
        return new ClientSecretCheckpoint(apps);
    }

    /** Client secrets are checked with the platform's hashing policy, bounded and spared re-hashing. */
    @Bean
    org.springframework.security.crypto.password.PasswordEncoder passwordEncoder(CredentialGuard guard) {
        return guard.encoder();
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(AppRegistry apps, OAuthProperties settings) {
        return new AppClientRepository(apps, settings);
    }

    @Bean
    RevocationAwareAuthorizationService authorizationService(JdbcTemplate jdbc, RegisteredClientRepository clients,
            OAuthProperties settings, org.springframework.transaction.PlatformTransactionManager transactions) {
        return new RevocationAwareAuthorizationService(new JdbcOAuth2AuthorizationService(jdbc, clients), jdbc,
                settings.revocationCacheTtl().toMillis(), transactions);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc,
            RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(PlatformKeys keys) {
        // The key is read (or created) when the first token is signed or checked, not at start:
        // reading it loads Bouncy Castle, whose signed jars the JVM verifies as it opens them.
        SingletonSupplier<JWKSet> keySet = SingletonSupplier.of(() -> {
            PlatformKeys.StoredKey signing = keys.getOrCreate("token-signing", 2048, pair -> null);
            RSAKey key = new RSAKey.Builder((RSAPublicKey) signing.keyPair().getPublic())
                    .privateKey((RSAPrivateKey) signing.keyPair().getPrivate())
                    .keyID(signing.keyId())
                    .build();
            return new JWKSet(key);
        });
        return (selector, context) -> selector.select(keySet.obtain());
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
    }

    /** Access and ID tokens name the realm and the app; the subject is the account id. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims() {
        return context -> {
            Optional<String> realm = EndUserAuthenticationProvider.realmOf(context.getPrincipal());
            realm.ifPresent(r -> context.getClaims().claim(Realms.PARAMETER, r));
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
            }
            if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                // The server writes auth_time only when the login's session is known to this node
                // (its session registry is in memory); the login time also travels with the
                // authorization in the database, so every node can write it.
                loginTime(context.getPrincipal()).ifPresent(time -> context.getClaims()
                        .claims(claims -> claims.putIfAbsent(IdTokenClaimNames.AUTH_TIME, time)));
            }
            if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())) {
                // A refreshed token keeps the scopes of the original grant (set by the server).
                return;
            }
        };
    }

    /** When the user last proved who they are: the newest authentication factor's time. */
    static Optional<Instant> loginTime(Authentication principal) {
        if (principal == null) {
            return Optional.empty();
        }
        return principal.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(a -> ((FactorGrantedAuthority) a).getIssuedAt())
                .max(Instant::compareTo);
    }

    /**
     * Ends the session registry's record of a session when the session ends: the authorization
     * server keeps one per session that asked for {@code openid}, in memory.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    ServletListenerRegistrationBean<HttpSessionEventPublisher> sessionEventPublisher() {
        return new ServletListenerRegistrationBean<>(new HttpSessionEventPublisher());
    }

    /**
     * An end user logged into one realm who starts an authorization in another must log in
     * again there: the session's login is dropped before the authorization endpoint sees it.
     */
    static final class RealmSwitchFilter extends OncePerRequestFilter {
        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !AUTHORIZE.equals(request.getRequestURI()) || !"GET".equals(request.getMethod());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<Brand> requested = Realms.fromRequest(request);
            if (requested.isEmpty()) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST,
                        "unknown or missing realm: add realm=clientsB2CPeugeot (or another brand realm)");
                return;
            }
            Authentication current = SecurityContextHolder.getContext().getAuthentication();
            Optional<String> loggedInto = EndUserAuthenticationProvider.realmOf(current);
            if (loggedInto.isPresent() && !loggedInto.get().equals(requested.get().realm())) {
                SecurityContextHolder.clearContext();
                if (request.getSession(false) != null) {
                    request.getSession(false).invalidate();
                }
            }
            chain.doFilter(request, response);
        }
    }
}
