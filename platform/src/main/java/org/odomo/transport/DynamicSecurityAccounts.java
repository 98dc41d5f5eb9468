package org.odomo.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.odomo.protocol.Topics;
import org.odomo.transport.MqttProperties.VehicleAccounts;
import org.odomo.vehicle.VehicleCredentialIssued;
import org.odomo.vehicle.VehicleCredentialRevoked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the vehicles' broker accounts in Mosquitto's dynamic-security plugin, through its control
 * topic, when {@code odomo.mqtt.vehicle-accounts} is {@code dynamic-security}: each vehicle is a
 * client whose user name is its VIN and password its credential, with a role of its own that
 * lets it publish only on {@code {prefix}/vehicles/{vin}/up/#} and subscribe only to
 * {@code .../down/#}. Mosquitto 2.0's dynamic-security ACLs have no {@code %u} substitution,
 * hence one role per vehicle rather than one shared role.
 *
 * <p>The account follows the credential: created on registration, replaced (which disconnects
 * the vehicle) when the credential is replaced, deleted when it is revoked. The platform holds
 * only a hash of each credential, so these are the only moments it can provision a vehicle;
 * a vehicle registered while the broker was unreachable gets its account with a new credential.
 *
 * <p>At start it also grants the platform's own account (which must be a dynamic-security
 * administrator) read and write on everything under the topic prefix.
 */
public class DynamicSecurityAccounts implements SmartLifecycle {

    static final String CONTROL_TOPIC = "$CONTROL/dynamic-security/v1";
    static final String PLATFORM_ROLE = "odomo-platform";
    private static final String VEHICLE_ROLE_PREFIX = "odomo-vehicle-";
    private static final long ANSWER_WAIT_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(DynamicSecurityAccounts.class);

    private final MqttProperties settings;
    private final Topics topics;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, CompletableFuture<List<JsonNode>>> waiting = new ConcurrentHashMap<>();
    private final Counter provisioned;
    private final Counter failed;
    private volatile Mqtt5AsyncClient client;
    /** Completed when the control connection is (re)connected. */
    private volatile CompletableFuture<Void> reconnected = new CompletableFuture<>();

    public DynamicSecurityAccounts(MqttProperties settings, MeterRegistry meters) {
        this.settings = settings;
        this.topics = settings.topics();
        this.provisioned = Counter.builder("odomo.mqtt.accounts").tag("result", "done")
                .description("Vehicle broker accounts created, replaced or deleted").register(meters);
        this.failed = Counter.builder("odomo.mqtt.accounts").tag("result", "failed")
                .description("Vehicle broker account changes the broker did not confirm").register(meters);
    }

    private boolean enabled() {
        return settings.vehicleAccounts() == VehicleAccounts.DYNAMIC_SECURITY;
    }

    @Override
    public void start() {
        if (!enabled()) {
            return;
        }
        Mqtt5AsyncClient c = MqttClients.builder(settings, settings.clientIdPrefix() + "-accounts")
                .addConnectedListener(context -> reconnected.complete(null))
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(30, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .buildAsync();
        client = c;
        try {
            c.connectWith().cleanStart(true).send()
                    .thenCompose(ack -> c.subscribeWith().topicFilter(CONTROL_TOPIC + "/response")
                            .qos(MqttQos.AT_LEAST_ONCE).callback(this::onResponse).send())
                    .thenAccept(subAck -> {
                        if (subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
                            throw new IllegalStateException("the broker refused " + CONTROL_TOPIC
                                    + "/response to " + settings.username() + ": is it a dynamic-security admin?");
                        }
                    })
                    .get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
            grantPlatform();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The node still starts: its uplink connections keep retrying until the role is there.
            log.error("could not set up the platform's broker role through {} on {}:{}: {}", CONTROL_TOPIC,
                    settings.host(), settings.port(), e.getMessage());
        }
    }

    /**
     * Read and write on everything under the prefix, added to whatever the account already has.
     * Only what is missing is changed: the broker disconnects every client of an account whose
     * roles change, this node's included, which then reconnects.
     */
    private void grantPlatform() throws Exception {
        String all = topics.prefix() + "/#";
        List<String> types = List.of("publishClientSend", "publishClientReceive", "subscribePattern",
                "unsubscribePattern");
        JsonNode role = ask(command("getRole").put("rolename", PLATFORM_ROLE));
        List<ObjectNode> changes = new ArrayList<>();
        if (role.has("error")) {
            changes.add(command("createRole").put("rolename", PLATFORM_ROLE));
        }
        for (String type : types) {
            boolean present = false;
            for (JsonNode acl : role.path("data").path("role").path("acls")) {
                present |= type.equals(acl.path("acltype").asString("")) && all.equals(acl.path("topic").asString(""));
            }
            if (!present) {
                changes.add(command("addRoleACL").put("rolename", PLATFORM_ROLE).put("acltype", type)
                        .put("topic", all).put("allow", true));
            }
        }
        if (!changes.isEmpty()) {
            for (JsonNode answer : send(changes).get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS)) {
                if (answer.has("error")) {
                    throw new IllegalStateException(answer.path("command").asString() + ": "
                            + answer.path("error").asString());
                }
            }
        }
        if (!hasPlatformRole()) {
            CompletableFuture<Void> back = new CompletableFuture<>();
            reconnected = back;
            // The answer may be lost with the connection the broker closes on this change.
            send(List.of(command("addClientRole").put("username", settings.username()).put("rolename", PLATFORM_ROLE)))
                    .exceptionally(e -> null).get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!client.getState().isConnected()) {
                back.get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            if (!hasPlatformRole()) {
                throw new IllegalStateException("the broker did not give " + settings.username() + " the role "
                        + PLATFORM_ROLE);
            }
        }
        log.info("platform account {} may read and write {} on the broker", settings.username(), all);
    }

    private boolean hasPlatformRole() throws Exception {
        JsonNode own = ask(command("getClient").put("username", settings.username()));
        if (own.has("error")) {
            throw new IllegalStateException("getClient " + settings.username() + ": " + own.path("error").asString());
        }
        for (JsonNode r : own.path("data").path("client").path("roles")) {
            if (PLATFORM_ROLE.equals(r.path("rolename").asString(""))) {
                return true;
            }
        }
        return false;
    }

    private JsonNode ask(ObjectNode command) throws Exception {
        return send(List.of(command)).get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS).get(0);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(VehicleCredentialIssued issued) {
        if (!enabled()) {
            return;
        }
        String vin = issued.vin();
        String role = VEHICLE_ROLE_PREFIX + vin;
        ObjectNode createRole = command("createRole").put("rolename", role);
        ArrayNode acls = createRole.putArray("acls");
        acls.addObject().put("acltype", "publishClientSend").put("topic", topics.prefix() + "/vehicles/" + vin + "/up/#")
                .put("allow", true);
        acls.addObject().put("acltype", "subscribePattern").put("topic", topics.downlinkFilter(vin))
                .put("allow", true);
        ObjectNode createClient = command("createClient").put("username", vin).put("password", issued.credential());
        createClient.putArray("roles").addObject().put("rolename", role);
        // Deleting first makes a replaced credential take effect at once: the broker disconnects
        // the vehicle's connection opened with the old one.
        apply(vin, "account", List.of(command("deleteClient").put("username", vin), createRole, createClient),
                2);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(VehicleCredentialRevoked revoked) {
        if (!enabled()) {
            return;
        }
        String vin = revoked.vin();
        apply(vin, "revocation", List.of(command("deleteClient").put("username", vin),
                command("deleteRole").put("rolename", VEHICLE_ROLE_PREFIX + vin)), -1);
    }

    /**
     * Sends the commands and checks the answers: the one at {@code mustSucceed} (or none, -1) must
     * have no error; the others may fail because what they remove or create is already so.
     */
    private void apply(String vin, String what, List<ObjectNode> commands, int mustSucceed) {
        try {
            List<JsonNode> answers = send(commands).get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < answers.size(); i++) {
                String error = answers.get(i).path("error").asString(null);
                if (error != null && i == mustSucceed) {
                    throw new IllegalStateException(answers.get(i).path("command").asString() + ": " + error);
                }
            }
            provisioned.increment();
            log.debug("broker {} of {} done", what, vin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.increment();
        } catch (Exception e) {
            failed.increment();
            log.error("broker {} of {} failed ({}); replace its credential once the broker is back", what, vin,
                    e.getMessage());
        }
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("command", name);
    }

    /** One control message; completes with the broker's answers in the order of the commands. */
    private CompletableFuture<List<JsonNode>> send(List<ObjectNode> commands) {
        Mqtt5AsyncClient c = client;
        // Fails at once rather than wait for an answer that cannot come (a registration waits on it).
        if (c == null || !c.getState().isConnected()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to the broker"));
        }
        String batch = UUID.randomUUID().toString();
        ObjectNode message = json.createObjectNode();
        ArrayNode list = message.putArray("commands");
        for (int i = 0; i < commands.size(); i++) {
            list.add(commands.get(i).deepCopy().put("correlationData", batch + ":" + i));
        }
        CompletableFuture<List<JsonNode>> answer = new CompletableFuture<>();
        waiting.put(batch, answer);
        answer.whenComplete((r, e) -> waiting.remove(batch));
        c.publishWith().topic(CONTROL_TOPIC).qos(MqttQos.AT_LEAST_ONCE)
                .payload(json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8)).send()
                .whenComplete((result, error) -> {
                    String refusal = error != null ? error.toString() : MqttClients.refusal(result);
                    if (refusal != null) {
                        answer.completeExceptionally(new IllegalStateException(refusal));
                    }
                });
        return answer.orTimeout(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private void onResponse(Mqtt5Publish publish) {
        JsonNode responses;
        try {
            responses = json.readTree(publish.getPayloadAsBytes()).path("responses");
        } catch (RuntimeException e) {
            log.warn("unreadable answer on {}: {}", publish.getTopic(), e.getMessage());
            return;
        }
        // Every administrator receives every answer: only those of our own batches count.
        String batch = null;
        List<JsonNode> answers = new ArrayList<>();
        for (JsonNode response : responses) {
            String correlation = response.path("correlationData").asString("");
            int colon = correlation.lastIndexOf(':');
            if (colon > 0) {
                batch = correlation.substring(0, colon);
            }
            answers.add(response);
        }
        CompletableFuture<List<JsonNode>> answer = batch == null ? null : waiting.get(batch);
        if (answer != null) {
            answer.complete(answers);
        }
    }

    @Override
    public void stop() {
        Mqtt5AsyncClient c = client;
        client = null;
        MqttClients.disconnectQuietly(c);
    }

    @Override
    public boolean isRunning() {
        return client != null;
    }

    @Override
    public int getPhase() {
        // Before the uplink connections, whose subscription needs the platform's role.
        return DEFAULT_PHASE - 2;
    }
}
