package org.odomo.remote;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.callback.CallbackDeleted;
import org.odomo.delivery.Notification;
import org.odomo.delivery.NotificationOutbox;
import org.odomo.protocol.DownlinkSender;
import org.odomo.protocol.MessageType;
import org.odomo.protocol.ProtocolCodec;
import org.odomo.remote.RemoteReader.Request;
import org.odomo.remote.RemoteStore.Link;
import org.odomo.remote.RemoteStore.Scope;
import org.odomo.remote.RemoteStore.Stored;
import org.odomo.state.StatePart;
import org.odomo.state.VehicleHistory;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RemoteType;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The life of a remote action, all of it in the database: the checks in the published
 * flowchart's order when the app asks, the wake-up, the command, the vehicle's answers and the
 * time-out. Each status is a stored transition and a notification to the action's callback,
 * written in the transaction that changes the action, so that a status is notified exactly when it
 * is stored. Downlinks leave after that commit: a command lost with a crash is sent again (same
 * id) by the sweep, and the vehicle carries out a command id once.
 */
@Service
class Remotes {

    private static final Logger log = LoggerFactory.getLogger(Remotes.class);
    private static final int SWEEP_PAGE = 100;

    private final RemoteStore store;
    private final NotificationOutbox outbox;
    private final DownlinkSender downlink;
    private final ProtocolCodec codec;
    private final VehicleHistory history;
    private final RemoteProperties settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final StolenDeclarations stolen;

