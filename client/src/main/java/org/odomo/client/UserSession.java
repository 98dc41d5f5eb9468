package org.odomo.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * The API as one enrolled user lets the app read it. Every call carries the user's access token,
 * refreshed first when it is about to expire, and once more when the server says it no longer
 * works (revoked, or expired by the server's clock) and a refresh token is at hand. Thread-safe:
 * concurrent calls share one refresh, since a refresh token works only once.
 *
 * <p>Each read throws an {@link OdomoApiException} subclass for an error answer:
 * {@link NotFoundException} for an unknown vehicle, {@link ForbiddenException} for a scope the
 * user did not grant, {@link RateLimitedException} past the app's plan...
 */
public final class UserSession {

    private static final int UNKNOWN_OR_EXPIRED_TOKEN = 40101;

    private final OdomoClient client;
    private final TokenStore store;
    private final Http http;
    private final Duration refreshMargin;
    private final Clock clock;
    private final ReentrantLock refreshing = new ReentrantLock();

    UserSession(OdomoClient client, TokenStore store, Http http, Duration refreshMargin, Clock clock) {
        this.client = client;
        this.store = store;
        this.http = http;
        this.refreshMargin = refreshMargin;
        this.clock = clock;
    }

    /** The user the token was issued for. */
    public User user() {
        return User.from(get("/user", Map.of()));
    }

    /** The first page of the user's vehicles. */
    public Page<Vehicle> vehicles() {
        return vehicles(PageRequest.first());
    }

    /** A page of the user's vehicles. */
    public Page<Vehicle> vehicles(PageRequest request) {
        return page(get("/user/vehicles", request.query()), "vehicles", Vehicle::from);
    }

    /** One of the user's vehicles, by its id. */
    public Vehicle vehicle(String vehicleId) {
        return Vehicle.from(get(vehiclePath(vehicleId), Map.of()));
    }

    /** The vehicle's latest status (needs {@code data:telemetry} or {@code data:position}). */
    public Status status(String vehicleId) {
        return Status.from(get(vehiclePath(vehicleId) + "/status", Map.of()));
    }

    /** Where the vehicle was last (needs {@code data:position}). */
    public Position lastPosition(String vehicleId) {
        JsonNode json = get(vehiclePath(vehicleId) + "/lastPosition", Map.of());
        Position position = Json.position(json);
        if (position == null) {
            throw new OdomoClientException("the last position has no coordinates");
        }
        return position;
    }

    /** The first page of the vehicle's trips, newest first (needs {@code data:trip}). */
    public Page<Trip> trips(String vehicleId) {
        return trips(vehicleId, PageRequest.first());
    }

    /** A page of the vehicle's trips, newest first, the one in progress included. */
    public Page<Trip> trips(String vehicleId, PageRequest request) {
        return page(get(vehiclePath(vehicleId) + "/trips", request.query()), "trips", Trip::from);
    }

    /** One trip. */
    public Trip trip(String vehicleId, String tripId) {
        return Trip.from(get(vehiclePath(vehicleId) + "/trips/" + OdomoClient.segment(tripId), Map.of()));
    }

    /** A page of the vehicle's alerts (needs {@code data:alert}). */
    public Page<Alert> alerts(String vehicleId, PageRequest request) {
        return page(get(vehiclePath(vehicleId) + "/alerts", request.query()), "alerts", Alert::from);
    }

    /** One alert. */
    public Alert alert(String vehicleId, String alertId) {
        return Alert.from(get(vehiclePath(vehicleId) + "/alerts/" + OdomoClient.segment(alertId), Map.of()));
    }

    /** When the next service is due (needs {@code data:telemetry} and a service that covers maintenance). */
    public Maintenance maintenance(String vehicleId) {
        return Maintenance.from(get(vehiclePath(vehicleId) + "/maintenance", Map.of()));
    }

    /**
     * A page of the samples the vehicle sent, newest first (needs {@code data:telemetry} or
     * {@code data:position}); {@code request.with("extension", "location")} adds their positions.
     */
    public Page<Telemetry> telemetry(String vehicleId, PageRequest request) {
        return page(get(vehiclePath(vehicleId) + "/telemetry", request.query()), "telemetries", Telemetry::from);
    }

    /** The user's current tokens, refreshed first if they are about to expire. */
    public Tokens tokens() {
        return current();
    }

    /** Refreshes the tokens now, whatever their expiry, and keeps the new ones in the store. */
    public Tokens refresh() {
        return refreshReplacing(stored());
    }

    /**
     * Revokes the user's grant (the refresh token, and with it the access tokens; the access token
     * alone when there is no refresh token) and empties the store.
     */
    public void revoke() {
        Tokens tokens = stored();
        client.revoke(tokens.refreshToken() != null ? tokens.refreshToken() : tokens.accessToken());
        store.clear();
    }

    private static String vehiclePath(String vehicleId) {
        return "/user/vehicles/" + OdomoClient.segment(vehicleId);
    }

    private JsonNode get(String path, Map<String, String> query) {
        return get(client.apiUri(path, query));
    }

    private JsonNode get(URI uri) {
        Tokens used = current();
        try {
            return Json.parse(http.send(() -> client.apiRequest(uri, used)).body());
        } catch (UnauthorizedException e) {
            boolean tokenRefused = e.code() == null || e.code() == UNKNOWN_OR_EXPIRED_TOKEN;
            if (!tokenRefused || used.refreshToken() == null) {
                throw e;
            }
            Tokens fresh = refreshReplacing(used);
            return Json.parse(http.send(() -> client.apiRequest(uri, fresh)).body());
        }
    }

    private <T> Page<T> page(JsonNode json, String name, Function<JsonNode, T> item) {
        String next = Json.text(json.path("_links").path("next"), "href");
        Long total = Json.longValue(json, "total");
        Integer totalPages = Json.integer(json, "totalPage");
        Integer currentPage = Json.integer(json, "currentPage");
        var items = Json.list(json.path("_embedded"), name, item);
        return new Page<>(items, total == null ? items.size() : total, totalPages == null ? 1 : totalPages,
                currentPage == null ? 1 : currentPage, next == null ? null : client.onBase(next),
                uri -> page(get(uri), name, item));
    }

    private Tokens stored() {
        return store.load().orElseThrow(() -> new OdomoClientException("no tokens: the user has not enrolled"));
    }

    private Tokens current() {
        Tokens tokens = stored();
        if (tokens.refreshToken() != null && tokens.expiresWithin(refreshMargin, clock.instant())) {
            return refreshReplacing(tokens);
        }
        return tokens;
    }

    /**
     * Replaces {@code stale} with a refreshed pair, unless another thread already did: then its
     * pair is used, and the refresh token, which works only once, is not sent a second time.
     */
    private Tokens refreshReplacing(Tokens stale) {
        refreshing.lock();
        try {
            Tokens latest = stored();
            if (!latest.accessToken().equals(stale.accessToken())) {
                return latest;
            }
            if (latest.refreshToken() == null) {
                throw new OdomoClientException("the access token cannot be refreshed: no refresh token");
            }
            Tokens fresh = client.refresh(latest.refreshToken());
            store.save(fresh);
            return fresh;
        } finally {
            refreshing.unlock();
        }
    }
}
