package org.odomo.monitor;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.odomo.api.ApiException;
import org.odomo.api.BodyRules;
import org.odomo.delivery.DeliveryPolicy;
import org.odomo.delivery.Destination;

import tools.jackson.databind.JsonNode;

/**
 * Reads the B2B {@code MonitorParameter}: the triggers as the B2C monitors read them (with the data
 * only the B2B table lists), and the monitor's own webhook, retry policy and batch settings
 * ({@code MonitorCallbackSubscribe}). Anything the published schema or prose rules out is a 400
 * naming the member; undeclared members are refused as the B2C reader refuses them.
 */
final class FleetMonitorReader {

    static final int MAX_TARGET = 2000;
    static final int MAX_BATCH = 100;
    static final int MAX_RETRY_NUMBER = 100;
    static final int MAX_TIME_WINDOW = 3600;
    /** The longest a message may wait for delivery: {@code Always} retries up to 3 days. */
    static final Duration LIFETIME = Duration.ofDays(3);

    /** The variables a B2B attribute value may name ({@code Attribute.value}'s enum, with the dollar sign). */
    static final Set<String> VARIABLES = Set.of("$vin", "$monitorID", "$fleetID", "$vid");
    /** The {@code extendedEventParam} entries a fleet monitor's notifications carry. */
    static final Set<String> EXTENSIONS = Set.of("vehicle.doorsState", "vehicle.status", "vehicle.maintenance",
            "vehicle.position", "vehicle.telemetry", "vehicle.alerts", "vehicle.trip", "vehicle.collisions",
            "vehicle.stolen");

    /** A read monitor: its triggers, and where and how its notifications go. */
    record FleetMonitorDefinition(MonitorDefinition monitor, Subscription subscription) {
    }

    /**
     * @param name       the webhook's name (the destination's label)
     * @param attributes the webhook's attributes, variables as written
     */
    record Subscription(String name, URI target, List<Destination.Attribute> attributes, DeliveryPolicy policy) {
    }

    private FleetMonitorReader() {
    }

    /**
     * @param loopbackTargets whether targets on this machine ({@code http} or {@code https}) are
     *                        accepted, as for the B2C callbacks' {@code local-targets: loopback}
     */
    static FleetMonitorDefinition read(JsonNode body, boolean loopbackTargets) {
        BodyRules.object(body, "the request body (MonitorParameter)");
        BodyRules.members(body, "", "label", "subscribeParam", "extendedEventParam", "triggerParam");
        String label = text(body.get("label"), "label");
        JsonNode subscribe = body.get("subscribeParam");
        if (subscribe == null) {
            throw invalid("subscribeParam: required (MonitorCallbackSubscribe: callback, retryPolicy, batchNotify,"
                    + " refreshEvent)");
        }
        BodyRules.object(subscribe, "subscribeParam");
        BodyRules.members(subscribe, "subscribeParam.", "callback", "retryPolicy", "batchNotify", "refreshEvent");
        Integer refresh = null;
        JsonNode r = subscribe.get("refreshEvent");
        if (r != null) {
            if (!r.isIntegralNumber() || !r.canConvertToInt()) {
                throw invalid("subscribeParam.refreshEvent: must be an integer number of seconds");
            }
            if (r.intValue() < 60) {
                throw invalid("subscribeParam.refreshEvent: must be at least 60 seconds, not " + r.intValue());
            }
            refresh = r.intValue();
        }
        JsonNode callback = subscribe.get("callback");
        if (callback == null) {
            throw invalid("subscribeParam.callback: required, {webhook: {target, name, attributes}}");
        }
        BodyRules.object(callback, "subscribeParam.callback");
        BodyRules.members(callback, "subscribeParam.callback.", "webhook");
        JsonNode webhook = callback.get("webhook");
        if (webhook == null) {
            throw invalid("subscribeParam.callback.webhook: required, {target, name, attributes}");
        }
        String at = "subscribeParam.callback.webhook";
        BodyRules.object(webhook, at);
        BodyRules.members(webhook, at + ".", "target", "name", "attributes");
        URI target = target(webhook.get("target"), at + ".target", loopbackTargets);
        String name = text(webhook.get("name"), at + ".name");
        List<Destination.Attribute> attributes = new ArrayList<>();
        for (BodyRules.AttributeEntry e : BodyRules.attributes(webhook.get("attributes"), at + ".attributes",
                Set.of("Header", "Body", "Query"), VARIABLES, MonitorReader.MAX_ATTRIBUTES, MonitorReader.MAX_TEXT)) {
            attributes.add(new Destination.Attribute(switch (e.type()) {
                case "Header" -> Destination.Attribute.Kind.HEADER;
                case "Query" -> Destination.Attribute.Kind.QUERY;
                default -> Destination.Attribute.Kind.BODY;
            }, e.key(), e.value()));
        }
        // The published disclaimer: $vin in the query names one vehicle, so every event goes alone.
        boolean perVehicleQuery = attributes.stream().anyMatch(a -> a.kind() == Destination.Attribute.Kind.QUERY
                && a.value().contains("$vin"));
        DeliveryPolicy policy = policy(subscribe.get("retryPolicy"), subscribe.get("batchNotify"), perVehicleQuery);
        List<String> extensions = extensions(body.get("extendedEventParam"));
        MonitorReader.TriggerParam param = MonitorReader.triggerParam(body.get("triggerParam"), true);
        MonitorDefinition monitor = new MonitorDefinition(label, refresh, List.of(), extensions, param.triggers(),
                param.boolExp());
        return new FleetMonitorDefinition(monitor, new Subscription(name, target, attributes, policy));
    }

