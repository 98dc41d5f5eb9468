package org.odomo.monitor;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same firing scenarios on PostgreSQL, in a schema of their own that is dropped afterwards
 * (the database may be shared): the row locks, the edge and sample writes and the tick must run on
 * both databases. The local receiver needs what production refuses (a plain-HTTP loopback target),
 * so this test allows it. Needs PostgreSQL: {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER},
 * {@code ODOMO_DB_PASSWORD}, as the postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
class MonitorFiringPostgresTests extends MonitorFiringTests {

    private static final String SCHEMA = "monitor_firing_" + UUID.randomUUID().toString().replace("-", "");

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        String url = env("ODOMO_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        properties.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        properties.add("spring.flyway.schemas", () -> SCHEMA);
        properties.add("spring.flyway.create-schemas", () -> "true");
        properties.add("odomo.callbacks.local-targets", () -> "loopback");
        properties.add("odomo.delivery.allow-private-targets", () -> "true");
        properties.add("odomo.delivery.allow-insecure-schemes", () -> "true");
    }

    @AfterAll
    static void dropSchema() {
        DriverManagerDataSource admin = new DriverManagerDataSource(env("ODOMO_DB_URL",
                "jdbc:postgresql://127.0.0.1:5432/test"), env("ODOMO_DB_USER", "postgres"), env("ODOMO_DB_PASSWORD", ""));
        JdbcClient.create(admin).sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").update();
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
