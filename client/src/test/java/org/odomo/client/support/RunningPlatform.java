package org.odomo.client.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.odomo.OdomoApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform as the README's demo runs it (profile {@code demo}, embedded database, simulated
 * fleet), started once for all the tests of the JVM on a random port and a fresh data directory,
 * with a small fleet and two days of past so that the demo cars have trips. Tests reach it only
 * over HTTP, as an app does.
 */
public final class RunningPlatform implements BeforeAllCallback {

    public static final String OPERATOR_PASSWORD = "client-test-operator";
    public static final String DEMO_PASSWORD = "odomo-demo";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Instance instance;

    /** The running platform. */
    public record Instance(URI baseUri, Instant startedAt, ConfigurableApplicationContext context, Path dataDir)
            implements AutoCloseable {

        @Override
        public void close() {
            context.close();
            FileSystemUtils.deleteRecursively(dataDir.toFile());
        }
    }

    /** A registered app: what the operator API answered. */
    public record App(String id, String clientId, String clientSecret) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        instance();
    }

    public static synchronized Instance instance() {
        if (instance == null) {
            instance = start();
            Instance started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return instance;
    }

    private static Instance start() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("odomo-client-tests");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant startedAt = Instant.now();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OdomoApplication.class).profiles("demo")
                .run("--odomo.data-dir=" + dataDir, "--server.port=0", "--spring.main.banner-mode=off",
                        "--odomo.simulator.vehicles=18", "--odomo.simulator.time-factor=1",
                        "--odomo.demo.backfill=P2D", "--odomo.operator.password=" + OPERATOR_PASSWORD,
                        "--logging.level.org.odomo=WARN");
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        // The demo records in the database when its past is filled; until then the trips grow.
        await("the demo's backfill").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM demo_backfill WHERE finished_at IS NOT NULL",
                        Long.class) > 0);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Instance(URI.create("http://localhost:" + port), startedAt, context, dataDir);
    }

    /** Registers an app through the operator API, with the loopback redirect URI of the README. */
    public static App register(String loginId, List<String> scopes, String plan) {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("name", "Client test " + loginId)
                .put("concept", "Tests the Java client").put("company", "Odomo tests")
                .put("contactEmail", "dev@example.com").put("requestsPerMonth", 10000).put("loginId", loginId)
                .put("slaPlan", plan).<tools.jackson.databind.node.ObjectNode>set("scopes", JSON.valueToTree(scopes))
                .set("redirectUris", JSON.valueToTree(List.of("http://127.0.0.1:9999/callback"))));
        HttpRequest request = HttpRequest.newBuilder(instance().baseUri().resolve("/admin/v1/apps"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("registration refused: " + response.statusCode() + " " + response.body());
        }
        JsonNode app = JSON.readTree(response.body());
        return new App(app.path("id").asString(), app.path("clientId").asString(), app.path("clientSecret").asString());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
