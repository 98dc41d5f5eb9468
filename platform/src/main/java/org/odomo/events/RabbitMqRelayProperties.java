package org.odomo.events;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The optional relay of the vehicle event log to a RabbitMQ topic exchange, so that services
 * outside the platform (and on other nodes) can subscribe to vehicle events.
 *
 * @param enabled          whether the relay runs; off by default. Once it has run, its cursors hold
 *                         back the log's retention until it has relayed the events, so a relay
 *                         turned off for good should have its {@code event_cursor} rows deleted
 * @param uri              the broker, as an AMQP URI ({@code amqp://user:password@host:5672/vhost})
 * @param exchange         the durable topic exchange the events are published to (declared if
 *                         missing); routing key {@code <event type>.<vin>}
 * @param confirmTimeout   how long a batch may wait for the broker's publisher confirms before it
 *                         counts as failed and comes again
 * @param recoveryInterval how long the client waits between attempts to reconnect a lost connection
 */
@ConfigurationProperties("odomo.events.relay.rabbitmq")
public record RabbitMqRelayProperties(boolean enabled, URI uri, String exchange, Duration confirmTimeout,
        Duration recoveryInterval) {

    public RabbitMqRelayProperties {
        uri = uri == null ? URI.create("amqp://guest:guest@127.0.0.1:5672") : uri;
        exchange = exchange == null || exchange.isBlank() ? "odomo.vehicle-events" : exchange;
        confirmTimeout = positive(confirmTimeout, Duration.ofSeconds(10));
        recoveryInterval = positive(recoveryInterval, Duration.ofSeconds(5));
    }

    private static Duration positive(Duration given, Duration otherwise) {
        return given == null || given.isNegative() || given.isZero() ? otherwise : given;
    }
}
