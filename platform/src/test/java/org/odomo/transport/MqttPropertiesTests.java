package org.odomo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The MQTT settings fill in what is left out and refuse, naming the key, what cannot work. */
class MqttPropertiesTests {

    @Test
    void leftOutSettingsTakeTheirDefaults() {
        MqttProperties p = new MqttProperties(null, 0, null, 0, "node-a", "", "", null, 0, 0);
        assertThat(p.host()).isEqualTo("127.0.0.1");
        assertThat(p.port()).isEqualTo(1883);
        assertThat(p.topicPrefix()).isEqualTo("odomo/v1");
        assertThat(p.connections()).isEqualTo(4);
        assertThat(p.username()).isNull();
        assertThat(p.password()).isNull();
        assertThat(p.sessionExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(p.receiveMaximum()).isEqualTo(10_000);
        assertThat(p.vehicleConnections()).isEqualTo(4);
        assertThat(p.vehicleAccounts()).isEqualTo(MqttProperties.VehicleAccounts.NONE);
        assertThat(p.platformClientId(2)).isEqualTo("node-a-2");
        assertThat(new MqttProperties(null, 0, "fleet/", 0, null, null, null, null, 0, 0).topicPrefix())
                .isEqualTo("fleet");
        assertThat(new MqttProperties(null, 0, null, 0, null, null, null, null, 0, 0).clientIdPrefix())
                .startsWith("odomo-").matches("[A-Za-z0-9._-]{1,48}");
    }

    @Test
    void settingsThatCannotWorkStopTheStartWithTheirKey() {
        assertThatThrownBy(() -> new MqttProperties(null, 70000, null, 0, "n", null, null, null, 0, 0))
                .hasMessageContaining("odomo.mqtt.port");
        assertThatThrownBy(() -> new MqttProperties(null, 0, "odomo/+/v1", 0, "n", null, null, null, 0, 0))
                .hasMessageContaining("odomo.mqtt.topic-prefix");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, -1, "n", null, null, null, 0, 0))
                .hasMessageContaining("odomo.mqtt.connections");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "node/a", null, null, null, 0, 0))
                .hasMessageContaining("odomo.mqtt.client-id-prefix");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "n", null, "secret", null, 0, 0))
                .hasMessageContaining("odomo.mqtt.password").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "n", null, null, Duration.ZERO, 0, 0))
                .hasMessageContaining("odomo.mqtt.session-expiry");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "n", null, null, null, 70000, 0))
                .hasMessageContaining("odomo.mqtt.receive-maximum");
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "n", null, null, null, 0, 100))
                .hasMessageContaining("odomo.mqtt.vehicle-connections");
        // The platform administers the vehicles' accounts under an account of its own.
        assertThatThrownBy(() -> new MqttProperties(null, 0, null, 0, "n", null, null, null, 0, 0,
                MqttProperties.VehicleAccounts.DYNAMIC_SECURITY))
                .hasMessageContaining("odomo.mqtt.username").hasMessageContaining("dynamic-security");
        assertThat(new MqttProperties(null, 0, null, 0, "n", "odomo-platform", "pw", null, 0, 0,
                MqttProperties.VehicleAccounts.DYNAMIC_SECURITY).vehicleAccounts())
                .isEqualTo(MqttProperties.VehicleAccounts.DYNAMIC_SECURITY);
    }
}
