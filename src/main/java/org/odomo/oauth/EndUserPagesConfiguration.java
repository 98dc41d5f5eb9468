package org.odomo.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The end-user pages of the identity server: login, sign-up, consent and account. Form posts
 * carry CSRF tokens; sessions are fixed at login.
 */
@Configuration(proxyBeanMethods = false)
class EndUserPagesConfiguration {

    @Bean
    @Order(2)
    SecurityFilterChain endUserPagesChain(HttpSecurity http, EndUserAuthenticationProvider users) throws Exception {
        SavedRequestAwareAuthenticationSuccessHandler success = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            protected String determineTargetUrl(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
                return "/am/account?realm=" + encode(request.getParameter(Realms.PARAMETER));
            }
        };
        http.securityMatcher("/am/**", "/assets/**")
                .authenticationProvider(users)
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
                                        + (exception instanceof LockedException ? "locked" : "credentials")))
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
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self' http: https:;"
                                + " frame-ancestors 'none'")));
        return http.build();
    }

    static String encode(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
