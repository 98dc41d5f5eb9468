package org.odomo.delivery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

/** The guard against server-side request forgery, as production runs it (nothing private allowed). */
class TargetGuardTests {

    final TargetGuard production = new TargetGuard(false, false, InetAddress::getAllByName);

    void refused(String target, String why) {
        assertThatThrownBy(() -> production.check(URI.create(target))).isInstanceOf(TargetGuard.Refused.class)
                .hasMessageContaining(why);
    }

    @Test
    void refusesLoopbackPrivateLinkLocalAndSharedAddresses() {
        refused("https://127.0.0.1/hook", "127.0.0.1 (loopback address)");
        refused("https://10.1.2.3/hook", "10.1.2.3 (private address)");
        refused("https://192.168.0.10/hook", "private");
        refused("https://172.20.0.1/hook", "private");
        refused("https://169.254.169.254/latest/meta-data", "169.254.169.254 (link-local address)");
        refused("https://[::1]/hook", "loopback");
        refused("https://[fd12:3456::1]/hook", "unique local");
        refused("https://[fe80::1]/hook", "link-local");
        refused("https://100.64.1.1/hook", "CGNAT");
        refused("https://0.0.0.0/hook", "unspecified");
        refused("https://224.0.0.1/hook", "multicast");
        refused("https://[::ffff:10.0.0.1]/hook", "private");
        refused("https://[64:ff9b::7f00:1]/hook", "loopback, embedded in IPv6");
    }

    @Test
    void refusesANameThatResolvesToLoopback() {
        refused("https://localhost/hook", "localhost resolves to");
    }

    @Test
    void refusesANameWhenAnyOfItsAddressesIsPrivate() throws Exception {
        TargetGuard guard = new TargetGuard(false, false, host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7") });
        assertThatThrownBy(() -> guard.check(URI.create("https://rebinding.example/hook")))
                .isInstanceOf(TargetGuard.Refused.class).hasMessageContaining("10.0.0.7");
    }

    @Test
    void refusesCleartextSchemesUnlessAllowed() throws Exception {
        refused("http://93.184.216.34/hook", "http:// is not allowed");
        refused("ws://93.184.216.34/socket", "ws:// is not allowed");
        refused("ftp://93.184.216.34/hook", "not supported");
        refused("https://user:pw@93.184.216.34/hook", "credentials");
        TargetGuard dev = new TargetGuard(true, true, InetAddress::getAllByName);
        assertThat(dev.check(URI.create("http://127.0.0.1:8080/hook")).address().isLoopbackAddress()).isTrue();
    }

    @Test
    void aPublicAddressPassesAndIsWhatTheConnectionGoesTo() throws Exception {
        TargetGuard guard = new TargetGuard(false, false, host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34") });
        TargetGuard.Checked checked = guard.check(URI.create("https://hooks.example.com:8443/in?a=1"));
        assertThat(checked.pinned()).isEqualTo(URI.create("https://93.184.216.34:8443/in?a=1"));
        assertThat(checked.authority()).isEqualTo("hooks.example.com:8443");
        assertThat(checked.host()).isEqualTo("hooks.example.com");
    }

    @Test
    void aRefusedWebhookIsAFailedAttemptWithTheReasonAndNothingIsSent() throws Exception {
        try (HttpReceiver receiver = new HttpReceiver()) {
            WebhookChannel channel = new WebhookChannel(SSLContext.getDefault(),
                    new TargetGuard(false, true, InetAddress::getAllByName), Duration.ofSeconds(2), true);
            Outcome outcome = channel.send(receiver.uri("/hook"), "{}", Map.of(), Map.of());
            assertThat(outcome.received()).isFalse();
            assertThat(outcome.statusCode()).isNull();
            assertThat(outcome.error()).isEqualTo("target refused: 127.0.0.1 resolves to 127.0.0.1 (loopback address)");
            assertThat(receiver.received).isEmpty();
        }
    }
}
