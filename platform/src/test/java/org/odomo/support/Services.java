package org.odomo.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.odomo.OdomoApplication;
import org.odomo.transport.MqttProperties;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the service-backed tests (JUnit tag {@code services}) share: the local PostgreSQL and
 * Mosquitto, a fresh database schema and topic prefix for every run so that runs never see each
 * other's data, and platform nodes started and stopped at will.
 */
public final class Services {

    public static final String DB_URL = env("ODOMO_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String DB_USER = env("ODOMO_DB_USER", "postgres");
    public static final String DB_PASSWORD = env("ODOMO_DB_PASSWORD", "");
    public static final String MQTT_HOST = env("ODOMO_MQTT_HOST", "127.0.0.1");
    public static final int MQTT_PORT = Integer.parseInt(env("ODOMO_MQTT_PORT", "1883"));

    private static final String SCHEMA_PREFIX = "odomo_it_";
    /** Schemas of runs older than this are leftovers of runs that could not clean up. */
    private static final long STALE_AFTER_SECONDS = 6 * 3600;
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

    static {
        dropStaleSchemas();
        Runtime.getRuntime().addShutdownHook(new Thread(Services::dropCreatedSchemas, "drop-test-schemas"));
    }

    private Services() {
    }

    /** A schema name no one used before; the schema itself is created by Flyway, dropped at the end of the run. */
    public static String freshSchema() {
        String name = SCHEMA_PREFIX + Instant.now().getEpochSecond() + "_" + shortId();
        CREATED.add(name);
        return name;
    }

    /** A topic prefix no one used before, so that no session or message of another run interferes. */
    public static String freshTopicPrefix() {
        return "odomo-it-" + shortId() + "/v1";
    }

    public static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /**
     * For a Spring test on the postgres profile: the platform's tables in a fresh schema of the local
     * PostgreSQL, created by Flyway and dropped at the end of the run.
     */
    public static void useFreshSchema(DynamicPropertyRegistry properties) {
        String schema = freshSchema();
        properties.add("spring.datasource.url",
                () -> DB_URL + (DB_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        properties.add("spring.flyway.schemas", () -> schema);
        properties.add("spring.flyway.create-schemas", () -> "true");
    }

    /** Settings that put the platform's tables in {@code schema} on the local PostgreSQL. */
    public static Map<String, Object> postgresSchema(String schema) {
        Map<String, Object> p = new HashMap<>();
        p.put("spring.flyway.schemas", schema);
        p.put("spring.datasource.hikari.schema", schema);
        // Several nodes live at once in a test run: keep well within PostgreSQL's connection limit.
        p.put("spring.datasource.hikari.maximum-pool-size", 4);
        p.put("spring.datasource.hikari.minimum-idle", 1);
        return p;
    }

    /** Settings of a platform node on the local PostgreSQL and Mosquitto. */
    public static Map<String, Object> platform(String schema, String topicPrefix, String clientIdPrefix) {
        Map<String, Object> p = postgresSchema(schema);
        p.put("odomo.mqtt.host", MQTT_HOST);
        p.put("odomo.mqtt.port", MQTT_PORT);
        p.put("odomo.mqtt.topic-prefix", topicPrefix);
        p.put("odomo.mqtt.client-id-prefix", clientIdPrefix);
        // Long enough for a restart within a test, short enough to leave nothing behind for long.
        p.put("odomo.mqtt.session-expiry", "PT3M");
        // The shared broker is anonymous and has no dynamic-security plugin.
        p.put("odomo.mqtt.vehicle-accounts", "none");
        return p;
    }

    /** Starts a platform node (no web server) with profiles test, postgres and mqtt. */
    public static ConfigurableApplicationContext startNode(Map<String, Object> properties, Class<?>... extraSources) {
        List<Class<?>> sources = new ArrayList<>(List.of(extraSources));
        // As command-line arguments, so that they override the application's configuration files.
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(OdomoApplication.class)
                .sources(sources.toArray(Class<?>[]::new))
                .profiles("test", "postgres", "mqtt")
                .web(WebApplicationType.NONE)
                .run(args);
    }

    /** Transport settings for simulated vehicles outside any platform node. */
    public static MqttProperties vehicleSide(String topicPrefix) {
        return new MqttProperties(MQTT_HOST, MQTT_PORT, topicPrefix, 1, "odomo-it-" + shortId(), null, null, null, 0, 2);
    }

    /** Counts rows in a table of a schema, straight from the database. */
    public static long count(String schema, String table) {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + schema + "." + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
    }

    private static void dropStaleSchemas() {
        long now = Instant.now().getEpochSecond();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
                    + SCHEMA_PREFIX + "%'")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String[] parts = name.substring(SCHEMA_PREFIX.length()).split("_");
                    try {
                        if (now - Long.parseLong(parts[0]) > STALE_AFTER_SECONDS) {
                            stale.add(name);
                        }
                    } catch (NumberFormatException e) {
                        // Not one of ours.
                    }
                }
            }
            for (String name : stale) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
        } catch (SQLException e) {
            // The tests that need the database will say so.
        }
    }

    private static void dropCreatedSchemas() {
        if (CREATED.isEmpty()) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '5s'");
            for (String name : CREATED) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
        } catch (SQLException e) {
            // Dropped with the stale ones by a later run.
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
