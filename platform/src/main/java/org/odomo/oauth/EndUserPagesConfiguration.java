package org.odomo.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.odomo.apps.AppRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The end-user pages of the identity server: login, sign-up, consent and account. Form posts
 * carry CSRF tokens; sessions are fixed at login. Pages load nothing from elsewhere, cannot be
 * framed and send no referrer to other sites (see {@link EndUserPagePolicy}).
 */
@Configuration(proxyBeanMethods = false)
class EndUserPagesConfiguration {

    @Bean
    @Order(2)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain endUserPagesChain(HttpSecurity http, EndUserAuthenticationProvider users, AppRegistry apps)
            throws Exception {
        SavedRequestAwareAuthenticationSuccessHandler success = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            protected String determineTargetUrl(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
                return "/am/account?realm=" + encode(request.getParameter(Realms.PARAMETER));
            }
        };
        // The end-user provider alone, without the global authentication manager as parent: a
        // parent holding the same provider bean would check every failed login twice, counting
        // two failures against the login throttle for each wrong password.
        http.securityMatcher("/am/**", "/assets/**")
                .authenticationManager(new ProviderManager(users))
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers("/am/login", "/am/signup", "/assets/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage(AuthorizationServerConfiguration.LOGIN)
                        .loginProcessingUrl(AuthorizationServerConfiguration.LOGIN)
                        .usernameParameter("email")
                        .passwordParameter("password")
                        .successHandler(success)
                        .failureHandler((request, response, exception) -> response.sendRedirect(
                                "/am/login?realm=" + encode(request.getParameter(Realms.PARAMETER)) + "&error="
                                        + (exception instanceof EndUserAuthenticationProvider.ThrottledException t
                                                ? "throttled&retry=" + t.seconds() : "credentials")))
                        .permitAll())
                .logout(logout -> logout.logoutUrl("/am/logout").logoutSuccessHandler((request, response, auth) ->
                        response.sendRedirect("/am/login?realm=" + encode(request.getParameter(Realms.PARAMETER))
                                + "&loggedOut")))
                .exceptionHandling(e -> e.authenticationEntryPoint(
                        new LoginUrlAuthenticationEntryPoint(AuthorizationServerConfiguration.LOGIN) {
                            @Override
                            protected String determineUrlToUseForThisRequest(HttpServletRequest request,
                                    jakarta.servlet.http.HttpServletResponse response,
                                    org.springframework.security.core.AuthenticationException exception) {
                                return AuthorizationServerConfiguration.LOGIN + "?realm="
                                        + encode(request.getParameter(Realms.PARAMETER));
                            }
                        }))
                .headers(headers -> headers
                        .addHeaderWriter(new EndUserPagePolicy(apps))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    static String encode(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