    Remotes(RemoteStore store, NotificationOutbox outbox, DownlinkSender downlink, ProtocolCodec codec,
            VehicleHistory history, RemoteProperties settings, PlatformTransactionManager transactions,
            Optional<Clock> clock, StolenDeclarations stolen) {
        this.store = store;
        this.stolen = stolen;
        this.outbox = outbox;
        this.downlink = downlink;
        this.codec = codec;
        this.history = history;
        this.settings = settings;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** The API's {@code RemoteType} of an action. */
    static String apiType(String action) {
        return switch (action) {
            case "door" -> "Doors";
            case "horn" -> "Horn";
            case "lights" -> "Lights";
            case "charging" -> "ElectricBatteryChargingRequest";
            case "preconditioning" -> "ThermalPreconditioning";
            case "wakeUp" -> "WakeUp";
            case "immobilization" -> "Immobilization";
            case "stolen" -> "Stolen";
            default -> "Navigation";
        };
    }

    static ApiException notFound(String id) {
        return new ApiException(ApiErrorCode.NOT_FOUND, "no remote action " + RemoteReader.shown(id));
    }

    // ---- reading

    Stored find(Scope scope, String id, Collection<String> actions) {
        return tx.execute(s -> store.find(scope, id, actions)).orElseThrow(() -> notFound(id));
    }

    int count(Scope scope, Collection<String> actions) {
        Integer n = tx.execute(s -> store.count(scope, actions));
        return n == null ? 0 : n;
    }

    List<Stored> page(Scope scope, Collection<String> actions, int offset, int limit) {
        return tx.execute(s -> store.page(scope, actions, offset, limit));
    }

    List<RemoteStore.Transition> transitions(String id) {
        return tx.execute(s -> store.transitions(id));
    }

    // ---- a new request

    /**
     * Stores the action and takes it as far as the platform can on its own: refused by a rule,
     * waiting for the vehicle to wake up, or sent. The vehicle's own lock orders concurrent requests
     * for it, on whichever node they arrive.
     */
    Stored create(Scope scope, Vehicle vehicle, Request request, String body) {
        Stored created = tx.execute(s -> {
            Instant now = clock.instant();
            Link link = store.lockVehicle(vehicle.vin());
            if (link.lastContactAt() == null) {
                // The first remote for this vehicle: the consumer has not followed its link so far,
                // its last stored message says when it was last heard from and whether it fell asleep.
                history.latestMessage(vehicle.vin()).ifPresent(m -> store.contact(vehicle.vin(), m.receivedAt(),
                        "lifecycle".equals(m.type()) && m.body().contains("\"Asleep\"")));
                link = store.lockVehicle(vehicle.vin());
            }
            RemoteType type = request.type();
            boolean navigation = type == RemoteType.NAVIGATION;
            // A navigation remote skips Accepted and WakingUpVehicle (published flowchart).
            RemoteStatus first = navigation ? RemoteStatus.CheckingVehicle : RemoteStatus.Accepted;
            Stored a = new Stored(UUID.randomUUID().toString(), scope, vehicle.vin(), request.action(), body, first, null,
                    null, false, null, now.plus(settings.answerTimeout()), 0, now, now);
            store.insert(a);
            record(a, 1, first, null, null, now);
            if (!navigation) {
                a = move(a, RemoteStatus.CheckingVehicle, null, null, now);
            }
            Stored checked = check(a, vehicle, request, link, now);
            if (scope.fleet() && !checked.status().done() && request.action().equals("stolen")
                    && request.params().path("stolen").asBoolean(false)) {
                stolen.open(checked.vin(), scope.fleetId(), checked.id(), now);
            }
            return checked;
        });
        return created;
    }

    private Stored check(Stored a, Vehicle vehicle, Request request, Link link, Instant now) {
        RemoteType type = request.type();
        java.util.Set<RemoteType> covered = ConnectedService.remotesCoveredBy(vehicle.services());
        // The fleet-only actions (immobilization, stolen) come with any service that allows remotes.
        if (type == null ? covered.isEmpty() : !covered.contains(type)) {
            return fail(a, "MissingRights", now);
        }
        if (type != null && !supported(vehicle.model(), type, request.params())) {
            // What the capability API answers supported: false for; the car's own answer to a
            // command its unit does not have.
            return fail(a, "VehicleError", now);
        }
        if (store.otherPending(a.vin(), a.action(), a.id())) {
            return fail(a, "SameActionInProgress", now);
        }
        if (!a.scope().fleet() && stolen.isOpen(a.vin())) {
            // A car declared stolen takes remotes from its fleet owner only (in the published
            // failure causes, this rule comes right after SameActionInProgress).
            return fail(a, "NotPossibleDueToVehicleStolenState", now);
        }
        if (store.createdSince(a.vin(), now.minus(settings.shortTimeWindow())) > settings.maxRequestsInWindow()) {
            return fail(a, "TooManyRequestInShortTime", now);
        }
        if (vehicle.privacyMode() == PrivacyMode.PLANE) {
            return fail(a, "NotPossibleDueToVehiclePrivacyLevel", now);
        }
        if (type != RemoteType.CHARGING && vehicle.motorization() == Motorization.BEV && batteryTooLow(vehicle.vin())) {
            a = move(a, RemoteStatus.VehicleBatteryChargeTooLow, null, null, now);
            return fail(a, "NotPossibleDueToVehicleBatteryLevel", now);
        }
        boolean awake = link.lastContactAt() != null && !link.asleep()
                && link.lastContactAt().isAfter(now.minus(settings.awakeFor()));
        if (awake || type == RemoteType.NAVIGATION) {
            // A navigation to a sleeping car waits for the car's next contact (no wake-up for it).
            return send(a, now);
        }
        String id = a.id();
        boolean wakingAlready = store.lockPending(a.vin()).stream()
                .anyMatch(p -> !p.id().equals(id) && p.status() == RemoteStatus.WakingUpVehicle);
        if (!wakingAlready) {
            Instant month = YearMonth.from(now.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (store.wakeUpsSince(a.vin(), month) >= settings.wakeUpsPerMonth()) {
                Stored over = move(a, RemoteStatus.TooManyWakeUpsOverMonth, null, null, now);
                return fail(over, "TooManyWakeUpsOverMonth", now);
            }
            store.wakeUp(a.vin(), now, a.id());
            String vin = a.vin();
            afterCommit(() -> sendWakeUp(vin));
        }
        return move(a, RemoteStatus.WakingUpVehicle, null, null, now);
    }

    /** What the capability API says the vehicle's model takes. */
    static boolean supported(VehicleModel model, RemoteType type, JsonNode params) {
        if (!model.supports(type)) {
            return false;
        }
        if (type == RemoteType.CHARGING) {
            return model.motorization().isPlugIn();
        }
        if (type == RemoteType.PRECONDITIONING) {
            JsonNode programs = params.path("airConditioning").path("programs");
            for (JsonNode p : programs) {
                if (p.path("slot").asInt() > model.preconditioningPrograms()) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean batteryTooLow(String vin) {
        return history.current(vin).flatMap(s -> s.part(StatePart.ENERGY_ELECTRIC))
                .map(e -> e.has("level") && e.get("level").doubleValue() < settings.minBatteryLevel()).orElse(false);
    }

    // ---- the vehicle's answers and contacts (in the event consumer's transaction)

    /** A {@code commandProgress}: acknowledges the command, or finishes the action. Idempotent. */
    void progress(String vin, String commandId, String status, String result, String cause, String feedback,
            Instant at) {
        if (commandId == null) {
            return;
        }
        Optional<Stored> found = store.lock(commandId, vin);
        if (found.isEmpty() || found.get().status().done()) {
            // Not one of ours, or already over (timed out before the answer came): nothing to do.
            return;
        }
        Stored a = found.get();
        if (!"Done".equals(status)) {
            if (!a.acknowledged()) {
                store.update(with(a, a.status(), a.failureCause(), a.feedbackDetail(), true, a.sentAt(), at));
            }
            return;
        }
        RemoteStatus to = switch (result == null ? "" : result) {
            case "Success" -> RemoteStatus.Success;
            case "AlreadyDone" -> RemoteStatus.AlreadyDone;
            default -> RemoteStatus.Failed;
        };
        String failure = to == RemoteStatus.Failed ? (cause == null ? "GeneralError" : cause) : null;
        move(with(a, a.status(), null, null, true, a.sentAt(), a.updatedAt()), to, failure, feedback, at);
    }

    /** Which of these vehicles have actions in progress. */
    Collection<String> withPending(Collection<String> vins) {
        return store.pendingVins(vins);
    }

    /**
     * The vehicle was heard from: what waited for it to wake up is sent, and commands it has not
     * acknowledged are sent again (all of them when it has just woken up, else those sent a while ago).
     */
    void contact(String vin, boolean justWoke, Instant now) {
        for (Stored a : store.lockPending(vin)) {
            if (a.status() == RemoteStatus.WakingUpVehicle) {
                send(a, now);
            } else if (a.status() == RemoteStatus.SentToVehicle && !a.acknowledged()
                    && (justWoke || a.sentAt() == null || !a.sentAt().isAfter(now.minus(settings.resendAfter())))) {
                resend(a, now);
            }
        }
    }

    void recordContacts(Map<String, Contact> contacts) {
        store.contacts(contacts);
    }

    /** The last word of a vehicle in one batch of events. */
    record Contact(Instant at, boolean asleep) {
    }

    // ---- the sweep

    /**
     * Fails the actions past their deadline with {@code VehicleConnectionTimeout} and sends again the
     * commands still unacknowledged; each page under row locks that other nodes pass over.
     *
     * @return how many actions timed out
     */
    int sweep(Instant now) {
        int timedOut = 0;
        while (true) {
            int[] counts = tx.execute(s -> {
                List<Stored> due = store.lockDue(now, now.minus(settings.resendAfter()), SWEEP_PAGE);
                int failed = 0;
                for (Stored a : due) {
                    if (!a.deadlineAt().isAfter(now)) {
                        fail(a, "VehicleConnectionTimeout", now);
                        failed++;
                    } else {
                        resend(a, now);
                    }
                }
                return new int[] {due.size(), failed};
            });
            timedOut += counts[1];
            if (counts[0] < SWEEP_PAGE) {
                return timedOut;
            }
        }
    }

    @EventListener
    void on(CallbackDeleted deleted) {
        int n = store.deleteOfCallback(deleted.callbackId());
        if (n > 0) {
            log.info("{} remote action(s) deleted with their callback {}", n, deleted.callbackId());
        }
    }

    // ---- transitions

    private Stored fail(Stored a, String cause, Instant at) {
        return move(a, RemoteStatus.Failed, cause, null, at);
    }

    private Stored send(Stored a, Instant now) {
        Stored sent = move(with(a, a.status(), null, null, false, now, a.updatedAt()), RemoteStatus.SentToVehicle, null,
                null, now);
        afterCommit(() -> sendCommand(sent));
        return sent;
    }

    private void resend(Stored a, Instant now) {
        Stored again = with(a, a.status(), a.failureCause(), a.feedbackDetail(), false, now, now);
        store.update(again);
        afterCommit(() -> sendCommand(again));
    }

    /** Stores the transition and its notification; returns the action as it now is. */
    private Stored move(Stored a, RemoteStatus to, String cause, String feedback, Instant at) {
        Stored moved = with(a, to, cause, feedback, a.acknowledged(), a.sentAt(), at);
        store.update(moved);
        record(moved, store.nextSeq(a.id()), to, cause, feedback, at);
        if (to.done() && a.scope().fleet() && a.action().equals("stolen")) {
            stolen.actionDone(a.vin(), a.id(), RemoteMessages.params(a.body(), a.action()), to != RemoteStatus.Failed,
                    cause, at);
        }
        return new Stored(moved.id(), moved.scope(), moved.vin(), moved.action(), moved.body(), moved.status(),
                moved.failureCause(), moved.feedbackDetail(), moved.acknowledged(), moved.sentAt(), moved.deadlineAt(),
                moved.version() + 1, moved.createdAt(), moved.updatedAt());
    }

    private static Stored with(Stored a, RemoteStatus status, String cause, String feedback, boolean acknowledged,
            Instant sentAt, Instant updatedAt) {
        return new Stored(a.id(), a.scope(), a.vin(), a.action(), a.body(), status, cause, feedback, acknowledged,
                sentAt, a.deadlineAt(), a.version(), a.createdAt(), updatedAt);
    }

    private void record(Stored a, int seq, RemoteStatus status, String cause, String feedback, Instant at) {
        store.transition(a.id(), seq, status, cause, feedback, at);
        boolean fleet = a.scope().fleet();
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("remoteActionId", a.id());
        if (fleet) {
            // The B2B RemoteEvent names the vehicle and the date in each event.
            event.put("vin", a.vin());
            event.put("eventDate", at.toString());
        }
        event.put("remoteType", apiType(a.action()));
        ObjectNode eventStatus = event.putObject("eventStatus");
        eventStatus.put("type", status.eventType());
        eventStatus.put("status", status.name());
        if (cause != null) {
            eventStatus.put("failureCause", cause);
        }
        if (feedback != null) {
            eventStatus.put("feedbackDetail", feedback);
        }
        Request request = RemoteMessages.request(a.body(), fleet);
        Map<String, String> variables = new LinkedHashMap<>();
        if (fleet) {
            // The B2B attribute variables: $vin, $callbackID, $remoteType, $fleetID.
            variables.put("vin", a.vin());
            variables.put("callbackID", a.scope().callbackId());
            variables.put("remoteType", apiType(a.action()));
            variables.put("fleetID", a.scope().fleetId());
        }
        variables.put("Vin", a.vin());
        variables.put("RemoteType", apiType(a.action()));
        variables.put("RemoteStatus", status.name());
        if (request.label() != null) {
            variables.put("RemoteLabel", request.label());
        }
        outbox.enqueue(new Notification(a.scope().callbackId(), a.id(), at, Notification.Kind.REMOTE, event, variables,
                request.attributes()));
    }

    // ---- downlinks

    /**
     * Sends once the transaction that stored the action's new state commits: a downlink must never
     * announce a state that a rollback takes back. Outside a transaction the state is stored already.
     */
    private static void afterCommit(Runnable send) {
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send.run();
                }
            });
        } else {
            send.run();
        }
    }

    private void sendCommand(Stored a) {
        ObjectNode m = codec.envelope(a.vin(), "rc-" + UUID.randomUUID(), clock.instant(), MessageType.COMMAND);
        ObjectNode command = m.putObject("command");
        command.put("id", a.id());
        command.put("action", a.action());
        command.set("params", RemoteMessages.params(a.body(), a.action()));
        command.put("expiresAt", a.deadlineAt().toString());
        safely(a.vin(), MessageType.COMMAND, codec.encode(m));
    }

    private void sendWakeUp(String vin) {
        safely(vin, MessageType.WAKE_UP,
                codec.encode(codec.envelope(vin, "wk-" + UUID.randomUUID(), clock.instant(), MessageType.WAKE_UP)));
    }

    private void safely(String vin, MessageType type, byte[] json) {
        try {
            downlink.send(vin, type, json);
        } catch (RuntimeException e) {
            // The sweep sends an unacknowledged command again; a lost wake-up ends in a time-out.
            log.warn("{} to {} not sent: {}", type.wireName(), vin, e.toString());
        }
    }
}
