package org.odomo.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.apps.InvalidRequestException;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.UnknownPartnerException;
import org.odomo.vehicle.VehicleRegistry;
import org.odomo.vehicle.Vin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The partners' fleets and which vehicles they hold. A vehicle is in at most one fleet: adding it
 * to another moves it, and the ended membership is kept with its dates.
 */
@Service
public class FleetDirectory {

    private final JdbcClient jdbc;
    private final PartnerRegistry partners;
    private final VehicleRegistry vehicles;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    /**
     * Memberships by VIN, asked for every message of a fleet vehicle (fleet monitors) and every
     * B2B call; short-lived, so that a move on another node is seen within seconds.
     */
    private final Cache<String, Optional<Membership>> memberships = Caffeine.newBuilder().maximumSize(200_000)
            .expireAfterWrite(Duration.ofSeconds(5)).build();
    private final Cache<String, Optional<Fleet>> fleets = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();

    FleetDirectory(JdbcClient jdbc, PartnerRegistry partners, VehicleRegistry vehicles,
            ApplicationEventPublisher events, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.partners = partners;
        this.vehicles = vehicles;
        this.events = events;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @Transactional
    public Fleet create(String partnerId, String name, String description) {
        partners.find(partnerId).orElseThrow(() -> new UnknownPartnerException(partnerId));
        if (name == null || name.isBlank() || name.length() > 120 || name.indexOf('\0') >= 0) {
            throw new InvalidRequestException("name is required: 1 to 120 characters");
        }
        String text = description == null ? "" : description;
        if (text.length() > 1000 || text.indexOf('\0') >= 0) {
            throw new InvalidRequestException("description: at most 1000 characters");
        }
        String id = UUID.randomUUID().toString();
        Instant now = now();
        jdbc.sql("INSERT INTO fleet (id, partner_id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, partnerId, name.trim(), text.trim(), Timestamp.from(now), Timestamp.from(now)).update();
        return find(id).orElseThrow();
    }

    public Optional<Fleet> find(String fleetId) {
        if (fleetId == null || fleetId.isEmpty() || fleetId.length() > 40) {
            return Optional.empty();
        }
        return fleets.get(fleetId, id -> jdbc.sql("SELECT * FROM fleet WHERE id = ?").param(id)
                .query(FleetDirectory::map).optional());
    }

    public List<Fleet> ofPartner(String partnerId) {
        return jdbc.sql("SELECT * FROM fleet WHERE partner_id = ? ORDER BY created_at, id").param(partnerId)
                .query(FleetDirectory::map).list();
    }

    /** Puts the vehicle in the fleet from now on, moving it out of the one it was in, if any. */
    @Transactional
    public Membership addVehicle(String fleetId, String vin) {
        return addVehicle(fleetId, vin, null);
    }

    /**
     * Puts the vehicle in the fleet, the fleet seeing its data from {@code since} (null: now): an
     * operator onboarding a company's own cars with the history they already sent. The periods of
     * fleets never overlap: {@code since} is not in the future, nor before the end of an earlier
     * membership; a car moved from another fleet leaves it at {@code since}.
     */
    @Transactional
    public Membership addVehicle(String fleetId, String vin, Instant since) {
        find(fleetId).orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no fleet " + fleetId));
        if (vin == null || !Vin.isValid(vin) || vehicles.find(vin).isEmpty()) {
            throw new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle " + vin);
        }
        // The vehicle's row serializes concurrent moves of the same car.
        jdbc.sql("SELECT vin FROM vehicle WHERE vin = ? FOR UPDATE").param(vin).query(String.class).single();
        Optional<Membership> current = loadMembership(vin);
        if (current.isPresent() && current.get().fleetId().equals(fleetId)) {
            return current.get();
        }
        Instant now = now();
        Instant from = since == null ? now : since.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (from.isAfter(now)) {
            throw new InvalidRequestException("since is in the future");
        }
        Instant earliest = jdbc.sql("SELECT MAX(left_at) FROM fleet_vehicle_past WHERE vin = ?").param(vin)
                .query((rs, n) -> rs.getTimestamp(1) == null ? Instant.EPOCH : rs.getTimestamp(1).toInstant()).single();
        if (current.isPresent() && current.get().joinedAt().isAfter(earliest)) {
            earliest = current.get().joinedAt();
        }
        if (from.isBefore(earliest)) {
            throw new InvalidRequestException("since " + from + " is before " + earliest
                    + ", when the vehicle's earlier fleet membership began or ended: fleets never share a period");
        }
        current.ifPresent(m -> end(m, from));
        jdbc.sql("INSERT INTO fleet_vehicle (vin, fleet_id, joined_at) VALUES (?, ?, ?)")
                .params(vin, fleetId, Timestamp.from(from)).update();
        memberships.invalidate(vin);
        events.publishEvent(new FleetMembershipChanged(vin, current.map(Membership::fleetId).orElse(null), fleetId));
        return new Membership(vin, fleetId, from);
    }

    /** Takes the vehicle out of the fleet; false when it was not in it. */
    @Transactional
    public boolean removeVehicle(String fleetId, String vin) {
        if (vin == null || !Vin.isValid(vin)) {
            return false;
        }
        jdbc.sql("SELECT vin FROM vehicle WHERE vin = ? FOR UPDATE").param(vin).query(String.class).optional();
        Optional<Membership> current = loadMembership(vin).filter(m -> m.fleetId().equals(fleetId));
        if (current.isEmpty()) {
            return false;
        }
        end(current.get(), now());
        memberships.invalidate(vin);
        events.publishEvent(new FleetMembershipChanged(vin, fleetId, null));
        return true;
    }

    /** Now, at the precision the database keeps (microseconds), so that what is returned is what is read back. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private void end(Membership m, Instant now) {
        jdbc.sql("DELETE FROM fleet_vehicle WHERE vin = ?").param(m.vin()).update();
        jdbc.sql("INSERT INTO fleet_vehicle_past (fleet_id, vin, joined_at, left_at) VALUES (?, ?, ?, ?)")
                .params(m.fleetId(), m.vin(), Timestamp.from(m.joinedAt()), Timestamp.from(now)).update();
    }

    /** The fleet the vehicle is in now (cached for a few seconds). */
    public Optional<Membership> membership(String vin) {
        return memberships.get(vin, this::loadMembership);
    }

    private Optional<Membership> loadMembership(String vin) {
        return jdbc.sql("SELECT vin, fleet_id, joined_at FROM fleet_vehicle WHERE vin = ?").param(vin)
                .query((rs, n) -> new Membership(rs.getString("vin"), rs.getString("fleet_id"),
                        rs.getTimestamp("joined_at").toInstant()))
                .optional();
    }

    /**
     * A page of the fleet's current vehicles in VIN order, after {@code afterVin} (exclusive,
     * null for the first page), optionally only VINs starting with {@code vinPrefix}.
     */
    public List<Membership> members(String fleetId, String vinPrefix, String afterVin, int limit) {
        String prefix = vinPrefix == null ? "" : vinPrefix;
        return jdbc.sql("""
                SELECT vin, fleet_id, joined_at FROM fleet_vehicle
                WHERE fleet_id = ? AND vin LIKE ? AND vin > ?
                ORDER BY fleet_id, vin LIMIT ?""")
                // Ordered as the (fleet_id, vin) index is, so that the database reads the page off
                // the index and stops (H2 sorts the fleet's every row for ORDER BY vin alone).
                .params(fleetId, likePrefix(prefix), afterVin == null ? "" : afterVin, limit)
                .query((rs, n) -> new Membership(rs.getString("vin"), rs.getString("fleet_id"),
                        rs.getTimestamp("joined_at").toInstant()))
                .list();
    }

    /**
     * The page of the fleet's current vehicles that ends just before {@code beforeVin} (exclusive;
     * null for the fleet's last page), in VIN order: the keyset way back, as costly at the end of
     * a large fleet as at its start.
     */
    public List<Membership> membersBefore(String fleetId, String vinPrefix, String beforeVin, int limit) {
        String prefix = vinPrefix == null ? "" : vinPrefix;
        List<Membership> page = new java.util.ArrayList<>(jdbc.sql("""
                SELECT vin, fleet_id, joined_at FROM fleet_vehicle
                WHERE fleet_id = ? AND vin LIKE ? AND vin < ?
                ORDER BY fleet_id DESC, vin DESC LIMIT ?""")
                // Every VIN sorts before "~" (VINs are letters and digits).
                .params(fleetId, likePrefix(prefix), beforeVin == null ? "~" : beforeVin, limit)
                .query((rs, n) -> new Membership(rs.getString("vin"), rs.getString("fleet_id"),
                        rs.getTimestamp("joined_at").toInstant()))
                .list());
        java.util.Collections.reverse(page);
        return page;
    }

    public long count(String fleetId, String vinPrefix) {
        return jdbc.sql("SELECT COUNT(*) FROM fleet_vehicle WHERE fleet_id = ? AND vin LIKE ?")
                .params(fleetId, likePrefix(vinPrefix == null ? "" : vinPrefix)).query(Long.class).single();
    }

    private static String likePrefix(String prefix) {
        // A VIN has letters and digits only; anything else in a prefix matches no VIN.
        if (!prefix.chars().allMatch(Character::isLetterOrDigit)) {
            return "\u0000";
        }
        return prefix.toUpperCase(java.util.Locale.ROOT) + "%";
    }

    private static Fleet map(ResultSet rs, int row) throws SQLException {
        return new Fleet(rs.getString("id"), rs.getString("partner_id"), rs.getString("name"),
                rs.getString("description"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
