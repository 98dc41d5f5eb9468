package org.odomo.ingest;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The ingestion scenarios on PostgreSQL, in a schema of their own created for this run. */
@Tag("services")
@SpringBootTest
@ActiveProfiles({"test", "postgres"})
class PostgresIngestionTests extends IngestionScenarios {

    @DynamicPropertySource
    static void freshSchema(DynamicPropertyRegistry registry) {
        Services.postgresSchema(Services.freshSchema()).forEach((key, value) -> registry.add(key, () -> value));
    }
}
