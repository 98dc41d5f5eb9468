package org.odomo.b2b;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same paging on PostgreSQL, in a schema of its own that is dropped afterwards (the database
 * may be shared): the keyset reads of a fleet's vehicles, both ways, must run on both databases.
 * Needs PostgreSQL: {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the
 * postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
class FleetPagingPostgresTests extends FleetPagingTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
    }
}
