package org.odomo.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.odomo.api.ApiException;
import org.odomo.callback.CallbackProperties.LocalTargets;

/**
 * Targets on this machine: accepted only where the setting allows them (the embedded developer
 * set-up), with or without TLS there, and refused otherwise whatever the scheme.
 */
class SubscriptionReaderTests {

    private static Subscription read(LocalTargets mode, String target, String channel) {
        String body = "{\"callback\": {\"" + channel + "\": {\"name\": \"n\", \"target\": \"" + target + "\"}}}";
        return new SubscriptionReader(mode).read(SubscriptionReader.parse(new ByteArrayInputStream(
                body.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void productionRefusesEveryTargetOnThisMachine() {
        for (String target : new String[] {"http://localhost:8080/in", "https://localhost/in", "https://LOCALHOST./in",
                "https://app.localhost/in", "http://127.0.0.1/in", "https://127.0.0.2/in", "https://[::1]/in",
                "https://[::ffff:127.0.0.1]/in"}) {
            assertThatThrownBy(() -> read(LocalTargets.NONE, target, "webhook")).as(target)
                    .isInstanceOf(ApiException.class).hasMessageContaining("callback.webhook.target");
        }
        assertThatThrownBy(() -> read(LocalTargets.NONE, "ws://localhost:9000", "websocket"))
                .hasMessageContaining("callback.websocket.target");
        assertThat(read(LocalTargets.NONE, "https://receiver.example.com/in", "webhook").target())
                .hasToString("https://receiver.example.com/in");
        assertThatThrownBy(() -> read(LocalTargets.NONE, "http://receiver.example.com/in", "webhook"))
                .hasMessageContaining("the scheme must be https");
    }

    @Test
    void theDeveloperSetUpAcceptsLoopbackTargetsOnly() {
        for (String target : new String[] {"http://localhost:8080/in", "https://localhost/in", "http://127.0.0.1:9/in",
                "http://[::1]:8080/in"}) {
            assertThat(read(LocalTargets.LOOPBACK, target, "webhook").target()).as(target).hasToString(target);
        }
        assertThat(read(LocalTargets.LOOPBACK, "ws://localhost:9000/ws", "websocket").target())
                .hasToString("ws://localhost:9000/ws");
        assertThatThrownBy(() -> read(LocalTargets.LOOPBACK, "http://receiver.example.com/in", "webhook"))
                .hasMessageContaining("http only to localhost");
        assertThatThrownBy(() -> read(LocalTargets.LOOPBACK, "http://10.1.2.3/in", "webhook"))
                .hasMessageContaining("not a public one");
    }
}
