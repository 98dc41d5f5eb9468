package org.odomo.vehicle;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The vehicle registry: registration, ownership, connected services and privacy mode. Reads for
 * the ingest path go through a short-lived cache; every node drops its entry on a local change
 * and the TTL bounds how long another node's change takes to be seen.
 */
@Service
public class VehicleRegistry {

    private static final long CACHE_TTL_MILLIS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Vehicle vehicle, String credentialHash, long loadedAt) {
    }

    VehicleRegistry(JdbcClient jdbc, ApplicationEventPublisher events, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Transactional
    public RegisteredVehicle register(NewVehicle request) {
        Vin vin = new Vin(request.vin());
        if (!request.brand().builds(vin)) {
            throw new IllegalArgumentException("VIN " + vin + " does not start with a manufacturer code of "
                    + request.brand().label() + " " + request.brand().manufacturerCodes());
        }
        VehicleModel model = VehicleModels.require(request.modelCode());
        if (model.brand() != request.brand()) {
            throw new IllegalArgumentException("model " + model.code() + " is not a " + request.brand().label());
        }
        Instant now = clock.instant();
        String credential = VehicleCredentials.newCredential();
        String apiId = newApiId();
        PrivacyMode privacy = request.privacyMode() == null ? PrivacyMode.DATA_AND_LOCATION : request.privacyMode();
        try {
            jdbc.sql("""
                    INSERT INTO vehicle (vin, api_id, brand, model_code, label, motorization, owner_id,
                                         privacy_mode, privacy_at, credential_hash, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)""")
                    .params(vin.value(), apiId, request.brand().name(), model.code(), model.label(),
                            model.motorization().name(), request.ownerId(), privacy.name(),
                            VehicleCredentials.hash(credential), Timestamp.from(now), Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("vehicle " + vin + " is already registered", e);
        }
        Set<ConnectedService> services = request.services() == null ? Set.of() : request.services();
        for (ConnectedService service : services) {
            insertService(vin.value(), service, now);
        }
        Vehicle vehicle = new Vehicle(vin.value(), apiId, request.brand(), model.code(), model.label(),
                model.motorization(), request.ownerId(), privacy, services, now, now);
        events.publishEvent(new VehicleChanged(vin.value()));
        events.publishEvent(new VehicleCredentialIssued(vin.value(), credential));
        return new RegisteredVehicle(vehicle, credential);
    }

    /**
     * Gives the vehicle a new credential; the old one stops being accepted (at once on this node,
     * within the cache's time-to-live on the others).
     *
     * @return the new credential, which the platform cannot show again
     * @throws UnknownVehicleException when no such vehicle is registered
     */
    @Transactional
    public String replaceCredential(String vin) {
        String credential = VehicleCredentials.newCredential();
        setCredentialHash(vin, VehicleCredentials.hash(credential));
        events.publishEvent(new VehicleCredentialIssued(vin, credential));
        return credential;
    }

    /**
     * Revokes the vehicle's credential: none of its messages is accepted until it is given a new
     * one with {@link #replaceCredential}.
     *
     * @throws UnknownVehicleException when no such vehicle is registered
     */
    @Transactional
    public void revokeCredential(String vin) {
        setCredentialHash(vin, VehicleCredentials.REVOKED);
        events.publishEvent(new VehicleCredentialRevoked(vin));
    }

    private void setCredentialHash(String vin, String hash) {
        int updated = jdbc.sql("UPDATE vehicle SET credential_hash = ?, updated_at = ? WHERE vin = ?")
                .params(hash, Timestamp.from(clock.instant()), vin).update();
        if (updated == 0) {
            throw new UnknownVehicleException(vin);
        }
        evict(vin);
    }

    /** The vehicle, fresh from the database. */
    public Optional<Vehicle> find(String vin) {
        return load(vin).map(Cached::vehicle);
    }

    /** The vehicle as the ingest path sees it: cached for a few seconds. */
    public Optional<Vehicle> findCached(String vin) {
        return cached(vin).map(Cached::vehicle);
    }

    /**
     * The vehicle with this API id as the API path sees it: cached like {@link #findCached}; the
     * id never changes once given, so its VIN is remembered for good.
     */
    public Optional<Vehicle> findByApiIdCached(String apiId) {
        String vin = vinByApiId.get(apiId);
        if (vin == null) {
            vin = jdbc.sql("SELECT vin FROM vehicle WHERE api_id = ?").param(apiId).query(String.class).optional()
                    .map(String::trim).orElse(null);
            if (vin == null) {
                return Optional.empty();
            }
            if (vinByApiId.size() < 1_000_000) {
                vinByApiId.put(apiId, vin);
            }
        }
        return findCached(vin);
    }

    private final Map<String, String> vinByApiId = new ConcurrentHashMap<>();

    public List<Vehicle> ownedBy(long ownerId) {
        List<String> vins = jdbc.sql("SELECT vin FROM vehicle WHERE owner_id = ? ORDER BY created_at, vin")
                .param(ownerId).query(String.class).list();
        List<Vehicle> result = new ArrayList<>();
        vins.forEach(v -> find(v).ifPresent(result::add));
        return result;
    }

    public List<String> allVins() {
        return jdbc.sql("SELECT vin FROM vehicle ORDER BY vin").query(String.class).list();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM vehicle").query(Long.class).single();
    }

    /** Checks a message's credential against the vehicle it claims to come from. */
    public boolean credentialMatches(String vin, String credential) {
        return cached(vin).map(c -> VehicleCredentials.matches(credential, c.credentialHash())).orElse(false);
    }

    @Transactional
    public void linkOwner(String vin, Long ownerId) {
        int updated = jdbc.sql("UPDATE vehicle SET owner_id = ?, updated_at = ? WHERE vin = ?")
                .params(ownerId, Timestamp.from(clock.instant()), vin).update();
        requireUpdated(updated, vin);
        changed(vin);
    }

    @Transactional
    public void activateService(String vin, ConnectedService service) {
        requireExists(vin);
        jdbc.sql("DELETE FROM vehicle_service WHERE vin = ? AND service = ?").params(vin, service.name()).update();
        insertService(vin, service, clock.instant());
        touch(vin);
        changed(vin);
    }

    @Transactional
    public void deactivateService(String vin, ConnectedService service) {
        requireExists(vin);
        jdbc.sql("DELETE FROM vehicle_service WHERE vin = ? AND service = ?").params(vin, service.name()).update();
        touch(vin);
        changed(vin);
    }

    /**
     * Records the privacy mode the vehicle reported, unless a later report is already stored:
     * reports can arrive out of order.
     *
     * @return true when the stored mode changed
     */
    @Transactional
    public boolean reportPrivacyMode(String vin, PrivacyMode mode, Instant measuredAt) {
        int updated = jdbc.sql("""
                UPDATE vehicle SET privacy_mode = ?, privacy_at = ?, updated_at = ?
                WHERE vin = ? AND (privacy_at IS NULL OR privacy_at < ?) AND privacy_mode <> ?""")
                .params(mode.name(), Timestamp.from(measuredAt), Timestamp.from(clock.instant()), vin,
                        Timestamp.from(measuredAt), mode.name())
                .update();
        if (updated == 0) {
            // Same mode, newer report: keep the time so an older contrary report cannot win.
            jdbc.sql("UPDATE vehicle SET privacy_at = ? WHERE vin = ? AND (privacy_at IS NULL OR privacy_at < ?)")
                    .params(Timestamp.from(measuredAt), vin, Timestamp.from(measuredAt)).update();
            return false;
        }
        changed(vin);
        return true;
    }

    /** Operator override of the privacy mode, for vehicles that never reported one. */
    @Transactional
    public void setPrivacyMode(String vin, PrivacyMode mode) {
        int updated = jdbc.sql("UPDATE vehicle SET privacy_mode = ?, updated_at = ? WHERE vin = ?")
                .params(mode.name(), Timestamp.from(clock.instant()), vin).update();
        requireUpdated(updated, vin);
        changed(vin);
    }

    /**
     * Issues a new activation code for the vehicle: the secret its owner is handed with the car
     * and types in when linking it to an account. Only its hash is kept.
     */
    @Transactional
    public String issueActivationCode(String vin) {
        String code = activationCode();
        int updated = jdbc.sql("UPDATE vehicle SET activation_code_hash = ?, updated_at = ? WHERE vin = ?")
                .params(ACTIVATION_CODES.encode(code), Timestamp.from(clock.instant()), vin).update();
        requireUpdated(updated, vin);
        return code;
    }

    /**
     * Links a vehicle to an account once its owner proved possession with the activation code.
     * The vehicle must be of the account's brand and not linked to anyone yet.
     */
    @Transactional
    public Vehicle linkWithActivationCode(String vin, String code, Brand accountBrand, long ownerId) {
        record Row(String brand, Long owner, String hash) {
        }
        Optional<Row> row = jdbc.sql("SELECT brand, owner_id, activation_code_hash FROM vehicle WHERE vin = ? FOR UPDATE")
                .param(vin == null ? "" : vin.trim().toUpperCase(java.util.Locale.ROOT))
                .query((rs, n) -> new Row(rs.getString(1), (Long) rs.getObject(2, Long.class), rs.getString(3)))
                .optional();
        if (row.isEmpty() || row.get().hash() == null || code == null
                || !ACTIVATION_CODES.matches(code.trim(), row.get().hash())
                || !accountBrand.name().equals(row.get().brand())) {
            String article = "AEIOU".indexOf(accountBrand.label().charAt(0)) >= 0 ? "an " : "a ";
            throw new IllegalArgumentException("this VIN and activation code do not match " + article
                    + accountBrand.label() + " vehicle");
        }
        if (row.get().owner() != null) {
            throw new IllegalStateException("this vehicle is already linked to an account");
        }
        String normalised = vin.trim().toUpperCase(java.util.Locale.ROOT);
        jdbc.sql("UPDATE vehicle SET owner_id = ?, activation_code_hash = NULL, updated_at = ? WHERE vin = ?")
                .params(ownerId, Timestamp.from(clock.instant()), normalised).update();
        changed(normalised);
        return find(normalised).orElseThrow();
    }

    private static final org.springframework.security.crypto.password.PasswordEncoder ACTIVATION_CODES =
            org.odomo.crypto.Passwords.encoder();

    private static String activationCode() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                code.append('-');
            }
            code.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return code.toString();
    }

    /** Drops the cached entry; called on local changes and when another node announces one. */
    public void evict(String vin) {
        cache.remove(vin);
    }

    private void changed(String vin) {
        evict(vin);
        events.publishEvent(new VehicleChanged(vin));
    }

    private Optional<Cached> cached(String vin) {
        long now = System.currentTimeMillis();
        Cached hit = cache.get(vin);
        if (hit != null && now - hit.loadedAt() < CACHE_TTL_MILLIS) {
            return Optional.of(hit);
        }
        Optional<Cached> loaded = load(vin);
        loaded.ifPresentOrElse(c -> cache.put(vin, c), () -> cache.remove(vin));
        return loaded;
    }

    /** Loads several vehicles in one query, warming the cache; used by the ingest batches. */
    public Map<String, Vehicle> findAllCached(Set<String> vins) {
        Map<String, Vehicle> result = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String vin : vins) {
            Cached hit = cache.get(vin);
            if (hit != null && now - hit.loadedAt() < CACHE_TTL_MILLIS) {
                result.put(vin, hit.vehicle());
            } else {
                missing.add(vin);
            }
        }
        for (int from = 0; from < missing.size(); from += 500) {
            List<String> chunk = missing.subList(from, Math.min(missing.size(), from + 500));
            for (Cached c : loadMany(chunk)) {
                cache.put(c.vehicle().vin(), c);
                result.put(c.vehicle().vin(), c.vehicle());
            }
        }
        return result;
    }

    /** Credential check against an already cached entry (see {@link #findAllCached}). */
    public boolean credentialMatchesCached(String vin, String credential) {
        Cached hit = cache.get(vin);
        if (hit == null) {
            return credentialMatches(vin, credential);
        }
        return VehicleCredentials.matches(credential, hit.credentialHash());
    }

    /**
     * Whether the vehicle's credential is in force (not revoked), from an already cached entry:
     * what a message without credential, whose sender the transport proved, is checked against.
     */
    public boolean credentialInForceCached(String vin) {
        Cached hit = cache.get(vin);
        Optional<Cached> entry = hit != null ? Optional.of(hit) : cached(vin);
        return entry.map(c -> !VehicleCredentials.REVOKED.equals(c.credentialHash())).orElse(false);
    }

    private Optional<Cached> load(String vin) {
        List<Cached> found = loadMany(List.of(vin));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private List<Cached> loadMany(List<String> vins) {
        if (vins.isEmpty()) {
            return List.of();
        }
        String marks = String.join(",", java.util.Collections.nCopies(vins.size(), "?"));
        Map<String, Set<ConnectedService>> services = new ConcurrentHashMap<>();
        jdbc.sql("SELECT vin, service FROM vehicle_service WHERE vin IN (" + marks + ")")
                .params(new ArrayList<Object>(vins))
                .query((rs, n) -> {
                    services.computeIfAbsent(rs.getString(1).trim(), k -> EnumSet.noneOf(ConnectedService.class))
                            .add(ConnectedService.valueOf(rs.getString(2)));
                    return null;
                }).list();
        long now = System.currentTimeMillis();
        return jdbc.sql("SELECT * FROM vehicle WHERE vin IN (" + marks + ")")
                .params(new ArrayList<Object>(vins))
                .query((rs, n) -> new Cached(map(rs, services.getOrDefault(rs.getString("vin").trim(), Set.of())),
                        rs.getString("credential_hash"), now))
                .list();
    }

    private static Vehicle map(ResultSet rs, Set<ConnectedService> services) throws SQLException {
        long owner = rs.getLong("owner_id");
        Long ownerId = rs.wasNull() ? null : owner;
        return new Vehicle(rs.getString("vin").trim(), rs.getString("api_id"), Brand.valueOf(rs.getString("brand")),
                rs.getString("model_code"), rs.getString("label"), Motorization.valueOf(rs.getString("motorization")),
                ownerId, PrivacyMode.valueOf(rs.getString("privacy_mode")), services,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private void insertService(String vin, ConnectedService service, Instant at) {
        jdbc.sql("INSERT INTO vehicle_service (vin, service, activated_at) VALUES (?, ?, ?)")
                .params(vin, service.name(), Timestamp.from(at)).update();
    }

    private void touch(String vin) {
        jdbc.sql("UPDATE vehicle SET updated_at = ? WHERE vin = ?").params(Timestamp.from(clock.instant()), vin).update();
    }

    private void requireExists(String vin) {
        Integer n = jdbc.sql("SELECT COUNT(*) FROM vehicle WHERE vin = ?").param(vin).query(Integer.class).single();
        requireUpdated(n, vin);
    }

    private static void requireUpdated(int count, String vin) {
        if (count == 0) {
            throw new UnknownVehicleException(vin);
        }
    }

    private static String newApiId() {
        byte[] id = new byte[24];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
