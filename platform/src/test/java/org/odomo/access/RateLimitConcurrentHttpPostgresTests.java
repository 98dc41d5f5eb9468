package org.odomo.access;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.odomo.support.Services;

/** {@link RateLimitConcurrentHttpTests} with both nodes on PostgreSQL, in a fresh schema. */
@Tag("services")
class RateLimitConcurrentHttpPostgresTests extends RateLimitConcurrentHttpTests {

    private final String schema = Services.freshSchema();

    @Override
    List<String> nodeArgs() {
        return Services.postgresSchema(schema).entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toList();
    }

    @Override
    String[] profiles() {
        return new String[] {"test", "postgres"};
    }
}
