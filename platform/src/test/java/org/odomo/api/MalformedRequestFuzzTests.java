package org.odomo.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.spec.PublishedSpecs;
import org.odomo.spec.SharedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends malformed requests to every operation of the published B2C API (api-b2c.yaml), to the
 * capability, operator and token endpoints, and raw requests an HTTP client refuses to send (bad
 * encodings in the path, CONNECT, oversized header and query). Requests are generated from the
 * parameters and request bodies of the published file with a fixed seed, with a valid token of an
 * enrolled user and vehicle and without one. Every answer must be below 500, and every error must
 * carry the API's error body ({@code code}, {@code uuid}, {@code message}, {@code timestamp}, code
 * starting with the status) as {@code application/json}.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestFuzzTests {

    static final long SEED = 0x0d0d0L;
    static final int MIN_REQUESTS = 10_000;
    static final int TARGET_REQUESTS = 12_000;
    static final int CONCURRENCY = 16;
    static final String BASE = "/connectedcar/v4";
    static final String SECRET = "fuzz-secret";
    static final String PASSWORD = "fuzz-password";
    static final String OPERATOR = "Basic " + Base64.getEncoder()
            .encodeToString("operator:operator-test-password".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    IngestGateway ingest;

    final JsonMapper json = JsonMapper.builder().build();
    Map<String, Object> spec;
    App app;
    String token;
    String vehicleId;
    String vin;
    ExecutorService executor;
    HttpClient http;

    /** One request to send: the target is sent as written (already percent-encoded, or not). */
    record Probe(String operation, String method, String target, List<String[]> headers, byte[] body) {
    }

    enum Auth {
        VALID, NONE, GARBAGE, TAMPERED, WRONG_CLIENT, NO_CLIENT, NO_REALM, WRONG_REALM
    }

    record Param(String name, String in, Map<String, Object> schema) {
    }

    record Operation(String method, String path, String id, List<Param> params, Map<String, Object> body) {
        String key() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    @BeforeAll
    void enrollAUserWithAVehicle() throws Exception {
        spec = SharedSpecs.load("api-b2c.yaml");
        app = apps.ensureRegistered(new AppRegistration("Fuzz", "Sends malformed requests", "Odomo tests",
                "dev@example.com", 1000L, "fuzz-app", Scopes.DATA, List.of(Enrollment.REDIRECT), "unlimited"),
                "fuzz-client", SECRET);
        Account owner = accounts.create(Brand.PEUGEOT, "fuzz." + System.nanoTime() + "@example.com", PASSWORD, "Fu",
                "Zz");
        VehicleModel model = VehicleModels.all().stream().filter(m -> m.brand() == Brand.PEUGEOT).findFirst()
                .orElseThrow();
        RegisteredVehicle v = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model.code(),
                owner.id(), PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER)));
        vehicleId = v.vehicle().apiId();
        vin = v.vehicle().vin();
        Instant at = Instant.now().minusSeconds(3600);
        for (int i = 0; i < 5; i++) {
            ingest.submit(TestVehicles.bytes(TestVehicles.telemetry(vin, v.credential(), "fuzz-" + i,
                    at.plusSeconds(60L * i), 2.35, 48.85, 80 - i, 1000 + i))).get(30, TimeUnit.SECONDS);
        }
        token = Enrollment.enroll(port, app.clientId(), SECRET, Brand.PEUGEOT.realm(), owner.email(), PASSWORD,
                List.copyOf(Scopes.DATA), false).accessToken();
        executor = Executors.newFixedThreadPool(4);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- the published operations

    @SuppressWarnings("unchecked")
    List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        Map<String, Object> paths = (Map<String, Object>) spec.get("paths");
        for (Map.Entry<String, Object> p : paths.entrySet()) {
            Map<String, Object> item = map(resolve(p.getValue()));
            List<Param> shared = params(item.get("parameters"));
            for (String method : List.of("get", "post", "put", "delete", "patch")) {
                if (item.get(method) instanceof Map<?, ?> raw) {
                    Map<String, Object> op = (Map<String, Object>) raw;
                    List<Param> params = new ArrayList<>(shared);
                    params.addAll(params(op.get("parameters")));
                    Map<String, Object> body = null;
                    if (op.get("requestBody") != null) {
                        Map<String, Object> content = map(map(resolve(op.get("requestBody"))).get("content"));
                        if (content != null && !content.isEmpty()) {
                            body = map(resolve(map(content.values().iterator().next()).get("schema")));
                        }
                    }
                    ops.add(new Operation(method, p.getKey(), String.valueOf(op.get("operationId")), params, body));
                }
            }
        }
        return ops;
    }

    private List<Param> params(Object list) {
        List<Param> params = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                Map<String, Object> p = map(resolve(item));
                if (p != null && p.get("name") instanceof String name && !name.isEmpty()) {
                    params.add(new Param(name, String.valueOf(p.get("in")), schemaOf(p.get("schema"))));
                }
            }
        }
        return params;
    }

    private Map<String, Object> schemaOf(Object schema) {
        Map<String, Object> resolved = map(resolve(schema));
        return resolved == null ? Map.of() : resolved;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** Follows $ref, also the published file's forms without the slash. */
    private Object resolve(Object node) {
        int guard = 0;
        while (node instanceof Map<?, ?> m && m.get("$ref") instanceof String ref && guard++ < 50) {
            String path = ref.startsWith("#/") ? ref.substring(2) : ref.startsWith("#") ? ref.substring(1) : ref;
            Object at = spec;
            for (String part : path.split("/")) {
                Map<String, Object> current = map(at);
                if (current == null) {
                    return null;
                }
                Object next = current.get(part.replace("~1", "/").replace("~0", "~"));
                if (next == null) {
                    next = current.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(part)).findFirst()
                            .map(Map.Entry::getValue).orElse(null);
                }
                at = next;
            }
            node = at;
        }
        return node;
    }

    // ---------------------------------------------------------------- malformed values

    /** Raw (already encoded) fragments: bad percent-encodings and encoded bytes that are not UTF-8. */
    static final List<String> RAW = List.of("%00", "a%00b", "%", "%zz", "%4", "%FF", "%C3%28", "%ED%A0%80", "%F4%90%80%80",
            "%C0%AF", "%E2%82", "%2F", "%2F..%2F..", "%5C", "%0D%0AX-Injected:%201", "%252F", "%u0041", "%EF%BB%BF",
            "%7F", "%1B[31m");

    /** Values (encoded before sending) that no parameter takes. */
    static final List<String> GENERIC = List.of("", " ", "\u0000", "a\u0000", "\u0001", "\n", "\r\n", "\t", "'", "\"",
            "\\", "<script>alert(1)</script>", "' OR '1'='1", "; DROP TABLE app;--", "${jndi:ldap://x}", "%s%n%s",
            "../../etc/passwd", "null", "undefined", "true", "[]", "{}", "-1", "0", "2147483647", "2147483648",
            "-2147483649", "9223372036854775808", "1e309", "NaN", "-Infinity", "0x10", "1.5", "+1", "\u0663",
            "\u00e9", "\ud83d\ude00", "\uffff", "\ufeff", "\u202e", "\u0130", "a,,b", ",", ",,,,", "*", "?",
            "#", "&", "=", "x".repeat(1000), "9".repeat(400), "\u00e9".repeat(2000), "a,".repeat(500));

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Values aimed at one parameter's grammar, by name. */
    static final Map<String, List<String>> BY_NAME = Map.of(
            "timestamps", List.of("R99999999999/2020-01-01T00:00:00Z/P1D", "R2147483648/2020-01-01T00:00:00Z/P1D",
                    "2020-01-01T00:00:00Z/P999999999Y999999999M999999999D",
                    "R/2020-01-01T00:00:00Z/P999999999Y999999999M999999999D",
                    "R3/2020-01-01T00:00:00Z/P1D/P999999999Y999999999M999999999D",
                    "2020-01-01T00:00:00Z/PT9223372036854775807S", "2020-01-01T00:00:00Z/P-999999999Y",
                    "+999999999-12-31T23:59:59Z/", "-999999999-01-01T00:00:00Z/P1D",
                    "-999999999-01-01T00:00:00Z/", "/+999999999-12-31T23:59:59Z",
                    "R/-999999999-01-01T00:00:00Z/PT1S", "R0/2020-01-01T00:00:00Z/P1D",
                    "R-1/2020-01-01T00:00:00Z/P1D", "R1001/2020-01-01T00:00:00Z/P1D", "/", "//", "///",
                    "2020-01-01T00:00:00Z/2019-01-01T00:00:00Z", "2020-13-45T25:61:61Z/", "2020-01-01/2020-01-02",
                    "P1D/2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z/P", "2020-01-01T00:00:00Z/PT",
                    "2020-01-01T00:00:00Z/P1Y-1D", "a/b,c/d,e/f,g/h,i/j,k/l,m/n,o/p,q/r,s/t,u/v",
                    "2020-01-01T00:00:00Z/,".repeat(11), "R/2020-01-01T00:00:00Z/PT0S"),
            "pageToken", List.of(b64("o:2147483647"), b64("o:2147483646"), b64("o:-1"), b64("o:99999999999"),
                    b64("o:1e3"), b64("o:"), b64("o: 1"), b64("o:0x10"), b64("x:1"), b64("o:60\u0000"),
                    "bzoyMTQ3NDgzNjQ3", "bzoyMTQ3NDgzNjQ3==", "====", "!!!!", b64("\u0000\u0001\u0002"),
                    Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})),
            "indexRange", List.of("2147483647-", "2147483647-2147483647", "2147483646-2147483647",
                    "0-2147483648", "99999999999-", "5-1", "-5", "-", "1-2-3", "a-b", "0--1", "0-9,10-20"),
            "pageSize", List.of("61", "2001", "60.0", "1e2", "0", "-0", "1 ", " 1"),
            "distance", List.of("1.55-2", "-1", "1e9-", "0.1-0.05", "99999999999999999999-"),
            "duration", List.of("60-10", "99999999999999999999-", "1.5-2"),
            "states", List.of("Nominal,Nope", "nominal", "Nominal,".repeat(50)),
            "locale", List.of("xx", "en_GB", "en-GB-x-" + "a".repeat(300), "../../"),
            "country", List.of("XX", "fr", "FRA", "F"),
            "vinPrefix", List.of("VR3", "VR3%", "_", "%_%"));

    /** Values a request body property is set to, whatever its declared type. */
    static final List<Object> BODY_VALUES = List.of("", "\u0000", "x".repeat(100_000), -1, 0, Long.MAX_VALUE,
            1e308, true, List.of(), Map.of(), List.of(Map.of("a", List.of())), "2020-13-45T25:61:61Z", "\ud83d\ude00");

    /** Whole bodies that are not the JSON the operation takes. */
    static final List<byte[]> BAD_BODIES = List.of(new byte[0], "null".getBytes(StandardCharsets.UTF_8),
            "[]".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8),
            "\"x\"".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8),
            "{\"a\":".getBytes(StandardCharsets.UTF_8), "{'a':1}".getBytes(StandardCharsets.UTF_8),
            "[".repeat(5000).getBytes(StandardCharsets.UTF_8),
            ("{\"a\":" .repeat(2000) + "1" + "}".repeat(2000)).getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'},
            new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'},
            "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8),
            ("{\"a\":\"" + "\\u0000".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8),
            "<xml/>".getBytes(StandardCharsets.UTF_8));

    static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=ebcdic",
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=",
            "application/json; charset=\u00e9", "*/*", "garbage", "application/");

    static final List<String> ACCEPTS = List.of("text/html", "application/xml", "image/png", "*/*;q=x", "garbage",
            "application/json;q=0", "text/*", "application/json, text/html;q=2", "application/");

    // ---------------------------------------------------------------- generation

    private final Random random = new Random(SEED);

    List<Probe> generate() {
        List<Probe> probes = new ArrayList<>();
        List<Operation> ops = operations();
        assertThat(ops).as("operations of api-b2c.yaml").hasSizeGreaterThan(20);
        for (Operation op : ops) {
            // Every parameter with every malformed value, with the token of the vehicle's owner.
            for (Param p : op.params()) {
                for (String value : valuesFor(p)) {
                    probes.add(b2c(op, Map.of(p.name(), value), Auth.VALID, null, null));
                }
                for (String raw : RAW) {
                    probes.add(b2c(op, Map.of(p.name(), "\u0000raw" + raw), Auth.VALID, null, null));
                }
            }
            // The same operation for callers who are not the vehicle's owner, or not authenticated.
            for (Auth auth : Auth.values()) {
                probes.add(b2c(op, Map.of(), auth, null, null));
                probes.add(b2c(op, randomParams(op), auth, null, null));
            }
            for (String accept : ACCEPTS) {
                probes.add(b2c(op, Map.of(), Auth.VALID, accept, null));
                probes.add(b2c(op, Map.of(), Auth.NONE, accept, null));
            }
            // Methods the path does not take.
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD")) {
                if (!method.equalsIgnoreCase(op.method())) {
                    probes.add(probe(op.key(), method, target(op, Map.of(), Auth.VALID),
                            headers(Auth.VALID, null, "application/json"), "{}".getBytes(StandardCharsets.UTF_8)));
                }
            }
            if (op.body() != null) {
                probes.addAll(bodies(op));
            }
        }
        probes.addAll(capabilityProbes());
        probes.addAll(adminProbes());
        probes.addAll(tokenEndpointProbes());
        probes.addAll(rawProbes());
        // Then random combinations of malformed parameters, headers and bodies, to the target count.
        while (probes.size() < TARGET_REQUESTS) {
            Operation op = ops.get(random.nextInt(ops.size()));
            Auth auth = random.nextInt(10) < 7 ? Auth.VALID : Auth.values()[random.nextInt(Auth.values().length)];
            String accept = random.nextInt(8) == 0 ? ACCEPTS.get(random.nextInt(ACCEPTS.size())) : null;
            Probe base = b2c(op, randomParams(op), auth, accept, null);
            if (op.body() != null && random.nextBoolean()) {
                List<Probe> bodies = bodies(op);
                Probe b = bodies.get(random.nextInt(bodies.size()));
                base = new Probe(op.key(), b.method(), base.target(), b.headers(), b.body());
            }
            probes.add(base);
        }
        return probes;
    }

    private List<String> valuesFor(Param p) {
        List<String> values = new ArrayList<>(GENERIC);
        values.addAll(BY_NAME.getOrDefault(p.name(), List.of()));
        Map<String, Object> schema = p.schema();
        if (schema.get("minimum") instanceof Number min) {
            values.add(Long.toString(min.longValue() - 1));
        }
        if (schema.get("maximum") instanceof Number max) {
            values.add(Long.toString(max.longValue() + 1));
        }
        List<?> enumeration = enumOf(schema);
        if (enumeration != null && !enumeration.isEmpty()) {
            String first = String.valueOf(enumeration.get(0));
            values.add(first.toLowerCase(Locale.ROOT));
            values.add(first.toUpperCase(Locale.ROOT));
            values.add(first + "x");
            values.add(first + "," + first);
            values.add(first + ",\u0000");
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                all.append(i == 0 ? "" : ",").append(enumeration.get(i % enumeration.size()));
            }
            values.add(all.toString());
        }
        return values;
    }

    private List<?> enumOf(Map<String, Object> schema) {
        if (schema.get("enum") instanceof List<?> e) {
            return e;
        }
        Map<String, Object> items = map(resolve(schema.get("items")));
        if (items != null && items.get("enum") instanceof List<?> e) {
            return e;
        }
        return null;
    }

    private Map<String, String> randomParams(Operation op) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Param p : op.params()) {
            if (random.nextInt(3) == 0) {
                List<String> values = valuesFor(p);
                String value = random.nextInt(6) == 0 ? "\u0000raw" + RAW.get(random.nextInt(RAW.size()))
                        : values.get(random.nextInt(values.size()));
                params.put(p.name(), value);
            }
        }
        return params;
    }

    /** A request to an operation with some parameters replaced (path or query); the rest valid. */
    private Probe b2c(Operation op, Map<String, String> replaced, Auth auth, String accept, String contentType) {
        return probe(op.key(), op.method().toUpperCase(Locale.ROOT), target(op, replaced, auth),
                headers(auth, accept, contentType), null);
    }

    private String target(Operation op, Map<String, String> replaced, Auth auth) {
        String path = op.path();
        for (Param p : op.params()) {
            if ("path".equals(p.in())) {
                String value = replaced.containsKey(p.name()) ? encode(replaced.get(p.name()))
                        : p.name().equals("id") ? vehicleId : "0123abcd";
                path = path.replace("{" + p.name() + "}", value);
            }
        }
        StringBuilder query = new StringBuilder();
        if (auth != Auth.NO_CLIENT) {
            query.append("client_id=").append(auth == Auth.WRONG_CLIENT ? UUID.randomUUID() : app.clientId());
        }
        for (Param p : op.params()) {
            if ("query".equals(p.in()) && replaced.containsKey(p.name())) {
                query.append(query.isEmpty() ? "" : "&").append(encode(p.name())).append('=')
                        .append(encode(replaced.get(p.name())));
            }
        }
        return BASE + path + (query.isEmpty() ? "" : "?" + query);
    }

    /** Percent-encodes a value; "\0raw" marks a fragment to send as written. */
    static String encode(String value) {
        if (value.startsWith("\u0000raw")) {
            return value.substring(4);
        }
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private List<String[]> headers(Auth auth, String accept, String contentType) {
        List<String[]> headers = new ArrayList<>();
        switch (auth) {
            case VALID, WRONG_CLIENT, NO_CLIENT, NO_REALM, WRONG_REALM -> headers.add(
                    new String[] {"Authorization", "Bearer " + token});
            case GARBAGE -> headers.add(new String[] {"Authorization", "Bearer x.y.z"});
            case TAMPERED -> headers.add(new String[] {"Authorization", "Bearer " + token.substring(0,
                    token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA")});
            case NONE -> {
            }
        }
        if (auth == Auth.WRONG_REALM) {
            headers.add(new String[] {"x-introspect-realm", Brand.DS.realm()});
        } else if (auth != Auth.NO_REALM) {
            headers.add(new String[] {"x-introspect-realm", Brand.PEUGEOT.realm()});
        }
        if (accept != null) {
            headers.add(new String[] {"Accept", accept});
        }
        if (contentType != null) {
            headers.add(new String[] {"Content-Type", contentType});
        }
        return headers;
    }

    private static Probe probe(String operation, String method, String target, List<String[]> headers, byte[] body) {
        return new Probe(operation, method, target, headers, body);
    }

    /** The operation's request body made from its schema, then broken property by property and as a whole. */
    private List<Probe> bodies(Operation op) {
        List<Probe> probes = new ArrayList<>();
        String target = target(op, Map.of(), Auth.VALID);
        String method = op.method().toUpperCase(Locale.ROOT);
        Object sample = sample(op.body(), 0);
        List<Object> variants = new ArrayList<>();
        variants.add(sample);
        if (sample instanceof Map<?, ?> object) {
            for (Object key : object.keySet()) {
                Map<Object, Object> without = new LinkedHashMap<>(object);
                without.remove(key);
                variants.add(without);
                for (Object value : BODY_VALUES) {
                    Map<Object, Object> changed = new LinkedHashMap<>(object);
                    changed.put(key, value);
                    variants.add(changed);
                }
                Map<Object, Object> withNull = new LinkedHashMap<>(object);
                withNull.put(key, null);
                variants.add(withNull);
            }
        }
        for (Object variant : variants) {
            probes.add(probe(op.key(), method, target, headers(Auth.VALID, null, "application/json"),
                    json.writeValueAsBytes(variant)));
        }
        for (byte[] bad : BAD_BODIES) {
            probes.add(probe(op.key(), method, target, headers(Auth.VALID, null, "application/json"), bad));
        }
        byte[] valid = json.writeValueAsBytes(sample);
        for (String type : CONTENT_TYPES) {
            probes.add(probe(op.key(), method, target, headers(Auth.VALID, null, type), valid));
            probes.add(probe(op.key(), method, target, headers(Auth.NONE, null, type), valid));
        }
        return probes;
    }

    /** A value the schema describes: every property, the first option of each choice. */
    @SuppressWarnings("unchecked")
    private Object sample(Map<String, Object> schema, int depth) {
        if (schema == null || depth > 6) {
            return "x";
        }
        if (schema.get("enum") instanceof List<?> e && !e.isEmpty()) {
            return e.get(0);
        }
        for (String choice : List.of("oneOf", "anyOf")) {
            if (schema.get(choice) instanceof List<?> options && !options.isEmpty()) {
                return sample(map(resolve(options.get(0))), depth + 1);
            }
        }
        Map<String, Object> object = new LinkedHashMap<>();
        if (schema.get("allOf") instanceof List<?> parts) {
            for (Object part : parts) {
                if (sample(map(resolve(part)), depth + 1) instanceof Map<?, ?> m) {
                    object.putAll((Map<String, Object>) m);
                }
            }
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> p : properties.entrySet()) {
                object.put(String.valueOf(p.getKey()), sample(map(resolve(p.getValue())), depth + 1));
            }
        }
        if (!object.isEmpty()) {
            return object;
        }
        return switch (String.valueOf(schema.get("type"))) {
            case "array" -> List.of(sample(map(resolve(schema.get("items"))), depth + 1));
            case "integer" -> schema.get("minimum") instanceof Number n ? n.longValue() : 1;
            case "number" -> 1.5;
            case "boolean" -> true;
            case "object" -> Map.of();
            default -> "date-time".equals(schema.get("format")) ? "2024-01-01T00:00:00Z" : "x";
        };
    }

    // ---------------------------------------------------------------- other API paths

    /** The capability API: app credentials, a VIN in the path, extension and locale in the query. */
    private List<Probe> capabilityProbes() {
        List<Probe> probes = new ArrayList<>();
        String basic = "Basic " + Base64.getEncoder()
                .encodeToString((app.clientId() + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("extension", "locale", "client_id")) {
            List<String> values = new ArrayList<>(GENERIC);
            RAW.forEach(r -> values.add("\u0000raw" + r));
            for (String value : values) {
                String query = (name.equals("client_id") ? "" : "client_id=" + app.clientId() + "&") + name + "="
                        + encode(value);
                probes.add(probe("GET /connectedcar/v3/vehicles/{vin}", "GET",
                        "/connectedcar/v3/vehicles/" + vin + "?" + query,
                        List.<String[]>of(new String[] {"Authorization", basic}), null));
            }
        }
        for (String value : GENERIC) {
            probes.add(probe("GET /connectedcar/v3/vehicle/{vin}", "GET",
                    "/connectedcar/v3/vehicle/" + encode(value) + "?client_id=" + app.clientId(),
                    List.<String[]>of(new String[] {"Authorization", basic}), null));
            probes.add(probe("GET /connectedcar/v3/vehicle/{vin}", "GET",
                    "/connectedcar/v3/vehicle/" + vin + "?client_id=" + app.clientId(),
                    List.<String[]>of(new String[] {"Authorization", "Basic " + encode(value)}), null));
        }
        return probes;
    }

    /** The operator API: app registration with broken fields (long redirect URIs), unknown apps. */
    private List<Probe> adminProbes() {
        List<Probe> probes = new ArrayList<>();
        AtomicInteger n = new AtomicInteger();
        // Registrations that would succeed but for the field under test: a fresh login id each, and
        // a plan that exists, so that nothing but the broken field can refuse them.
        List<Object> redirectLists = List.of(List.of("https://app.example.com/" + "a".repeat(5000)),
                List.of("https://app.example.com/" + "b".repeat(1500), "https://app.example.com/" + "c".repeat(1500),
                        "https://app.example.com/" + "d".repeat(1500)),
                Collections.nCopies(400, "https://app.example.com/callback/0123456789"),
                List.of("https://app.example.com/\u0000"), List.of("https://app.example.com/a\nb"),
                List.of("https://\u00e9\u00e9.example/x" + "\u00e9".repeat(3000)), List.of(""),
                Collections.singletonList(null), "https://app.example.com/cb", 42, Map.of());
        for (Object redirects : redirectLists) {
            Map<String, Object> body = registration("fuzz-reg-" + n.incrementAndGet());
            body.put("redirectUris", redirects);
            probes.add(admin("POST /admin/v1/apps", "POST", "/admin/v1/apps", body));
        }
        for (String field : List.of("name", "concept", "company", "contactEmail", "loginId", "requestsPerMonth",
                "scopes", "slaPlan")) {
            for (Object value : BODY_VALUES) {
                Map<String, Object> body = registration("fuzz-reg-" + n.incrementAndGet());
                // An unknown plan refuses what the field under test lets through.
                body.put("slaPlan", "fuzz-no-such-plan");
                body.put(field, value);
                probes.add(admin("POST /admin/v1/apps", "POST", "/admin/v1/apps", body));
            }
        }
        for (byte[] bad : BAD_BODIES) {
            probes.add(probe("POST /admin/v1/apps", "POST", "/admin/v1/apps",
                    List.of(new String[] {"Authorization", OPERATOR}, new String[] {"Content-Type", "application/json"}),
                    bad));
        }
        for (String value : GENERIC) {
            String id = encode(value);
            probes.add(probe("GET /admin/v1/apps/{id}", "GET", "/admin/v1/apps/" + id,
                    List.<String[]>of(new String[] {"Authorization", OPERATOR}), null));
            probes.add(admin("PUT /admin/v1/apps/{id}/plan", "PUT", "/admin/v1/apps/" + app.id() + "-no/plan",
                    Map.of("slaPlan", value)));
            probes.add(admin("PUT /admin/v1/apps/{id}/status", "PUT", "/admin/v1/apps/" + id + "/status",
                    Map.of("status", value)));
            probes.add(admin("GET /admin/v1/vehicles/{vin}", "GET", "/admin/v1/vehicles/" + id, null));
            probes.add(probe("GET /admin/v1/apps", "GET", "/admin/v1/apps?x=" + id,
                    List.<String[]>of(new String[] {"Authorization", "Basic " + id}), null));
        }
        return probes;
    }

    private static Map<String, Object> registration(String loginId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Fuzz");
        body.put("concept", "Malformed registrations");
        body.put("company", "Odomo tests");
        body.put("contactEmail", "dev@example.com");
        body.put("requestsPerMonth", 10);
        body.put("loginId", loginId);
        body.put("scopes", List.of("data:telemetry"));
        body.put("redirectUris", List.of("https://app.example.com/cb"));
        body.put("slaPlan", "sandbox");
        return body;
    }

    private Probe admin(String operation, String method, String target, Object body) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", OPERATOR});
        if (body != null) {
            headers.add(new String[] {"Content-Type", "application/json"});
        }
        return probe(operation, method, target, headers, body == null ? null : json.writeValueAsBytes(body));
    }

    /** The token endpoint with broken forms and client credentials. */
    private List<Probe> tokenEndpointProbes() {
        List<Probe> probes = new ArrayList<>();
        String basic = "Basic " + Base64.getEncoder()
                .encodeToString((app.clientId() + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
        for (String value : GENERIC) {
            String v = encode(value);
            for (String form : List.of("grant_type=" + v, "grant_type=authorization_code&code=" + v
                    + "&redirect_uri=" + encode(Enrollment.REDIRECT), "grant_type=refresh_token&refresh_token=" + v)) {
                probes.add(probe("POST /am/oauth2/access_token", "POST", "/am/oauth2/access_token?realm="
                        + Brand.PEUGEOT.realm(), List.of(new String[] {"Authorization", basic},
                                new String[] {"Content-Type", "application/x-www-form-urlencoded"}),
                        form.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return probes;
    }

    /** Requests an HTTP client refuses to send, on every kind of API path. */
    private List<Probe> rawProbes() {
        List<Probe> probes = new ArrayList<>();
        List<String> paths = List.of(BASE + "/user", BASE + "/user/vehicles/" + vehicleId + "/status",
                "/connectedcar/v3/vehicles/" + vin, "/admin/v1/apps", "/am/oauth2/access_token");
        String bearer = "Bearer " + token;
        for (String path : paths) {
            String q = "?client_id=" + app.clientId();
            List<String> targets = List.of(path + "/%FF%FE" + q, path + "/a%2Fb" + q, path + "%2F" + q,
                    path + "/a%00b" + q, path + "%00" + q, path + "/\u00ff\u00fe" + q, path + "/a|b" + q,
                    path + "/{x}" + q, path + "/a b" + q, path + q + "&x=" + "\u00ff", path + q + "&x=a b",
                    path + q + "&x=%" + "a".repeat(10), path + q + "&x=" + "q".repeat(100 * 1024),
                    path + "/../../../etc/passwd" + q, path + "/%2e%2e/%2e%2e" + q, path + ";x=1" + q,
                    path + "/\\" + q, path + "//" + q, path + "?" + "a=1&".repeat(20_000));
            for (String target : targets) {
                for (boolean withToken : List.of(true, false)) {
                    List<String[]> h = new ArrayList<>();
                    if (withToken) {
                        h.add(new String[] {"Authorization", path.startsWith("/admin") ? OPERATOR : bearer});
                        h.add(new String[] {"x-introspect-realm", Brand.PEUGEOT.realm()});
                    }
                    probes.add(probe("raw " + path, "GET", target, h, null));
                }
            }
            List<String[]> big = List.of(new String[] {"Authorization", bearer},
                    new String[] {"X-Big", "b".repeat(9 * 1024)});
            probes.add(probe("raw " + path, "GET", path + "?client_id=" + app.clientId(), big, null));
            probes.add(probe("raw " + path, "GET", path, List.<String[]>of(new String[] {"X-Bad", "a\u0001b"}), null));
            probes.add(probe("raw " + path, "GET", path, List.<String[]>of(new String[] {"X Bad", "a"}), null));
            probes.add(probe("raw " + path, "GET", path, List.<String[]>of(new String[] {"X-Bad", "\u00ff\u00fe"}), null));
            probes.add(probe("raw " + path, "POST", path, List.<String[]>of(new String[] {"Content-Length", "abc"}), null));
            probes.add(probe("raw " + path, "POST", path,
                    List.<String[]>of(new String[] {"Transfer-Encoding", "chunked"},
                            new String[] {"Content-Type", "application/json"}),
                    "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            probes.add(probe("raw " + path, "CONNECT", path, List.of(), null));
            probes.add(probe("raw " + path, "FOO", path, List.of(), null));
            probes.add(probe("raw " + path, "G\u00e9T", path, List.of(), null));
        }
        probes.add(probe("raw CONNECT", "CONNECT", "localhost:" + port, List.of(), null));
        probes.add(probe("raw CONNECT", "CONNECT", "example.com:443", List.of(), null));
        return probes;
    }

    // ---------------------------------------------------------------- sending and checking

    record Answer(int status, String contentType, byte[] body) {
    }

    final Map<String, Map<Integer, AtomicInteger>> statuses = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    /** The violations by operation, status and problem, with one example each. */
    final Map<String, String> examples = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();

    @Test
    void malformedRequestsGetAClientErrorInTheApiFormat() throws Exception {
        List<Probe> probes = generate();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(MIN_REQUESTS);
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Probe probe : probes) {
            inFlight.acquire();
            CompletableFuture<Void> done = send(probe).handle((answer, failure) -> {
                inFlight.release();
                if (failure != null) {
                    violations.add(describe(probe) + " -> no answer: " + failure);
                } else {
                    check(probe, answer);
                }
                return null;
            });
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        printSummary(took);
        assertThat(sent.get()).isGreaterThanOrEqualTo(MIN_REQUESTS);
        assertThat(violations).as("answers that are 5xx or not in the API error format (" + violations.size()
                + ")").isEmpty();
    }

    private CompletableFuture<Answer> send(Probe probe) {
        HttpRequest request;
        try {
            request = request(probe);
        } catch (IllegalArgumentException refused) {
            return CompletableFuture.supplyAsync(() -> raw(probe), executor);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            sent.incrementAndGet();
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        });
    }

    /** The request as the JDK client builds it; it refuses bad URIs, headers and methods. */
    private HttpRequest request(Probe probe) {
        if (probe.operation().startsWith("raw ")) {
            throw new IllegalArgumentException("sent raw on purpose");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + probe.target()))
                .timeout(Duration.ofSeconds(60))
                .method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        for (String[] h : probe.headers()) {
            b.header(h[0], h[1]);
        }
        return b.build();
    }

    /** Writes the request on a socket byte for byte (ISO-8859-1) and reads the answer. */
    private Answer raw(Probe probe) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 10_000);
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder();
            head.append(probe.method()).append(' ').append(probe.target()).append(" HTTP/1.1\r\n");
            head.append("Host: localhost:").append(port).append("\r\n");
            head.append("Connection: close\r\n");
            boolean length = false;
            for (String[] h : probe.headers()) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
                length |= h[0].equalsIgnoreCase("Content-Length") || h[0].equalsIgnoreCase("Transfer-Encoding");
            }
            if (probe.body() != null && !length) {
                head.append("Content-Length: ").append(probe.body().length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (probe.body() != null) {
                out.write(probe.body());
            }
            out.flush();
            sent.incrementAndGet();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer parse(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
            body = dechunk(body);
        } else if (headers.containsKey("Content-Length")) {
            body = java.util.Arrays.copyOf(body, Math.min(body.length, Integer.parseInt(headers.get("Content-Length"))));
        }
        return new Answer(status, headers.get("Content-Type"), body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0]
                    .trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    private void check(Probe probe, Answer answer) {
        statuses.computeIfAbsent(probe.operation(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(answer.status(), k -> new AtomicInteger()).incrementAndGet();
        String problem = problem(probe, answer);
        if (problem != null) {
            String example = describe(probe) + " -> " + answer.status() + " " + answer.contentType() + " " + problem
                    + ": " + abbreviate(new String(answer.body(), StandardCharsets.UTF_8));
            violations.add(example);
            String kind = probe.operation() + " -> " + answer.status() + " " + problem;
            kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            examples.putIfAbsent(kind, example);
        }
    }

    /** What is wrong with an answer, or null. */
    private String problem(Probe probe, Answer answer) {
        int status = answer.status();
        if (status >= 500) {
            return "server error";
        }
        if (status < 400 || probe.method().equals("HEAD")) {
            return null;
        }
        if (answer.contentType() == null || !answer.contentType().toLowerCase(Locale.ROOT).replace(" ", "")
                .matches("application/json(;charset=utf-8)?")) {
            return "not application/json";
        }
        JsonNode body;
        try {
            body = json.readTree(answer.body());
        } catch (RuntimeException e) {
            return "not JSON";
        }
        if (body == null || !body.isObject()) {
            return "not a JSON object";
        }
        Set<String> members = new java.util.TreeSet<>(body.propertyNames());
        // The authorization server's answers keep the members OAuth 2.0 clients read (RFC 6749, 5.2).
        if (probe.target().startsWith("/am/oauth2/")) {
            members.removeAll(Set.of("error", "error_description", "error_uri"));
        }
        if (!members.equals(Set.of("code", "message", "timestamp", "uuid"))) {
            return "members " + members;
        }
        if (!body.get("code").isInt() || body.get("code").intValue() / 100 != status
                || body.get("code").intValue() < 10_000) {
            return "code does not start with the status";
        }
        if (!body.get("uuid").isString() || !body.get("uuid").stringValue().matches(
                "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            return "uuid is not a UUID";
        }
        if (!body.get("message").isString() || body.get("message").stringValue().isBlank()) {
            return "no message";
        }
        try {
            if (!body.get("timestamp").isString()) {
                return "timestamp is not a string";
            }
            Instant.parse(body.get("timestamp").stringValue());
        } catch (DateTimeParseException e) {
            return "timestamp is not an RFC 3339 time";
        }
        return null;
    }

    private static String describe(Probe probe) {
        StringBuilder s = new StringBuilder(probe.method()).append(' ').append(abbreviate(probe.target()));
        for (String[] h : probe.headers()) {
            String value = h[1].length() > 40 ? h[1].substring(0, 40) + "..." : h[1];
            s.append(" [").append(h[0]).append(": ").append(abbreviate(value)).append(']');
        }
        if (probe.body() != null) {
            s.append(" body ").append(abbreviate(new String(probe.body(), StandardCharsets.UTF_8)));
        }
        return s.toString();
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() <= 160 ? clean : clean.substring(0, 160) + "...(" + clean.length() + ")";
    }

    private void printSummary(Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nMalformed requests: %d sent in %d s (seed %d), %d violations%n", sent.get(),
                took.toSeconds(), SEED, violations.size()));
        new TreeMap<>(statuses).forEach((op, counts) -> {
            int total = counts.values().stream().mapToInt(AtomicInteger::get).sum();
            out.append(String.format("%6d  %-70s %s%n", total, op, new TreeMap<>(counts)));
        });
        new TreeMap<>(kinds).forEach((kind, count) -> out.append(String.format("  ! %5d  %s%n           e.g. %s%n",
                count.get(), kind, examples.get(kind))));
        System.out.println(out);
    }
}
