package org.odomo.protocol;

/** MQTT topic names of the vehicle protocol under a configurable prefix. */
public record Topics(String prefix) {

    public Topics {
        if (prefix == null || prefix.isBlank() || prefix.contains("+") || prefix.contains("#")) {
            throw new IllegalArgumentException("invalid MQTT topic prefix: " + prefix);
        }
        prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    public String uplink(String vin, MessageType type) {
        return prefix + "/vehicles/" + vin + "/up/" + type.wireName();
    }

    public String downlink(String vin, MessageType type) {
        return prefix + "/vehicles/" + vin + "/down/" + type.wireName();
    }

    public String uplinkFilter() {
        return prefix + "/vehicles/+/up/#";
    }

    /** Shared subscription so that several platform nodes split the uplink traffic. */
    public String sharedUplinkFilter(String group) {
        return "$share/" + group + "/" + uplinkFilter();
    }

    public String downlinkFilter(String vin) {
        return prefix + "/vehicles/" + vin + "/down/#";
    }

    /** The VIN segment of an uplink or downlink topic, or null when the topic is not one of ours. */
    public String vinOf(String topic) {
        String head = prefix + "/vehicles/";
        if (!topic.startsWith(head)) {
            return null;
        }
        int end = topic.indexOf('/', head.length());
        return end < 0 ? null : topic.substring(head.length(), end);
    }
}
