package org.odomo.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.regex.Pattern;

import org.odomo.protocol.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * MQTT transport settings ({@code odomo.mqtt.*}), used when {@code odomo.transport=mqtt}. Every
 * value is checked when the application starts: a bad one stops it with a message naming the key.
 *
 * @param host               broker host name or address
 * @param port               broker TCP port (1883 without TLS)
 * @param topicPrefix        the first levels of every vehicle topic, without wildcards:
 *                           {@code {prefix}/vehicles/{vin}/up/{type}} and {@code .../down/{type}}
 * @param connections        MQTT connections this platform node opens to consume the uplink; each
 *                           joins the shared subscription, so the broker spreads messages over
 *                           all connections of all nodes
 * @param clientIdPrefix     client id prefix of this node's connections ({@code {prefix}-0},
 *                           {@code {prefix}-1}, ...). It must be stable across restarts, so that a
 *                           restarted node resumes its sessions and receives what it had not
 *                           acknowledged, and distinct per node, or nodes would take over each
 *                           other's sessions. Defaults to {@code odomo-} and the host name.
 * @param username           user name presented to the broker, or empty for anonymous access
 * @param password           password presented to the broker with {@code username}
 * @param sessionExpiry      how long the broker keeps a disconnected node's session and the
 *                           messages addressed to it; a node restarted within this time loses
 *                           nothing. The broker keeps delivering the session's share of the shared
 *                           subscription meanwhile, so a node removed for good should be given
 *                           time to expire (or its sessions removed) rather than left configured.
 * @param receiveMaximum     uplink messages the broker may have in flight (sent, not yet
 *                           acknowledged) on each connection. Messages are acknowledged only once
 *                           stored, so this window must cover the messages waiting for and inside
 *                           a database batch; beyond it the broker queues (Mosquitto's
 *                           {@code max_queued_messages}) and then drops.
 * @param vehicleConnections connections shared by the simulated vehicles of this process that
 *                           have no broker account of their own (all of them with
 *                           {@code vehicle-accounts} {@code none})
 * @param vehicleAccounts    whether each vehicle has a broker account of its own that confines it
 *                           to its topics: {@code none} (the broker lets any client publish and
 *                           subscribe; every message carries the vehicle's credential) or
 *                           {@code dynamic-security} (the platform keeps one Mosquitto
 *                           dynamic-security client per vehicle, user name its VIN, password its
 *                           credential; the broker vouches for the sender of an uplink message)
 */
@ConfigurationProperties("odomo.mqtt")
public record MqttProperties(String host, int port, String topicPrefix, int connections, String clientIdPrefix,
        String username, String password, Duration sessionExpiry, int receiveMaximum, int vehicleConnections,
        VehicleAccounts vehicleAccounts) {

    /** Who the broker lets publish on a vehicle's uplink topics and read its downlink topics. */
    public enum VehicleAccounts {
        /** Anyone the broker lets in: the message body's credential is what proves the vehicle. */
        NONE,
        /** One dynamic-security client and role per vehicle, kept by the platform. */
        DYNAMIC_SECURITY
    }

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,48}");
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFEL;

    /** The settings of an open broker (no per-vehicle accounts). */
    public MqttProperties(String host, int port, String topicPrefix, int connections, String clientIdPrefix,
            String username, String password, Duration sessionExpiry, int receiveMaximum, int vehicleConnections) {
        this(host, port, topicPrefix, connections, clientIdPrefix, username, password, sessionExpiry, receiveMaximum,
                vehicleConnections, null);
    }

    @ConstructorBinding
    public MqttProperties {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.trim();
        port = port == 0 ? 1883 : port;
        require(port > 0 && port <= 65535, "port", port, "must be between 1 and 65535");
        topicPrefix = topicPrefix == null ? "odomo/v1" : topicPrefix;
        try {
            topicPrefix = new Topics(topicPrefix).prefix();
        } catch (IllegalArgumentException e) {
            throw invalid("topic-prefix", topicPrefix, "must be a topic without + or # wildcards");
        }
        connections = connections == 0 ? 4 : connections;
        require(connections >= 1 && connections <= 64, "connections", connections, "must be between 1 and 64");
        clientIdPrefix = clientIdPrefix == null || clientIdPrefix.isBlank() ? defaultClientIdPrefix() : clientIdPrefix;
        require(CLIENT_ID.matcher(clientIdPrefix).matches(), "client-id-prefix", clientIdPrefix,
                "must be 1 to 48 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        username = username == null || username.isEmpty() ? null : username;
        password = password == null || password.isEmpty() ? null : password;
        require(password == null || username != null, "password", "(hidden)", "is set without a username");
        sessionExpiry = sessionExpiry == null ? Duration.ofHours(1) : sessionExpiry;
        require(sessionExpiry.getSeconds() >= 1 && sessionExpiry.getSeconds() <= MAX_SESSION_EXPIRY_SECONDS,
                "session-expiry", sessionExpiry, "must be at least one second (and below 136 years)");
        receiveMaximum = receiveMaximum == 0 ? 10_000 : receiveMaximum;
        require(receiveMaximum >= 1 && receiveMaximum <= 65_535, "receive-maximum", receiveMaximum,
                "must be between 1 and 65535");
        vehicleConnections = vehicleConnections == 0 ? 4 : vehicleConnections;
        require(vehicleConnections >= 1 && vehicleConnections <= 64, "vehicle-connections", vehicleConnections,
                "must be between 1 and 64");
        vehicleAccounts = vehicleAccounts == null ? VehicleAccounts.NONE : vehicleAccounts;
        // The platform administers the broker's accounts under its own: it must have one.
        require(vehicleAccounts == VehicleAccounts.NONE || username != null, "username", "(none)",
                "is required with vehicle-accounts dynamic-security");
    }

    /** The topic names under the configured prefix. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The stable client id of this node's uplink connection number {@code index}. */
    public String platformClientId(int index) {
        return clientIdPrefix + "-" + index;
    }

    private static String defaultClientIdPrefix() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "node";
            }
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        return ("odomo-" + clean).substring(0, Math.min(40, 6 + clean.length()));
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw invalid(key, value, rule);
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String rule) {
        return new IllegalArgumentException("odomo.mqtt." + key + " " + rule + " (got " + value + ")");
    }
}
