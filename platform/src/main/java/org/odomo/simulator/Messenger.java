package org.odomo.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cars' side of the wire: numbers messages, wraps them in the protocol's envelope, sends them
 * and keeps each one until the platform has taken it. A failed message is resent later, byte for
 * byte with the same id, with a doubling delay; a car keeps at most a bounded number of them and
 * counts what it has to give up. Runs on the scheduler thread (acknowledgements that arrive on
 * other threads are queued back to it by the fleet).
 */
final class Messenger {

    interface Results {
        /** Whether the calling thread may apply a send result at once. */
        boolean inline();

        /** Hands a send result completed on another thread back to the scheduler. */
        void later(Pending message, boolean ok);
    }

    private final ProtocolCodec codec;
    /** Left out when the vehicle's own connection already proves who sends. */
    private final boolean credentialInBody;
    private final SimulatorSettings settings;
    private final Results results;

    long sent;
    long acked;
    long failed;
    long pending;
    long dropped;
    /** Transmissions whose outcome came back, whatever it was (each transmission has one). */
    long settled;

    Messenger(ProtocolCodec codec, SimulatorSettings settings, boolean credentialInBody, Results results) {
        this.codec = codec;
        this.credentialInBody = credentialInBody;
        this.settings = settings;
        this.results = results;
    }

    static String messageId(long number) {
        String s = Long.toString(number);
        return s.length() >= 12 ? s : "000000000000".substring(s.length()) + s;
    }

    /**
     * Sends one message: the envelope, then the optional section ({@code event}, {@code command} or
     * {@code lifecycle}), then the optional data sample.
     */
    void send(Twin t, long now, MessageType type, String sectionName, JsonNode section, ObjectNode data) {
        ObjectNode root = codec.envelope(t.vin(), messageId(++t.counter), Instant.ofEpochSecond(now), type);
        if (credentialInBody) {
            root.put("credential", t.spec.credential());
        }
        if (section != null) {
            root.set(sectionName, section);
        }
        if (data != null) {
            root.set("data", data);
        }
        Pending p = new Pending(t, type, codec.encode(root));
        t.lastExchange = now;
        transmit(p, now);
        if (p.state != Pending.ACKED && !p.queued) {
            enqueue(p);
        }
    }

    private void transmit(Pending p, long now) {
        p.state = Pending.IN_FLIGHT;
        p.attempts++;
        sent++;
        CompletionStage<Void> stage;
        try {
            stage = p.twin.link.send(p.type, p.json);
        } catch (RuntimeException e) {
            result(p, false, now);
            return;
        }
        stage.whenComplete((ignored, error) -> {
            if (results.inline()) {
                result(p, error == null, p.twin.lastT);
            } else {
                results.later(p, error == null);
            }
        });
    }

    void result(Pending p, boolean ok, long now) {
        settled++;
        if (p.state == Pending.DROPPED || p.state == Pending.ACKED) {
            return;
        }
        if (ok) {
            acked++;
            p.state = Pending.ACKED;
            if (p.queued) {
                Twin t = p.twin;
                t.outbox.remove(p);
                p.queued = false;
                pending--;
                if (t.outbox.isEmpty()) {
                    t.outbox = null;
                }
            }
            return;
        }
        failed++;
        p.state = Pending.WAITING;
        long delay = settings.retryMinSeconds() * (1L << Math.min(20, p.attempts - 1));
        p.retryAt = now + Math.min(settings.retryMaxSeconds(), delay);
        if (!p.queued) {
            enqueue(p);
        }
    }

    void enqueue(Pending p) {
        Twin t = p.twin;
        if (t.outbox == null) {
            t.outbox = new ArrayDeque<>(4);
        }
        if (t.outbox.size() >= settings.maxPendingPerVehicle()) {
            Pending oldest = t.outbox.pollFirst();
            oldest.state = Pending.DROPPED;
            oldest.queued = false;
            pending--;
            dropped++;
        }
        t.outbox.addLast(p);
        p.queued = true;
        pending++;
    }

    /** Resends what is due. A resend counts as a message exchanged only while the car is awake. */
    void retryDue(Twin t, long now) {
        if (t.outbox == null) {
            return;
        }
        List<Pending> due = null;
        for (Pending p : t.outbox) {
            if (p.state == Pending.WAITING && p.retryAt <= now) {
                if (due == null) {
                    due = new ArrayList<>(2);
                }
                due.add(p);
            }
        }
        if (due == null) {
            return;
        }
        for (Pending p : due) {
            if (p.state == Pending.WAITING) {
                if (t.awake) {
                    t.lastExchange = now;
                }
                transmit(p, now);
            }
        }
    }
}
