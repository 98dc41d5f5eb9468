package org.odomo.delivery.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends messages through the push service in the shape of Firebase Cloud Messaging's HTTP v1 API,
 * one request per device: {@code {"message": {"token", "data": {"mph_message": base64(message)},
 * "notification": {"title", "body"}}}}. The endpoint is the platform's setting, not an owner's, so
 * the target guard does not apply to it.
 *
 * <p>The attempt counts as received when every device accepted it or was reported unregistered
 * (404 with {@code UNREGISTERED}): those are handed back to the destination's owner. Otherwise it
 * is resent, to every device; the {@code notificationId} inside lets an app drop the copy.
 */
final class PushChannel {

    private final HttpClient client;
    private final DeliveryProperties.Push settings;
    private final Duration timeout;

    PushChannel(HttpClient client, DeliveryProperties.Push settings, Duration timeout) {
        this.client = client;
        this.settings = settings;
        this.timeout = timeout;
    }

    Outcome send(List<String> devices, String message, String title, String text, Map<String, String> data) {
        String target = WebhookChannel.shown(settings.endpoint());
        if (devices.isEmpty()) {
            return Outcome.failed(null, "no device to send to", target);
        }
        String encoded = Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
        Set<String> unregistered = new LinkedHashSet<>();
        Integer lastStatus = null;
        String error = null;
        for (String device : devices) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode m = body.putObject("message");
            m.put("token", device);
            ObjectNode d = m.putObject("data");
            data.forEach(d::put);
            d.put("mph_message", encoded);
            ObjectNode notification = m.putObject("notification");
            notification.put("title", title);
            notification.put("body", text);
            HttpRequest.Builder request = HttpRequest.newBuilder(settings.endpoint()).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MessageRenderer.JSON.writeValueAsString(body)));
            if (!settings.credential().isEmpty()) {
                request.header("Authorization", "Bearer " + settings.credential());
            }
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                lastStatus = response.statusCode();
                if (response.statusCode() == 404 && response.body().contains("UNREGISTERED")) {
                    unregistered.add(device);
                } else if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    error = "push service answered " + response.statusCode();
                }
            } catch (HttpTimeoutException e) {
                error = "push service gave no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                error = "push service unreachable: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                break;
            }
        }
        if (error != null) {
            return new Outcome(false, lastStatus, error, target, Set.copyOf(unregistered));
        }
        String note = unregistered.isEmpty() ? null : unregistered.size() + " device(s) no longer registered";
        return new Outcome(true, lastStatus, note, target, Set.copyOf(unregistered));
    }
}
