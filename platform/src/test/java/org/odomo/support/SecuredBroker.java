package org.odomo.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A Mosquitto of a test's own, on a free port, with the dynamic-security plugin and no anonymous
 * access, set up as docs/mqtt-transport.md tells an operator to: {@code mosquitto_ctrl dynsec init}
 * creates the platform's administrator account, the platform does the rest. The shared broker of
 * the other service tests stays anonymous and untouched.
 */
public final class SecuredBroker implements AutoCloseable {

    public static final String MOSQUITTO = env("ODOMO_MOSQUITTO", "/usr/sbin/mosquitto");
    public static final String MOSQUITTO_CTRL = env("ODOMO_MOSQUITTO_CTRL", "/usr/bin/mosquitto_ctrl");
    public static final String DYNSEC_PLUGIN = env("ODOMO_MOSQUITTO_DYNSEC",
            "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");

    public final String platformUser = "odomo-platform";
    public final String platformPassword = "it-" + Services.shortId();
    public final int port;
    public final Path dir;
    private final Process process;

    public SecuredBroker() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("odomo-broker-");
        port = freePort();
        Path config = dir.resolve("dynamic-security.json");
        Process init = new ProcessBuilder(MOSQUITTO_CTRL, "dynsec", "init", config.toString(), platformUser,
                platformPassword).redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile()).start();
        if (!init.waitFor(30, TimeUnit.SECONDS) || init.exitValue() != 0) {
            throw new IllegalStateException("mosquitto_ctrl dynsec init failed: "
                    + Files.readString(dir.resolve("init.log")));
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.write(conf, List.of(
                // Started as root, Mosquitto would switch to its own user, who cannot read this directory.
                "user " + System.getProperty("user.name"),
                "per_listener_settings false",
                "allow_anonymous false",
                "listener " + port + " 127.0.0.1",
                "plugin " + DYNSEC_PLUGIN,
                "plugin_opt_config_file " + config,
                "persistence false",
                "max_queued_messages 10000",
                "log_type error",
                "log_type warning",
                "log_dest stdout"), StandardCharsets.UTF_8);
        process = new ProcessBuilder(MOSQUITTO, "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
