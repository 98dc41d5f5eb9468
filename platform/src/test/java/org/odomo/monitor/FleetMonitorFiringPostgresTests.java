package org.odomo.monitor;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same fleet monitor scenarios on PostgreSQL, in a schema of their own that is dropped
 * afterwards (the database may be shared): the migration, the edge writes per (monitor, vehicle),
 * the membership changes and the delivery of batches must run on both databases. The local
 * receiver needs what production refuses (a plain-HTTP loopback target), so this test allows it.
 * Needs PostgreSQL: {@code ODOMO_DB_URL}, {@code ODOMO_DB_USER}, {@code ODOMO_DB_PASSWORD}, as the
 * postgres profile.
 */
@Tag("services")
@ActiveProfiles({"test", "postgres"})
// The stolen-vehicle declarations of the tests: a nested configuration of the superclass is not found otherwise.
@Import(FleetMonitorFiringTests.Declarations.class)
class FleetMonitorFiringPostgresTests extends FleetMonitorFiringTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
        properties.add("odomo.callbacks.local-targets", () -> "loopback");
        properties.add("odomo.delivery.allow-private-targets", () -> "true");
        properties.add("odomo.delivery.allow-insecure-schemes", () -> "true");
    }
}
