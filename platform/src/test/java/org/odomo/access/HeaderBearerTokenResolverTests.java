package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class HeaderBearerTokenResolverTests {

    private final HeaderBearerTokenResolver resolver = new HeaderBearerTokenResolver();
    private final DefaultBearerTokenResolver reference = new DefaultBearerTokenResolver();

    @Test
    void agreesWithSpringSecuritysResolver() {
        String[] headers = { null, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "bearer abc", "BEARER abc.def-ghi_",
                "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "Bearer abc==", "Bearer abc=d", "Bearer =abc",
                "Bearer  abc", "Bearer abc ", "Bearer a b", "Bearer ab~+/c", "Bearer abc\t", "Bearerabc",
                "Bearer\tabc", "Bearer é", "Bearers abc" };
        for (String header : headers) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/connectedcar/v4/user");
            if (header != null) {
                request.addHeader("Authorization", header);
            }
            Object expected = outcome(() -> reference.resolve(request));
            assertThat(outcome(() -> resolver.resolve(request))).as("%s", header).isEqualTo(expected);
        }
    }

    @Test
    void malformedTokensAreInvalidTokens() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/connectedcar/v4/user");
        request.addHeader("Authorization", "Bearer a b");
        assertThatThrownBy(() -> resolver.resolve(request)).isInstanceOfSatisfying(OAuth2AuthenticationException.class,
                e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_token"));
    }

    private static Object outcome(java.util.function.Supplier<String> call) {
        try {
            return call.get();
        } catch (OAuth2AuthenticationException e) {
            return "error:" + e.getError().getErrorCode();
        }
    }
}
