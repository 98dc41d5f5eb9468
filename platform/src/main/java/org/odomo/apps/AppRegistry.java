package org.odomo.apps;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.odomo.crypto.CredentialGuard;
import org.odomo.vehicle.Scopes;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registration of third-party apps by the operator: their identity, the scopes they may ever
 * request, their redirect URIs, their plan, and their credentials (client id and secret, and a
 * client certificate signed from their CSR).
 */
@Service
public class AppRegistry {

    /** The name under which failed secret checks of an app's client id are throttled. */
    public static final String CREDENTIAL_REALM = "app";

    private static final Pattern LOGIN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long CACHE_TTL_MILLIS = 10_000;
    /** The redirect URIs are stored together, one a line, in a column of this many characters. */
    private static final int REDIRECT_URIS_MAX = 4000;

    private final JdbcClient jdbc;
    private final PlatformCertificateAuthority ca;
    private final PasswordEncoder secrets;
    private final Map<String, Cached> byClientId = new ConcurrentHashMap<>();

    private record Cached(App app, String secretHash, long at) {
    }

    AppRegistry(JdbcClient jdbc, PlatformCertificateAuthority ca, CredentialGuard guard) {
        this.jdbc = jdbc;
        this.ca = ca;
        // Bounded and spared re-hashing; callers throttle failed attempts (CredentialGuard#begin).
        this.secrets = guard.encoder();
    }

