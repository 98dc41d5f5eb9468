package org.odomo.client;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * An app's client of the platform: its address, the app's credentials and the realm of its
 * users. It enrolls users (the OAuth2 authorization-code flow with PKCE) and opens a
 * {@link UserSession} per enrolled user, through which the API is read. Thread-safe; one instance
 * serves every user of the app.
 *
 * <pre>{@code
 * OdomoClient odomo = OdomoClient.builder().baseUri("http://localhost:8080").realm(Realm.PEUGEOT)
 *         .clientId(clientId).clientSecret(secret).redirectUri("http://127.0.0.1:9999/callback").build();
 * AuthorizationRequest request = odomo.authorizationRequest(Set.of(Scopes.TELEMETRY, Scopes.TRIP));
 * // send the user to request.uri(); they come back to the redirect URI with a code
 * UserSession user = odomo.session(odomo.exchange(request, callbackUri));
 * Status status = user.status(user.vehicles().items().get(0).id());
 * }</pre>
 */
public final class OdomoClient {

    static final String API = "/connectedcar/v4";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI baseUri;
    private final String realm;
    private final String clientId;
    private final String clientSecret;
    private final URI redirectUri;
    private final String locale;
    private final Duration requestTimeout;
    private final Duration refreshMargin;
    private final Clock clock;
    private final Http http;

    private OdomoClient(Builder b) {
        this.baseUri = stripTrailingSlash(Objects.requireNonNull(b.baseUri, "baseUri"));
        this.realm = Objects.requireNonNull(b.realm, "realm");
        this.clientId = Objects.requireNonNull(b.clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(b.clientSecret, "clientSecret");
        this.redirectUri = b.redirectUri;
        this.locale = b.locale;
        this.requestTimeout = b.requestTimeout;
        this.refreshMargin = b.refreshMargin;
        this.clock = b.clock;
        HttpClient client = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NEVER).build();
        this.http = new Http(client, clock, b.rateLimitRetries, b.longestRateLimitWait);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The platform's address. */
    public URI baseUri() {
        return baseUri;
    }

    /** The realm of this client's users, for example {@code clientsB2CPeugeot}. */
    public String realm() {
        return realm;
    }

    /** The app's client id. */
    public String clientId() {
        return clientId;
    }

    /** Starts an authorization to the redirect URI given to the builder. */
    public AuthorizationRequest authorizationRequest(Collection<String> scopes) {
        if (redirectUri == null) {
            throw new IllegalStateException("no redirect URI: give one to the builder or to this call");
        }
        return authorizationRequest(scopes, redirectUri);
    }

    /**
     * Starts an authorization: a fresh {@code state} and PKCE verifier, and the address of the
     * authorization page. {@code redirectUri} must be one the app registered; for a loopback one
     * ({@code http://127.0.0.1:PORT/...}) any port will do, the one the app listens on now.
     */
    public AuthorizationRequest authorizationRequest(Collection<String> scopes, URI redirectUri) {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("ask for at least one scope");
        }
        Set<String> asked = new LinkedHashSet<>(scopes);
        String state = random(16);
        String verifier = random(32);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("scope", String.join(" ", asked));
        query.put("redirect_uri", redirectUri.toString());
        query.put("state", state);
        query.put("realm", realm);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        if (locale != null) {
            query.put("locale", locale);
        }
        URI uri = URI.create(baseUri + "/am/oauth2/authorize?" + form(query));
        return new AuthorizationRequest(uri, state, verifier, redirectUri, asked);
    }

    /**
     * Finishes an authorization from the address the user's browser was sent back to: checks its
     * {@code state}, then exchanges its code for tokens.
     *
     * @throws AuthorizationDeniedException when the redirect carries an error (the user declined)
     */
    public Tokens exchange(AuthorizationRequest request, URI callback) {
        Map<String, String> params = parseQuery(callback.getRawQuery());
        if (!request.state().equals(params.get("state"))) {
            // Not the answer to this request: a forged or stale redirect must not log anyone in.
            throw new OdomoClientException("the redirect's state does not match the authorization request");
        }
        if (params.containsKey("error")) {
            throw new AuthorizationDeniedException(params.get("error"), params.get("error_description"));
        }
        String code = params.get("code");
        if (code == null || code.isEmpty()) {
            throw new OdomoClientException("the redirect carries neither a code nor an error");
        }
        return exchange(request, code);
    }

    /** Exchanges the code the redirect carried for tokens. */
    public Tokens exchange(AuthorizationRequest request, String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", request.redirectUri().toString());
        form.put("code_verifier", request.codeVerifier());
        return tokenRequest(form, null);
    }

