package org.odomo.events;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same event log scenarios on PostgreSQL (row locks on the partitions, {@code SKIP LOCKED}
 * cursors, the one-statement insert), in a schema of their own that is dropped afterwards.
 * Needs PostgreSQL: {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the
 * postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
@Import(EventLogTests.Consumers.class)
class EventLogPostgresTests extends EventLogTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
    }
}
