package org.odomo.b2b.history;

import org.junit.jupiter.api.Tag;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.Services;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same fleet history scenarios on PostgreSQL (the keyset's row-value comparison, the joins and
 * the indexes of both databases), in a fresh schema dropped at the end of the run.
 */
@PublishedSpecs
@Tag("services")
@ActiveProfiles({"test", "postgres"})
@Import(FleetHistoryApiTests.Clocks.class)
class FleetHistoryApiPostgresTests extends FleetHistoryApiTests {

    @DynamicPropertySource
    static void schema(DynamicPropertyRegistry properties) {
        Services.useFreshSchema(properties);
    }
}
