package org.odomo.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.odomo.oauth.WebSession;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** An HTTPS port already taken costs the platform its HTTPS, not its start: the plain port serves on. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "odomo.tls.enabled=true")
@ActiveProfiles("test")
class HttpsConnectorPortTakenTests {

    private static final ServerSocket TAKEN = take();

    private static ServerSocket take() {
        try {
            return new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("odomo.tls.port", TAKEN::getLocalPort);
    }

    @AfterAll
    static void release() throws IOException {
        TAKEN.close();
    }

    @LocalServerPort
    int httpPort;
    @Autowired
    HttpsConnector https;

    @Test
    void thePlainPortServesOnAndTheConnectorSaysWhy() {
        assertThatThrownBy(() -> https.port(Duration.ofMinutes(2))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("no HTTPS connector:");
        assertThat(new WebSession(httpPort).get("/ping").statusCode()).isEqualTo(200);
    }
}
