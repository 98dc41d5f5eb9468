package org.odomo.remote;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same remote operations on PostgreSQL, in a schema of their own that is dropped afterwards
 * (the database may be shared): the listing, counting and owner-scoped reads must run on both
 * databases. Needs PostgreSQL: {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD},
 * as the postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
class RemotesApiPostgresTests extends RemotesApiTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
    }
}
