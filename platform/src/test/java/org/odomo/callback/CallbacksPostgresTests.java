package org.odomo.callback;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same callback scenarios on PostgreSQL, in a schema of their own that is dropped afterwards
 * (the database may be shared): the callbacks' SQL must run on both databases. Needs PostgreSQL:
 * {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
class CallbacksPostgresTests extends CallbacksApiTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
        // The scenarios include a developer's localhost receiver, which the postgres profile refuses.
        properties.add("odomo.callbacks.local-targets", () -> "loopback");
    }
}
