package org.odomo.events;

import java.util.List;
import java.util.Optional;

import org.odomo.state.RetentionProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * For tests of consumers outside this package: another node's dispatcher over the same database,
 * feeding the given consumers (which must be that node's own instances).
 */
public final class SecondNode {

    private SecondNode() {
    }

    /** Starts the dispatcher; closing the answer stops it. */
    public static AutoCloseable dispatcher(ApplicationContext context, List<VehicleEventConsumer> consumers) {
        EventDispatcher d = new EventDispatcher(context.getBean(EventLogStore.class), new AppendSignal(), consumers,
                context.getBean(EventLogProperties.class), context.getBean(RetentionProperties.class),
                context.getBean(PlatformTransactionManager.class), new SimpleMeterRegistry(), Optional.empty());
        d.start();
        return d::stop;
    }
}
