package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The direct way of writing a link gives exactly what building and encoding the URI gives. */
class LinksTests {

    @AfterEach
    void clear() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void directLinksEqualEncodedOnes() {
        for (String host : List.of("localhost", "api.example.com")) {
            for (int port : List.of(80, 8080)) {
                MockHttpServletRequest request = new MockHttpServletRequest("GET", "/connectedcar/v4/user");
                request.setServerName(host);
                request.setServerPort(port);
                RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
                for (String clientId : List.of("0a1b2c3d-4e5f", "app.client_1~x", "with space", "é", "a&b=c")) {
                    for (String path : List.of("/user/vehicles/abc123/status", "/user", "/user/vehicles/a b")) {
                        String expected = ServletUriComponentsBuilder.fromCurrentContextPath()
                                .path(Links.BASE + path).queryParam("client_id", clientId).encode().build()
                                .toUriString();
                        assertThat(Links.href(clientId, path)).as("%s %s", clientId, path).isEqualTo(expected);
                    }
                }
                RequestContextHolder.resetRequestAttributes();
            }
        }
    }
}