    /**
     * {@code None}: one attempt, no retry (the B2B prose says "a single retry", the YAML "a single
     * try": one attempt it is). {@code Bounded}: 1 + {@code retryNumber} attempts, {@code retryDelay}
     * apart. {@code Always}: every {@code retryDelay} until 3 days after the event. No retry policy
     * at all: as {@code None}.
     */
    static DeliveryPolicy policy(JsonNode retry, JsonNode batch, boolean perVehicleQuery) {
        DeliveryPolicy.Retry kind = DeliveryPolicy.Retry.NONE;
        int retryNumber = 0;
        int retryDelay = 10;
        if (retry != null) {
            String at = "subscribeParam.retryPolicy";
            BodyRules.object(retry, at);
            BodyRules.members(retry, at + ".", "policy", "retryNumber", "retryDelay");
            JsonNode p = retry.get("policy");
            if (p == null || !p.isString() || !Set.of("None", "Bounded", "Always").contains(p.stringValue())) {
                throw invalid(at + ".policy: required, one of None, Bounded, Always");
            }
            kind = switch (p.stringValue()) {
                case "Bounded" -> DeliveryPolicy.Retry.BOUNDED;
                case "Always" -> DeliveryPolicy.Retry.ALWAYS;
                default -> DeliveryPolicy.Retry.NONE;
            };
            JsonNode n = retry.get("retryNumber");
            if (n != null && kind != DeliveryPolicy.Retry.BOUNDED) {
                throw invalid(at + ".retryNumber: only with the policy Bounded");
            }
            if (kind == DeliveryPolicy.Retry.BOUNDED) {
                retryNumber = n == null ? 3 : integer(n, at + ".retryNumber", 1, MAX_RETRY_NUMBER);
            }
            JsonNode d = retry.get("retryDelay");
            if (d != null) {
                retryDelay = integer(d, at + ".retryDelay", 1, (int) LIFETIME.toSeconds());
            }
            if ((long) retryNumber * retryDelay > LIFETIME.toSeconds()) {
                throw invalid(at + ": retryNumber x retryDelay must stay within 3 days (" + LIFETIME.toSeconds()
                        + " seconds)");
            }
        }
        int size = 1;
        Duration window = Duration.ZERO;
        if (batch != null) {
            String at = "subscribeParam.batchNotify";
            BodyRules.object(batch, at);
            BodyRules.members(batch, at + ".", "size", "timeWindow");
            JsonNode s = batch.get("size");
            if (s == null) {
                throw invalid(at + ".size: required, the most events in one notification (1 to " + MAX_BATCH + ")");
            }
            size = integer(s, at + ".size", 1, MAX_BATCH);
            JsonNode w = batch.get("timeWindow");
            window = Duration.ofSeconds(w == null ? 60 : integer(w, at + ".timeWindow", 5, MAX_TIME_WINDOW));
        }
        if (perVehicleQuery) {
            size = 1;
            window = Duration.ZERO;
        }
        return new DeliveryPolicy(kind, retryNumber, Duration.ofSeconds(retryDelay), LIFETIME, size, window);
    }

    private static List<String> extensions(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 30) {
            throw invalid("extendedEventParam: must be an array of at most 30 entries");
        }
        List<String> extensions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "extendedEventParam[" + i + "]";
            String e = text(node.get(i), at);
            boolean known = EXTENSIONS.contains(e) || (e.startsWith("vehicle.telemetry.")
                    && MonitorReader.isTelemetryType(e.substring("vehicle.telemetry.".length())));
            if (!known) {
                throw invalid(at + ": '" + BodyRules.shown(e) + "' is not one of " + new TreeSet<>(EXTENSIONS)
                        + " or vehicle.telemetry.<type>");
            }
            if (!seen.add(e)) {
                throw invalid(at + ": '" + e + "' is already listed");
            }
            extensions.add(e);
        }
        return extensions;
    }

    private static URI target(JsonNode node, String at, boolean loopbackTargets) {
        String text = BodyRules.text(node, at, true, MAX_TARGET);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(at + ": not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            throw invalid(at + ": must be an absolute URL https://host[:port][/path]");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(at + ": the scheme must be https");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(at + ": must not carry a user name or password before the host");
        }
        boolean loopback = loopback(uri.getHost());
        if (loopback && !loopbackTargets) {
            throw invalid(at + ": targets on this machine (localhost, loopback addresses) are not accepted");
        }
        if (scheme.equals("http") && !loopback) {
            throw invalid(at + ": the scheme must be https");
        }
        // The delivery engine checks the address the host resolves to whenever it connects.
        return uri;
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            // An IP literal: parsed, never resolved.
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int integer(JsonNode node, String at, int min, int max) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw invalid(at + ": must be an integer from " + min + " to " + max);
        }
        return node.intValue();
    }

    private static String text(JsonNode node, String at) {
        return BodyRules.text(node, at, true, MonitorReader.MAX_TEXT);
    }

    private static ApiException invalid(String message) {
        return BodyRules.invalid(message);
    }
}
