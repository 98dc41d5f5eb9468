package org.odomo.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.protocol.VehicleTransport;

import tools.jackson.databind.JsonNode;

/** An in-memory transport: records what each car sends, acknowledges at once (or fails on demand). */
final class FakeTransport implements VehicleTransport {

    record Sent(MessageType type, byte[] json) {
        String text() {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    private final ProtocolCodec codec = new ProtocolCodec();
    private final Map<String, List<Sent>> sent = new LinkedHashMap<>();
    private final Map<String, Consumer<byte[]>> handlers = new HashMap<>();
    /** While true, every send fails (the platform is unreachable). */
    volatile boolean down;
    int attempts;
    /** Every attempt that failed, in order. */
    final List<Sent> failed = new ArrayList<>();

    @Override
    public synchronized VehicleLink connect(String vin, Consumer<byte[]> downlink) {
        handlers.put(vin, downlink);
        sent.computeIfAbsent(vin, v -> new ArrayList<>());
        return new VehicleLink() {
            @Override
            public CompletionStage<Void> send(MessageType type, byte[] json) {
                synchronized (FakeTransport.this) {
                    attempts++;
                    if (down) {
                        failed.add(new Sent(type, json));
                        return CompletableFuture.failedFuture(new IllegalStateException("platform unreachable"));
                    }
                    sent.get(vin).add(new Sent(type, json));
                    return CompletableFuture.completedFuture(null);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    synchronized List<Sent> sent(String vin) {
        return List.copyOf(sent.getOrDefault(vin, List.of()));
    }

    synchronized Map<String, List<Sent>> all() {
        Map<String, List<Sent>> copy = new LinkedHashMap<>();
        sent.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    List<JsonNode> messages(String vin) {
        return sent(vin).stream().map(s -> codec.readTree(s.json())).toList();
    }

    /** Messages of this car from the given index on. */
    List<JsonNode> messagesFrom(String vin, int from) {
        List<JsonNode> all = messages(vin);
        return all.subList(Math.min(from, all.size()), all.size());
    }

    int count(String vin) {
        return sent(vin).size();
    }

    void deliver(String vin, String json) {
        Consumer<byte[]> handler;
        synchronized (this) {
            handler = handlers.get(vin);
        }
        handler.accept(json.getBytes(StandardCharsets.UTF_8));
    }
}
