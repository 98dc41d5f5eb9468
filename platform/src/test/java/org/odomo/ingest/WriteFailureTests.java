package org.odomo.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which write failures reject a message for good, and which leave it to be delivered again. */
class WriteFailureTests {

    @Test
    void dataTheDatabaseRefusesCannotBeStored() {
        assertThat(IngestPipeline.cannotBeStored(new DataIntegrityViolationException("value too long"))).isTrue();
        assertThat(IngestPipeline.cannotBeStored(new IllegalArgumentException("not a number"))).isTrue();
        assertThat(IngestPipeline.cannotBeStored(new ClassCastException("not an object"))).isTrue();
    }

    @Test
    void anUnavailableDatabaseIsNeverTheMessagesFault() {
        assertThat(IngestPipeline.cannotBeStored(new CannotGetJdbcConnectionException("refused", new SQLException())))
                .isFalse();
        assertThat(IngestPipeline.cannotBeStored(new DataAccessResourceFailureException("connection reset"))).isFalse();
        assertThat(IngestPipeline.cannotBeStored(new CannotCreateTransactionException("no connection"))).isFalse();
        assertThat(IngestPipeline.cannotBeStored(new CannotAcquireLockException("deadlock"))).isFalse();
    }
}
