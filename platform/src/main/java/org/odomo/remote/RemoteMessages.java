package org.odomo.remote;

import java.util.List;

import org.odomo.remote.RemoteReader.Request;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The stored request of an action read back: its attributes for the notifications, its params for the command. */
final class RemoteMessages {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** An action's body never changes: read once per action while it is in progress. */
    private static final Cache<String, Request> REQUESTS = Caffeine.newBuilder().maximumSize(10_000).build();

    private RemoteMessages() {
    }

    static Request request(String body, boolean fleet) {
        return REQUESTS.get((fleet ? "F" : "C") + body, b -> {
            JsonNode json = JSON.readTree(body);
            if (fleet) {
                return RemoteReader.readFleet(json);
            }
            // It was accepted with the callback's channel, which its callbackAttributes name if it has any.
            String channel = "webhook";
            for (String c : List.of("webhook", "websocket", "pushnotif")) {
                if (json.path("callbackAttributes").has(c)) {
                    channel = c;
                }
            }
            return RemoteReader.read(json, channel);
        });
    }

    static JsonNode params(String body, String action) {
        return JSON.readTree(body).get(action);
    }
}
