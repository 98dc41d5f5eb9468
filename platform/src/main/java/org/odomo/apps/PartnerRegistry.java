package org.odomo.apps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.odomo.crypto.CredentialGuard;
import org.odomo.vehicle.Scopes;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Registration of fleet owners (partners) by the operator: identity, fleet contract, plan, and
 * credentials (login id and password, client id, and a client certificate signed from their CSR).
 */
@Service
public class PartnerRegistry {

    /** The name under which failed password checks of a partner's login are throttled. */
    public static final String CREDENTIAL_REALM = "partner";

    private static final Pattern LOGIN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final JdbcClient jdbc;
    private final PlatformCertificateAuthority ca;
    private final PasswordEncoder passwords;
    /**
     * Partners by login and by client id, read on every B2B call; short-lived so that another
     * node's change (a new certificate, a suspension) is seen within seconds.
     */
    private final Cache<String, Optional<Stored>> byLogin = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    private final Cache<String, Optional<Stored>> byClientId = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();

    private record Stored(Partner partner, String passwordHash) {
    }

    PartnerRegistry(JdbcClient jdbc, PlatformCertificateAuthority ca, CredentialGuard guard) {
        this.jdbc = jdbc;
        this.ca = ca;
        this.passwords = guard.encoder();
    }

    @Transactional
    public RegisteredPartner register(PartnerRegistration request) {
        return register(request, UUID.randomUUID().toString(), newPassword());
    }

    /**
     * Registers a partner with a client id and password chosen by the caller (demo data and
     * tests), or returns the existing one with that login id, the password not shown.
     */
    @Transactional
    public Partner ensureRegistered(PartnerRegistration request, String clientId, String password) {
        Optional<Partner> existing = findByLogin(request.loginId());
        return existing.orElseGet(() -> register(request, clientId, password).partner());
    }

    private RegisteredPartner register(PartnerRegistration request, String clientId, String password) {
        String name = AppRegistry.required(request.name(), "name", 120);
        String company = AppRegistry.required(request.company(), "company", 200);
        String email = AppRegistry.required(request.contactEmail(), "contactEmail", 320);
        if (!EMAIL.matcher(email).matches()) {
            throw new InvalidRequestException("contactEmail is not an e-mail address");
        }
        String loginId = AppRegistry.required(request.loginId(), "loginId", 64);
        if (!LOGIN_ID.matcher(loginId).matches()) {
            throw new InvalidRequestException("loginId must be 3 to 64 letters, digits, dots, dashes or underscores");
        }
        Set<String> contract = request.contract() == null ? Set.of() : new LinkedHashSet<>(request.contract());
        if (contract.stream().noneMatch(Scopes.DATA::contains)) {
            throw new InvalidRequestException("contract: a fleet contract covers at least one data scope; known: "
                    + Scopes.ALL);
        }
        for (String scope : contract) {
            if (scope == null || !Scopes.isKnown(scope) && !Scopes.FLEET_ONLY.contains(scope)) {
                throw new InvalidRequestException("contract: unknown scope " + scope + "; known: " + Scopes.ALL);
            }
        }
        String plan = request.slaPlan() == null || request.slaPlan().isBlank() ? "sandbox" : request.slaPlan();
        if (jdbc.sql("SELECT COUNT(*) FROM sla_plan WHERE code = ?").param(plan).query(Long.class).single() == 0) {
            throw new InvalidRequestException("slaPlan: unknown plan " + plan);
        }
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        try {
            jdbc.sql("""
                    INSERT INTO partner (id, client_id, login_id, password_hash, name, company, contact_email, contract,
                        sla_plan, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""")
                    .params(id, clientId, loginId, passwords.encode(password), name, company, email,
                            String.join(" ", contract), plan, Timestamp.from(now), Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new InvalidRequestException("loginId " + loginId + " (or the client id) is already taken");
        }
        return new RegisteredPartner(find(id).orElseThrow(), password);
    }

    public Optional<Partner> find(String id) {
        return jdbc.sql("SELECT * FROM partner WHERE id = ?").param(id).query(PartnerRegistry::map).optional();
    }

    public List<Partner> list() {
        return jdbc.sql("SELECT * FROM partner ORDER BY created_at, id").query(PartnerRegistry::map).list();
    }

    public Optional<Partner> findByLogin(String loginId) {
        return storedByLogin(loginId).map(Stored::partner);
    }

    public Optional<Partner> findByClientId(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        return byClientId.get(clientId, k -> jdbc.sql("SELECT * FROM partner WHERE client_id = ?").param(k)
                .query((rs, n) -> new Stored(map(rs, n), rs.getString("password_hash"))).optional())
                .map(Stored::partner);
    }

    /** The stored hash of the partner's password, for the credential checks; empty for an unknown login. */
    public Optional<String> passwordHash(String loginId) {
        return storedByLogin(loginId).map(Stored::passwordHash);
    }

    private Optional<Stored> storedByLogin(String loginId) {
        if (loginId == null || loginId.isEmpty() || loginId.length() > 64) {
            return Optional.empty();
        }
        return byLogin.get(loginId, k -> jdbc.sql("SELECT * FROM partner WHERE login_id = ?").param(k)
                .query((rs, n) -> new Stored(map(rs, n), rs.getString("password_hash"))).optional());
    }

    /** Signs the partner's CSR with the platform CA; the new certificate replaces the one in force. */
    @Transactional
    public PlatformCertificateAuthority.IssuedCertificate issueCertificate(String id, String csrPem) {
        Partner partner = find(id).orElseThrow(() -> new UnknownPartnerException(id));
        PlatformCertificateAuthority.IssuedCertificate issued = ca.sign(csrPem, partner.loginId());
        jdbc.sql("UPDATE partner SET certificate_pem = ?, certificate_serial = ?, updated_at = ? WHERE id = ?")
                .params(issued.certificatePem(), issued.serialHex(), Timestamp.from(Instant.now()), id).update();
        forget(partner);
        return issued;
    }

    @Transactional
    public Partner changePlan(String id, String planCode) {
        if (planCode == null
                || jdbc.sql("SELECT COUNT(*) FROM sla_plan WHERE code = ?").param(planCode).query(Long.class).single() == 0) {
            throw new InvalidRequestException("unknown plan " + planCode);
        }
        return update(id, "UPDATE partner SET sla_plan = ?, updated_at = ? WHERE id = ?", planCode);
    }

    @Transactional
    public Partner setStatus(String id, App.Status status) {
        return update(id, "UPDATE partner SET status = ?, updated_at = ? WHERE id = ?", status.name());
    }

    private Partner update(String id, String sql, Object value) {
        Partner partner = find(id).orElseThrow(() -> new UnknownPartnerException(id));
        jdbc.sql(sql).params(value, Timestamp.from(Instant.now()), id).update();
        forget(partner);
        return find(id).orElseThrow();
    }

    private void forget(Partner partner) {
        byLogin.invalidate(partner.loginId());
        byClientId.invalidate(partner.clientId());
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Partner map(ResultSet rs, int row) throws SQLException {
        return new Partner(rs.getString("id"), rs.getString("client_id"), rs.getString("login_id"),
                rs.getString("name"), rs.getString("company"), rs.getString("contact_email"),
                Set.copyOf(new LinkedHashSet<>(Arrays.asList(rs.getString("contract").split(" ")))),
                rs.getString("sla_plan"), rs.getString("certificate_pem"), rs.getString("certificate_serial"),
                App.Status.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
