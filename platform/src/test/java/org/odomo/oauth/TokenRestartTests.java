package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odomo.OdomoApplication;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Tokens are signed with a key kept in the database: they stay valid across a restart. */
class TokenRestartTests {

    @TempDir
    Path dataDir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ConfigurableApplicationContext start(int port) {
        return new SpringApplicationBuilder(OdomoApplication.class).run("--odomo.data-dir=" + dataDir,
                "--server.port=" + port, "--spring.main.banner-mode=off", "--odomo.operator.password=restart-test");
    }

    @Test
    void accessAndRefreshTokensSurviveARestart() throws Exception {
        int port = freePort();
        Enrollment.Tokens tokens;
        App app;
        try (ConfigurableApplicationContext first = start(port)) {
            app = first.getBean(AppRegistry.class).ensureRegistered(new AppRegistration("Restart", "Restarts",
                    "Odomo tests", "dev@example.com", 10L, "restart-app", Set.of("data:telemetry"),
                    List.of(Enrollment.REDIRECT), "standard"), "restart-client", "restart-secret");
            first.getBean(AccountManagement.class).create(Brand.DS, "restart@example.com", "restart-password", "R", "S");
            tokens = Enrollment.enroll(port, app.clientId(), "restart-secret", Brand.DS.realm(), "restart@example.com",
                    "restart-password", List.of("data:telemetry"), false);
        }
        try (ConfigurableApplicationContext second = start(port)) {
            var me = new WebSession(port).get("/connectedcar/v4/user?client_id=" + app.clientId(),
                    Map.of("Authorization", "Bearer " + tokens.accessToken(), "x-introspect-realm", Brand.DS.realm()));
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            var refreshed = new WebSession(port).postForm("/am/oauth2/access_token?realm=" + Brand.DS.realm(),
                    Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()),
                    Map.of("Authorization", WebSession.basic(app.clientId(), "restart-secret")));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        }
    }
}