    @Transactional
    public RegisteredApp register(AppRegistration request) {
        String name = required(request.name(), "name", 120);
        String concept = required(request.concept(), "concept", 2000);
        String company = required(request.company(), "company", 200);
        String email = required(request.contactEmail(), "contactEmail", 320);
        if (!EMAIL.matcher(email).matches()) {
            throw new InvalidRequestException("contactEmail is not an e-mail address");
        }
        long perMonth = request.requestsPerMonth() == null ? 0 : request.requestsPerMonth();
        if (perMonth <= 0) {
            throw new InvalidRequestException("requestsPerMonth must be a positive number");
        }
        String loginId = required(request.loginId(), "loginId", 64);
        if (!LOGIN_ID.matcher(loginId).matches()) {
            throw new InvalidRequestException("loginId must be 3 to 64 letters, digits, dots, dashes or underscores");
        }
        Set<String> scopes = request.scopes() == null ? Set.of() : new LinkedHashSet<>(request.scopes());
        if (scopes.isEmpty()) {
            throw new InvalidRequestException("scopes: the app must need at least one data or remote scope");
        }
        for (String scope : scopes) {
            if (scope == null || !Scopes.isKnown(scope)) {
                throw new InvalidRequestException("scopes: unknown scope " + scope + "; known: " + Scopes.ALL);
            }
        }
        List<String> redirects = request.redirectUris() == null ? List.of() : request.redirectUris();
        if (redirects.isEmpty()) {
            throw new InvalidRequestException("redirectUris: at least one is needed");
        }
        redirects.forEach(AppRegistry::checkRedirectUri);
        if (String.join("\n", redirects).length() > REDIRECT_URIS_MAX) {
            throw new InvalidRequestException("redirectUris: together at most " + REDIRECT_URIS_MAX
                    + " characters (one line each)");
        }
        String plan = request.slaPlan() == null || request.slaPlan().isBlank() ? "sandbox" : request.slaPlan();
        if (plan(plan).isEmpty()) {
            throw new InvalidRequestException("slaPlan: unknown plan " + plan + "; known: "
                    + plans().stream().map(SlaPlan::code).toList());
        }
        String id = UUID.randomUUID().toString();
        String clientId = UUID.randomUUID().toString();
        String secret = newSecret();
        Instant now = Instant.now();
        try {
            jdbc.sql("""
                    INSERT INTO app (id, client_id, client_secret_hash, login_id, name, concept, company, contact_email,
                        requests_per_month, scopes, redirect_uris, sla_plan, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""")
                    .params(id, clientId, secrets.encode(secret), loginId, name, concept, company, email, perMonth,
                            String.join(" ", scopes), String.join("\n", redirects), plan, Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new InvalidRequestException("loginId " + loginId + " is already taken");
        }
        return new RegisteredApp(find(id).orElseThrow(), secret);
    }

    /**
     * Registers an app with a client id and secret chosen by the caller (demo data and tests),
     * or returns the existing one.
     */
    @Transactional
    public App ensureRegistered(AppRegistration request, String clientId, String clientSecret) {
        Optional<App> existing = findByClientId(clientId);
        if (existing.isPresent()) {
            return existing.get();
        }
        RegisteredApp app = register(request);
        jdbc.sql("UPDATE app SET client_id = ?, client_secret_hash = ? WHERE id = ?")
                .params(clientId, secrets.encode(clientSecret), app.app().id()).update();
        return find(app.app().id()).orElseThrow();
    }

    public Optional<App> find(String id) {
        return jdbc.sql("SELECT * FROM app WHERE id = ?").param(id).query(AppRegistry::map).optional();
    }

    public Optional<App> findByClientId(String clientId) {
        return cached(clientId).map(Cached::app);
    }

    /** The stored hash of the app's client secret, for the authorization server's client check. */
    public Optional<String> secretHash(String clientId) {
        return cached(clientId).map(Cached::secretHash);
    }

    /**
     * Whether the secret is the app's. Callers on a request path throttle failures with
     * {@link CredentialGuard#begin} first.
     *
     * @throws org.odomo.crypto.CredentialRefusedException when no hashing slot freed in time
     */
    public boolean secretMatches(String clientId, String secret) {
        return secretHash(clientId).map(hash -> secret != null && secrets.matches(secret, hash)).orElse(false);
    }

    public List<App> list() {
        return jdbc.sql("SELECT * FROM app ORDER BY created_at, id").query(AppRegistry::map).list();
    }

    public List<SlaPlan> plans() {
        return jdbc.sql("SELECT * FROM sla_plan ORDER BY day_limit").query(AppRegistry::mapPlan).list();
    }

    public Optional<SlaPlan> plan(String code) {
        return jdbc.sql("SELECT * FROM sla_plan WHERE code = ?").param(code).query(AppRegistry::mapPlan).optional();
    }

    @Transactional
    public App changePlan(String id, String planCode) {
        if (plan(planCode).isEmpty()) {
            throw new InvalidRequestException("unknown plan " + planCode);
        }
        update(id, "UPDATE app SET sla_plan = ?, updated_at = ? WHERE id = ?", planCode);
        return find(id).orElseThrow();
    }

    @Transactional
    public App setStatus(String id, App.Status status) {
        update(id, "UPDATE app SET status = ?, updated_at = ? WHERE id = ?", status.name());
        return find(id).orElseThrow();
    }

    /** Signs the app's CSR with the platform CA and keeps the certificate with the app. */
    @Transactional
    public PlatformCertificateAuthority.IssuedCertificate issueCertificate(String id, String csrPem) {
        App app = find(id).orElseThrow(() -> new UnknownAppException(id));
        PlatformCertificateAuthority.IssuedCertificate issued = ca.sign(csrPem, app.loginId());
        jdbc.sql("UPDATE app SET certificate_pem = ?, certificate_serial = ?, updated_at = ? WHERE id = ?")
                .params(issued.certificatePem(), issued.serialHex(), Timestamp.from(Instant.now()), id).update();
        byClientId.remove(app.clientId());
        return issued;
    }

    public String caCertificatePem() {
        return ca.certificatePem();
    }

    private void update(String id, String sql, Object value) {
        App app = find(id).orElseThrow(() -> new UnknownAppException(id));
        jdbc.sql(sql).params(value, Timestamp.from(Instant.now()), id).update();
        byClientId.remove(app.clientId());
    }

    private Optional<Cached> cached(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        Cached hit = byClientId.get(clientId);
        long now = System.currentTimeMillis();
        if (hit != null && now - hit.at() < CACHE_TTL_MILLIS) {
            return Optional.of(hit);
        }
        Optional<Cached> loaded = jdbc.sql("SELECT * FROM app WHERE client_id = ?").param(clientId)
                .query((rs, n) -> new Cached(map(rs, n), rs.getString("client_secret_hash"), now)).optional();
        loaded.ifPresentOrElse(c -> byClientId.put(clientId, c), () -> byClientId.remove(clientId));
        return loaded;
    }

    static void checkRedirectUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidRequestException("redirectUris: a redirect URI is empty");
        }
        if (uri.length() > REDIRECT_URIS_MAX) {
            throw new InvalidRequestException("redirectUris: a redirect URI is longer than " + REDIRECT_URIS_MAX
                    + " characters");
        }
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            String host = parsed.getHost() == null ? "" : parsed.getHost();
            if (host.equalsIgnoreCase("localhost")) {
                throw new InvalidRequestException("redirect URI " + uri + ": use the loopback address 127.0.0.1 "
                        + "instead of localhost (RFC 8252)");
            }
            boolean loopback = host.equals("127.0.0.1") || host.equals("[::1]");
            boolean web = scheme.equals("https") || (scheme.equals("http") && loopback);
            boolean app = !scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")
                    && scheme.contains(".");
            if (parsed.getFragment() != null || !(web && !host.isEmpty() || app)) {
                throw new InvalidRequestException("redirect URI " + uri + " must be https (http only for 127.0.0.1) "
                        + "or a private-use scheme like com.example.app:/callback, without fragment");
            }
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("redirect URI " + uri + " is not a URI");
        }
    }

    /** A required text member of a registration: present, at most {@code max} characters, no NUL. */
    static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field + " is required");
        }
        if (value.length() > max) {
            throw new InvalidRequestException(field + " is longer than " + max + " characters");
        }
        // PostgreSQL stores no NUL in text; no field of an app has a use for one.
        if (value.indexOf('\0') >= 0) {
            throw new InvalidRequestException(field + " contains a NUL character");
        }
        return value.trim();
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static App map(ResultSet rs, int row) throws SQLException {
        return new App(rs.getString("id"), rs.getString("client_id"), rs.getString("login_id"), rs.getString("name"),
                rs.getString("concept"), rs.getString("company"), rs.getString("contact_email"),
                rs.getLong("requests_per_month"),
                new LinkedHashSet<>(Arrays.asList(rs.getString("scopes").split(" "))),
                List.of(rs.getString("redirect_uris").split("\n")), rs.getString("sla_plan"),
                rs.getString("certificate_pem"), App.Status.valueOf(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static SlaPlan mapPlan(ResultSet rs, int row) throws SQLException {
        return new SlaPlan(rs.getString("code"), rs.getString("label"), rs.getLong("day_limit"), rs.getInt("burst_limit"));
    }
}
