package org.odomo.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The platform's database access, which a test can stop: {@link #fail()} makes every new
 * connection fail as an unreachable database would, {@link #block()} holds every caller until
 * {@link #open()}. Add {@link Setup} to a context to put the gate in front of its data source.
 */
public class GatedDataSource extends DelegatingDataSource implements AutoCloseable {

    private enum Mode { OPEN, FAIL, BLOCK }

    private Mode mode = Mode.OPEN;
    private int waiting;

    public GatedDataSource(DataSource target) {
        super(target);
    }

    public synchronized void open() {
        mode = Mode.OPEN;
        notifyAll();
    }

    public synchronized void fail() {
        mode = Mode.FAIL;
        notifyAll();
    }

    public synchronized void block() {
        mode = Mode.BLOCK;
    }

    /** Callers held by {@link #block()} right now. */
    public synchronized int waiting() {
        return waiting;
    }

    /** Closes the pool behind the gate with the context. */
    @Override
    public void close() throws Exception {
        if (getTargetDataSource() instanceof AutoCloseable pool) {
            pool.close();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        pass();
        return super.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        pass();
        return super.getConnection(username, password);
    }

    private synchronized void pass() throws SQLException {
        while (mode == Mode.BLOCK) {
            waiting++;
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientConnectionException("interrupted while the database was blocked");
            } finally {
                waiting--;
            }
        }
        if (mode == Mode.FAIL) {
            throw new SQLTransientConnectionException("database access stopped by the test");
        }
    }

    /**
     * Puts a gate in front of the context's data source, when given as a source of the context
     * (deliberately not a component, so that the application's scan does not pick it up).
     */
    public static class Setup {

        @Bean
        static BeanPostProcessor gatedDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    return bean instanceof DataSource ds && !(bean instanceof GatedDataSource) ? new GatedDataSource(ds)
                            : bean;
                }
            };
        }
    }
}
