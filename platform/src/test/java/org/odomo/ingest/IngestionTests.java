package org.odomo.ingest;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The ingestion scenarios on the embedded database (H2 in PostgreSQL mode). */
@SpringBootTest
@ActiveProfiles("test")
class IngestionTests extends IngestionScenarios {
}
