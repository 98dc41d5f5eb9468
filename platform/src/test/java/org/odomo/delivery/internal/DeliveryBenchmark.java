package org.odomo.delivery.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.odomo.OdomoApplication;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivery throughput: pre-fills the outbox (engine stopped), then starts an engine and measures
 * notifications per second until every one has reached a local webhook receiver.
 * Arguments: notifications, streams (notifications / streams per stream: 1 means every message
 * goes alone, more means arrays).
 */
public final class DeliveryBenchmark {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : total;
        TestDestinations destinations = new TestDestinations();
        try (HttpReceiver receiver = new HttpReceiver();
                ConfigurableApplicationContext app = new SpringApplicationBuilder(OdomoApplication.class)
                        .web(WebApplicationType.NONE)
                        .initializers(c -> c.getBeanFactory().registerSingleton("benchDestinations", destinations))
                        .properties(Map.of("odomo.data-dir", "target/bench-delivery/" + System.nanoTime(),
                                "odomo.delivery.enabled", "false", "logging.level.root", "WARN"))
                        .run()) {
            destinations.put(new Destination("bench", DeliveryOwner.endUserApp(1, "bench"), "bench",
                    Destination.State.RUNNING, new Destination.Webhook(receiver.uri("/bench")), List.of(),
                    DeliveryPolicy.endUser()));
            NotificationOutbox outbox = app.getBean(NotificationOutbox.class);
            TransactionTemplate tx = app.getBean(TransactionTemplate.class);
            ObjectNode event = JsonNodeFactory.instance.objectNode().put("monitorId", "m").put("refresh", false);
            long fill = System.nanoTime();
            for (int from = 0; from < total; from += 1000) {
                int start = from;
                tx.executeWithoutResult(s -> {
                    for (int i = start; i < Math.min(total, start + 1000); i++) {
                        outbox.enqueue(new Notification("bench", "s" + (i % streams), java.time.Instant.now(),
                                Notification.Kind.MONITOR, event, Map.of("Vin", "VR3BENCH000000001")));
                    }
                });
            }
            System.out.printf("BENCH prefill %d notifications on %d streams in %.1f s%n", total, streams,
                    (System.nanoTime() - fill) / 1e9);
            DeliveryProperties base = app.getBean(DeliveryProperties.class);
            DeliveryProperties on = new DeliveryProperties(true, Duration.ofMillis(20), base.claimLimit(),
                    base.concurrency(), base.lease(), base.maxBatchesPerClaim(), base.timeout(), base.pausedRecheck(),
                    true, true, base.logRetention(), base.cleanupCron(), base.push());
            DeliveryEngine engine = new DeliveryEngine(app.getBean(OutboxStore.class), List.of(destinations), on,
                    app.getBean(DeliveryMetrics.class), app.getBean(TaskScheduler.class), Optional.empty());
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            long started = System.nanoTime();
            engine.start();
            long open;
            do {
                Thread.sleep(200);
                open = jdbc.queryForObject("SELECT COUNT(*) FROM delivery_notification WHERE completed_at IS NULL",
                        Long.class);
            } while (open > 0 && System.nanoTime() - started < 110e9);
            double seconds = (System.nanoTime() - started) / 1e9;
            engine.stop();
            long delivered = total - open;
            System.out.printf("RESULT notifications=%d streams=%d delivered=%d seconds=%.1f rate=%.0f/s requests=%d%n",
                    total, streams, delivered, seconds, delivered / seconds, receiver.received.size());
        }
        System.exit(0);
    }
}