    /**
     * Gets a new pair of tokens with a refresh token. The refresh token given is used up: keep
     * the answer's. A {@link UserSession} does this by itself.
     *
     * @throws BadRequestException with {@code invalid_grant} when the refresh token is no longer
     *         valid (expired, revoked, already used): the user must enroll again
     */
    public Tokens refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return tokenRequest(form, refreshToken);
    }

    /** Revokes a token; revoking a refresh token also revokes the access tokens issued with it. */
    public void revoke(String token) {
        http.send(() -> tokenEndpoint("/am/oauth2/token/revoke", Map.of("token", token)));
    }

    /** A session for the user whose tokens the store holds (or will hold). */
    public UserSession session(TokenStore store) {
        return new UserSession(this, store, http, refreshMargin, clock);
    }

    /** A session for the user of these tokens, kept in memory. */
    public UserSession session(Tokens tokens) {
        return session(TokenStore.inMemory(tokens));
    }

    private Tokens tokenRequest(Map<String, String> form, String previousRefreshToken) {
        JsonNode json = Json.parse(http.send(() -> tokenEndpoint("/am/oauth2/access_token", form)).body());
        String refresh = Json.text(json, "refresh_token");
        Long expiresIn = Json.longValue(json, "expires_in");
        String scope = Json.text(json, "scope");
        return new Tokens(Json.text(json, "access_token"), refresh != null ? refresh : previousRefreshToken,
                Json.text(json, "id_token"), clock.instant().plusSeconds(expiresIn == null ? 0 : expiresIn),
                scope == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+"))));
    }

    private HttpRequest tokenEndpoint(String path, Map<String, String> form) {
        // RFC 6749 §2.3.1: the id and secret are form-encoded before they are put in Basic.
        String credentials = encode(clientId) + ":" + encode(clientSecret);
        return HttpRequest.newBuilder(URI.create(baseUri + path + "?realm=" + encode(realm)))
                .timeout(requestTimeout)
                .header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build();
    }

    /** An API request with the user's token, the realm header and the app's client id. */
    HttpRequest apiRequest(URI uri, Tokens tokens) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Authorization", "Bearer " + tokens.accessToken())
                .header("x-introspect-realm", realm)
                .header("Accept", "application/hal+json, application/vnd.geo+json, application/json;q=0.9")
                .GET().build();
    }

    /** The address of an API path (its segments already encoded) with query parameters and the client id. */
    URI apiUri(String path, Map<String, String> query) {
        Map<String, String> all = new LinkedHashMap<>(query);
        all.put("client_id", clientId);
        if (locale != null) {
            all.putIfAbsent("locale", locale);
        }
        return URI.create(baseUri + API + path + "?" + form(all));
    }

    /**
     * A link of an answer, on this client's base address: the server builds its links from the
     * address it was called on (which behind a proxy may be an internal one), and the user's
     * token must never go to another host than the one the app chose.
     */
    URI onBase(String href) {
        URI link = URI.create(href);
        String query = link.getRawQuery();
        return URI.create(baseUri.getScheme() + "://" + baseUri.getRawAuthority() + link.getRawPath()
                + (query == null ? "" : "?" + query));
    }

    /** A path segment with every character outside RFC 3986's unreserved set percent-encoded. */
    static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(encode(name)).append('=').append(encode(value).replace("+", "%20"));
        });
        return body.toString();
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    /** Settings of a client; the base URI, realm, client id and secret are required. */
    public static final class Builder {

        private URI baseUri;
        private String realm;
        private String clientId;
        private String clientSecret;
        private URI redirectUri;
        private String locale;
        private HttpClient httpClient;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration refreshMargin = Duration.ofSeconds(60);
        private int rateLimitRetries;
        private Duration longestRateLimitWait = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The platform's address, for example {@code https://api.example.com}. */
        public Builder baseUri(URI baseUri) {
            this.baseUri = baseUri;
            return this;
        }

        /** The platform's address. */
        public Builder baseUri(String baseUri) {
            return baseUri(URI.create(baseUri));
        }

        /** The brand realm of the app's users. */
        public Builder realm(Realm realm) {
            return realm(realm.id());
        }

        /** The realm by name, for example {@code clientsB2CPeugeot}. */
        public Builder realm(String realm) {
            this.realm = realm;
            return this;
        }

        /** The app's client id, from its registration. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** The app's client secret, from its registration. */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /** The registered redirect URI that users come back to after authorizing. */
        public Builder redirectUri(URI redirectUri) {
            this.redirectUri = redirectUri;
            return this;
        }

        /** The registered redirect URI. */
        public Builder redirectUri(String redirectUri) {
            return redirectUri(URI.create(redirectUri));
        }

        /** The language of the authorization pages and of the answers' texts, for example {@code en-GB}. */
        public Builder locale(String locale) {
            this.locale = locale;
            return this;
        }

        /** The JDK HTTP client to send with (proxy, TLS, executor); by default one of the client's own. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** How long a request may take; 30 seconds by default. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long before its expiry an access token is refreshed; one minute by default. */
        public Builder refreshMargin(Duration refreshMargin) {
            this.refreshMargin = refreshMargin;
            return this;
        }

        /**
         * Makes a call the rate limit refused again after its Retry-After, up to {@code retries}
         * times, when the wait is at most {@code longestWait} (the calling thread sleeps). Off by
         * default: every 429 is thrown as a {@link RateLimitedException}.
         */
        public Builder retryWhenRateLimited(int retries, Duration longestWait) {
            if (retries < 0 || longestWait.isNegative()) {
                throw new IllegalArgumentException("retries and wait must not be negative");
            }
            this.rateLimitRetries = retries;
            this.longestRateLimitWait = longestWait;
            return this;
        }

        /** The clock that dates token expiries; the system's by default. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public OdomoClient build() {
            return new OdomoClient(this);
        }
    }
}
