package org.odomo.events;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;

/**
 * Publishes the log to a RabbitMQ topic exchange, as one more consumer of it: each batch is
 * published on the dispatch thread's channel and the broker's publisher confirms are awaited
 * before {@link #handleStored} returns, so the relay's cursor moves (in the dispatcher's
 * transaction) only once the broker holds the events. A lost connection, a refused or unconfirmed
 * publish throws, and the batch comes again from the cursor: every event reaches the broker at
 * least once, and a partition's events in log order (one partition is fed by one thread at a
 * time, and a batch is confirmed before the next is read). Subscribers recognise a repeat by the
 * message id, {@code <partition>:<position>}.
 *
 * <p>One connection per node, opened at the first batch (a broker down at start-up only delays
 * the relay) and recovered by the client when it drops; a channel per dispatch thread.
 */
@Component
@ConditionalOnProperty(name = "odomo.events.relay.rabbitmq.enabled", havingValue = "true")
class RabbitMqRelay implements LogPositionAware, DisposableBean {

    static final String NAME = "rabbitmq-relay";

    private static final Logger log = LoggerFactory.getLogger(RabbitMqRelay.class);

    private final RabbitMqRelayProperties settings;
    private final ConnectionFactory factory = new ConnectionFactory();
    private final Map<Thread, Channel> channels = new ConcurrentHashMap<>();
    private Connection connection;
    private boolean closed;

    RabbitMqRelay(RabbitMqRelayProperties settings) {
        this.settings = settings;
        try {
            factory.setUri(settings.uri());
            if ("amqps".equalsIgnoreCase(settings.uri().getScheme())) {
                // setUri alone would trust any certificate: check the broker's as any TLS client does.
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("odomo.events.relay.rabbitmq.uri is not a usable AMQP URI", e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
        factory.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, settings.confirmTimeout().toMillis()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handleStored(int partition, List<EventLogStore.Stored> batch) {
        Channel channel = null;
        try {
            channel = channel();
            for (EventLogStore.Stored stored : batch) {
                channel.basicPublish(settings.exchange(), stored.type() + '.' + stored.event().vin(), false,
                        properties(partition, stored), stored.payload().getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
        } catch (IOException | TimeoutException | RuntimeException e) {
            // The channel may hold unconfirmed publishes of this batch: a fresh one for the retry.
            discard(channel);
            throw new IllegalStateException("could not relay " + batch.size() + " events of partition " + partition
                    + " to RabbitMQ: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard(channel);
            throw new IllegalStateException("interrupted while awaiting the broker's confirms", e);
        }
    }

    private static AMQP.BasicProperties properties(int partition, EventLogStore.Stored stored) {
        VehicleEvent event = stored.event();
        return MessageProperties.PERSISTENT_BASIC.builder()
                .contentType("application/json")
                .contentEncoding("utf-8")
                .messageId(partition + ":" + stored.pos())
                .type(stored.type())
                .timestamp(Date.from(stored.appendedAt()))
                .headers(Map.of(
                        "vin", event.vin(),
                        "vehicle-message-id", event.messageId(),
                        "partition", partition,
                        "position", stored.pos(),
                        "at", event.at().toString()))
                .build();
    }

    private Channel channel() throws IOException, TimeoutException {
        Channel channel = channels.get(Thread.currentThread());
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        channel = connection().createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left for this connection");
        }
        channel.confirmSelect();
        channel.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, true);
        channels.put(Thread.currentThread(), channel);
        return channel;
    }

    /**
     * The node's connection. Once opened it is kept: the client recovers it when the network or
     * the broker drops it, and until then opening a channel fails and the batch comes again.
     */
    private synchronized Connection connection() throws IOException, TimeoutException {
        if (closed) {
            throw new IllegalStateException("the relay is shut down");
        }
        if (connection == null) {
            connection = factory.newConnection("odomo-" + NAME);
        }
        return connection;
    }

    private void discard(Channel channel) {
        if (channel == null) {
            return;
        }
        channels.remove(Thread.currentThread(), channel);
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            log.debug("could not abort a failed relay channel: {}", e.toString());
        }
    }

    @Override
    public synchronized void destroy() {
        closed = true;
        channels.clear();
        if (connection != null) {
            try {
                connection.close((int) Math.min(Integer.MAX_VALUE, settings.confirmTimeout().toMillis()));
            } catch (IOException | RuntimeException e) {
                log.debug("could not close the relay's connection cleanly: {}", e.toString());
            }
            connection = null;
        }
    }
}
