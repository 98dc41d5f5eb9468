package org.odomo.delivery.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

/**
 * Removes delivery log entries and finished notifications older than the retention, once per
 * cluster: each node's scheduler fires, one takes the lock (a row in the shared database) and the
 * others skip that run.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryCleanup {

    private static final Logger log = LoggerFactory.getLogger(DeliveryCleanup.class);

    @Bean
    DeliveryCleanupJob deliveryCleanupJob(DataSource dataSource, OutboxStore store, DeliveryProperties settings,
            Optional<Clock> clock) {
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource)).withTableName("delivery_job_lock").usingDbTime()
                .build());
        return new DeliveryCleanupJob(new DefaultLockingTaskExecutor(locks), store, settings,
                clock.orElse(Clock.systemUTC()));
    }

    static final class DeliveryCleanupJob {
        private final LockingTaskExecutor locks;
        private final OutboxStore store;
        private final DeliveryProperties settings;
        private final Clock clock;

        DeliveryCleanupJob(LockingTaskExecutor locks, OutboxStore store, DeliveryProperties settings, Clock clock) {
            this.locks = locks;
            this.store = store;
            this.settings = settings;
            this.clock = clock;
        }

        @Scheduled(cron = "${odomo.delivery.cleanup-cron:0 23 * * * *}")
        void scheduled() {
            run();
        }

        /** @return whether this node ran it (false: another node holds the lock) */
        boolean run() {
            LockConfiguration lock = new LockConfiguration(Instant.now(), "delivery-cleanup", Duration.ofMinutes(30),
                    Duration.ofSeconds(30));
            LockingTaskExecutor.TaskResult<Integer> result;
            try {
                result = locks.executeWithLock(
                        () -> store.cleanUp(clock.instant().minus(settings.logRetention()), 5_000), lock);
            } catch (Throwable e) {
                log.warn("delivery clean-up failed: {}", e.toString());
                return false;
            }
            if (result.wasExecuted() && result.getResult() != null && result.getResult() > 0) {
                log.info("delivery clean-up removed {} rows", result.getResult());
            }
            return result.wasExecuted();
        }
    }
}
