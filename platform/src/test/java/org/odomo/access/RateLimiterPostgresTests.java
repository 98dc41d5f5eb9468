package org.odomo.access;

import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The same window arithmetic on PostgreSQL, each test in a schema of its own that is dropped
 * afterwards (the database may be shared). Needs PostgreSQL: {@code ODOMO_DB_URL},
 * {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the postgres profile.
 */
@Tag("services")
class RateLimiterPostgresTests extends RateLimiterTests {

    private final String schema = "rate_test_" + UUID.randomUUID().toString().replace("-", "");
    private DriverManagerDataSource admin;

    @Override
    DataSource migratedDatabase() {
        String url = env("ODOMO_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = env("ODOMO_DB_USER", "postgres");
        String password = env("ODOMO_DB_PASSWORD", "");
        admin = new DriverManagerDataSource(url, user, password);
        Flyway.configure().dataSource(admin).schemas(schema).createSchemas(true).locations("classpath:db/migration")
                .load().migrate();
        return new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user,
                password);
    }

    @AfterEach
    void dropSchema() {
        if (admin != null) {
            JdbcClient.create(admin).sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        }
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
