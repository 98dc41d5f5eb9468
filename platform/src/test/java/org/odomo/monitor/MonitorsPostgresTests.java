package org.odomo.monitor;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same monitor scenarios on PostgreSQL, in a schema of their own that is dropped afterwards
 * (the database may be shared): the monitors' SQL must run on both databases. Needs PostgreSQL:
 * {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
class MonitorsPostgresTests extends MonitorsApiTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
    }
}
