package org.odomo.spec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A published OpenAPI 3.0 file, read leniently ({@link SharedSpecs#load}), whose response schemas
 * are translated into JSON Schema 2020-12 and checked by a maintained JSON Schema validator
 * (networknt json-schema-validator), with format assertions (date-time, uuid...) and patterns on.
 *
 * <p>The translation is what OpenAPI 3.0 means: no schema is nullable, so a JSON null is invalid
 * wherever the schema does not say otherwise; keys beside a {@code $ref} are ignored; {@code
 * oneOf} means exactly one branch. Where the file is defective or contradicts the platform that
 * clients are written for, the only departures are the entries of {@link KnownSpecDefect}, and
 * {@link #defectsApplied()} says which this file needed.
 *
 * <p>In strict mode, a member that the schema does not declare is an error (JSON Schema's {@code
 * unevaluatedProperties: false} wherever a value is described, so that members declared in any
 * {@code allOf} part, or in the {@code oneOf}/{@code anyOf} branch that matched, are known), which
 * catches renamed or invented members; an object schema that declares no member then admits none.
 */
public final class OpenApiSpec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean");
    /** Schema keywords with the same meaning in OpenAPI 3.0 and JSON Schema 2020-12. */
    private static final Set<String> SAME = Set.of("enum", "pattern", "format", "minimum", "maximum", "minLength",
            "maxLength", "minItems", "maxItems", "uniqueItems", "multipleOf", "minProperties", "maxProperties");
    /** Annotations only: no effect on validity. */
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "example", "examples", "deprecated",
            "readOnly", "writeOnly", "discriminator", "xml", "externalDocs", "default");

    private final Map<String, Object> root;
    private final String basePath;
    private final Set<KnownSpecDefect> applied = EnumSet.noneOf(KnownSpecDefect.class);
    private final ObjectNode strictDefs = NODES.objectNode();
    private final ObjectNode lenientDefs = NODES.objectNode();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    private final List<Operation> operations;

    public OpenApiSpec(String file, String basePath) {
        this.root = SharedSpecs.load(file);
        this.basePath = basePath;
        patchDefects();
        this.operations = List.copyOf(readOperations());
    }

    /** A documented operation: method and path template. */
    public record Operation(String method, String path, String operationId) {
        public String key() {
            return method.toUpperCase() + " " + path;
        }
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The entries of {@link KnownSpecDefect} this file needed so far (reading it, or validating with it). */
    public Set<KnownSpecDefect> defectsApplied() {
        synchronized (applied) {
            return EnumSet.copyOf(applied.isEmpty() ? EnumSet.noneOf(KnownSpecDefect.class) : applied);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Operation> readOperations() {
        List<Operation> ops = new ArrayList<>();
        Map<String, Object> paths = (Map<String, Object>) root.get("paths");
        for (Map.Entry<String, Object> p : paths.entrySet()) {
            Map<String, Object> item = (Map<String, Object>) resolve(p.getValue());
            for (String method : List.of("get", "post", "put", "delete", "patch")) {
                if (item.get(method) instanceof Map<?, ?> op) {
                    ops.add(new Operation(method, p.getKey(), String.valueOf(op.get("operationId"))));
                }
            }
        }
        return ops;
    }

    /** The documented operation matching a concrete request path (without the base path). */
    public Optional<Operation> match(String method, String concretePath) {
        String path = concretePath.startsWith(basePath) ? concretePath.substring(basePath.length()) : concretePath;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        for (Operation op : operations) {
            if (!op.method().equalsIgnoreCase(method)) {
                continue;
            }
            String regex = op.path().replaceAll("\\{[^/]+}", "[^/]+");
            if (Pattern.matches(regex, path)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /**
     * Validates a response body against the schema documented for its status; returns the problems
     * found (empty when valid). Where the status documents several media types with different
     * schemas, the body must match one of them; {@link #validateResponse(Operation, int, String,
     * JsonNode, boolean)} checks against the one the answer was served with.
     */
    public List<String> validateResponse(Operation op, int status, JsonNode body, boolean strict) {
        return validateResponse(op, status, null, body, strict);
    }

    /**
     * Validates a response served with {@code contentType} (null: any documented one) against the
     * schema documented for its status and that media type; returns the problems found (empty when
     * valid). An undocumented status or media type is a problem.
     */
    @SuppressWarnings("unchecked")
    public List<String> validateResponse(Operation op, int status, String contentType, JsonNode body,
            boolean strict) {
        String responsePointer = responsePointer(op, status);
        if (responsePointer == null) {
            return List.of("status " + status + " is not documented for " + op.key());
        }
        Map<String, Object> response = (Map<String, Object>) resolve(at(responsePointer));
        Map<String, Object> content = (Map<String, Object>) response.get("content");
        if (content == null || content.isEmpty()) {
            // Nothing published to check against: error bodies are still checked against the
            // documented error body by ApiErrorFormat.
            note(KnownSpecDefect.ERROR_WITHOUT_SCHEMA);
            return status >= 400 ? List.of() : List.of("no schema documented for " + op.key() + " " + status);
        }
        String responseBase = pointerOf(at(responsePointer), responsePointer);
        Map<String, String> schemasByType = new LinkedHashMap<>();
        for (String key : content.keySet()) {
            if (!key.equals(key.trim())) {
                note(KnownSpecDefect.MEDIA_TYPE_SPACE);
            }
            schemasByType.put(key.trim(), responseBase + "/content/" + escape(key) + "/schema");
        }
        List<String> candidates = new ArrayList<>();
        if (contentType != null) {
            String served = contentType.split(";")[0].trim();
            String pointer = schemasByType.get(served);
            if (pointer == null) {
                return List.of("media type " + served + " is not documented for " + op.key() + " " + status
                        + " (documented: " + schemasByType.keySet() + ")");
            }
            candidates.add(pointer);
        } else {
            candidates.addAll(new LinkedHashSet<>(schemasByType.values()));
        }
        List<String> firstProblems = null;
        for (String pointer : candidates) {
            List<String> problems = validateAt(pointer, body, strict);
            if (problems.isEmpty()) {
                return List.of();
            }
            firstProblems = firstProblems == null ? problems : firstProblems;
        }
        return firstProblems;
    }

    /**
     * Validates a request body against the schema documented for the operation's request body in
     * JSON; returns the problems found (empty when valid). An operation without a documented JSON
     * request body is a problem.
     */
    public List<String> validateRequest(Operation op, JsonNode body, boolean strict) {
        return validateRequestBody(op, "application/json", body, strict);
    }

    /**
     * Validates a request body (what a webhook receiver is sent, in the webhook templates) against
     * the schema the operation documents for its media type; returns the problems found.
     */
    @SuppressWarnings("unchecked")
    public List<String> validateRequestBody(Operation op, String mediaType, JsonNode body, boolean strict) {
        String opPointer = pointerOf(((Map<String, Object>) root.get("paths")).get(op.path()),
                "/paths/" + escape(op.path())) + "/" + op.method();
        Object requestBody = ((Map<String, Object>) at(opPointer)).get("requestBody");
        if (requestBody == null) {
            return List.of("no request body documented for " + op.key());
        }
        String base = pointerOf(requestBody, opPointer + "/requestBody");
        Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) resolve(requestBody)).get("content");
        for (String key : content == null ? Set.<String>of() : content.keySet()) {
            if (key.trim().equals(mediaType)) {
                return validateAt(base + "/content/" + escape(key) + "/schema", body, strict);
            }
        }
        return List.of("media type " + mediaType + " is not documented for the request of " + op.key());
    }

    /** The media types documented for a response (trimmed). */
    @SuppressWarnings("unchecked")
    public Set<String> mediaTypes(Operation op, int status) {
        String pointer = responsePointer(op, status);
        Set<String> types = new LinkedHashSet<>();
        if (pointer != null && ((Map<String, Object>) resolve(at(pointer))).get("content") instanceof Map<?, ?> c) {
            c.keySet().forEach(k -> types.add(String.valueOf(k).trim()));
        }
        return types;
    }

    /** The pointer of the response documented for the status (else the default), or null. */
    @SuppressWarnings("unchecked")
    private String responsePointer(Operation op, int status) {
        String itemPointer = pointerOf(((Map<String, Object>) root.get("paths")).get(op.path()),
                "/paths/" + escape(op.path()));
        Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) at(itemPointer + "/"
                + op.method())).get("responses");
        for (Object key : responses.keySet()) {
            if (String.valueOf(key).trim().equals(Integer.toString(status))) {
                if (!(key instanceof String)) {
                    note(KnownSpecDefect.INTEGER_STATUS_KEYS);
                }
                return itemPointer + "/" + op.method() + "/responses/" + escape(String.valueOf(key));
            }
        }
        return responses.containsKey("default") ? itemPointer + "/" + op.method() + "/responses/default" : null;
    }

    private List<String> validateAt(String pointer, JsonNode body, boolean strict) {
        Schema schema = compiled.computeIfAbsent((strict ? "strict:" : "lenient:") + pointer, k -> compile(pointer,
                strict));
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(body)) {
            problems.add("$" + e.getInstanceLocation().toString().replaceFirst("^\\$", "") + ": " + e.getMessage()
                    + " [" + e.getKeyword() + " at " + e.getEvaluationPath() + "]");
        }
        return problems;
    }

    private synchronized Schema compile(String pointer, boolean strict) {
        return registry.getSchema(translate(pointer, strict));
    }

    /** The JSON Schema that a schema of the file translates to (to look at when a result surprises). */
    synchronized ObjectNode translate(String pointer, boolean strict) {
        ObjectNode defs = strict ? strictDefs : lenientDefs;
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        JsonNode translated = new Translator(defs, strict).value(at(pointer), pointer);
        schema.set("$defs", defs.deepCopy());
        schema.set("allOf", NODES.arrayNode().add(translated));
        return schema;
    }

    // ---- the translation of OpenAPI 3.0 schema objects into JSON Schema 2020-12

    /**
     * Translates schema objects; each referenced schema becomes one entry of {@code defs}, named
     * after its place in the file. A schema that describes a value (a response body, a member, an
     * array item) is closed in strict mode; a part of allOf/oneOf/anyOf is not, as the value it is
     * part of is closed once all its parts are known.
     */
    private final class Translator {
        private final ObjectNode defs;
        private final boolean strict;

        Translator(ObjectNode defs, boolean strict) {
            this.defs = defs;
            this.strict = strict;
        }

        JsonNode value(Object schema, String pointer) {
            ObjectNode s = (ObjectNode) part(schema, pointer);
            if (strict) {
                ObjectNode closed = s.has("$ref") ? NODES.objectNode().put("$ref", s.get("$ref").stringValue()) : s;
                closed.put("unevaluatedProperties", false);
                return closed;
            }
            return s;
        }

        @SuppressWarnings("unchecked")
        JsonNode part(Object schemaObject, String pointer) {
            if (!(schemaObject instanceof Map<?, ?> raw)) {
                throw new IllegalStateException("not a schema at " + pointer + ": " + schemaObject);
            }
            Map<String, Object> schema = (Map<String, Object>) raw;
            if (schema.get("$ref") instanceof String ref) {
                if (schema.size() > 1) {
                    note(KnownSpecDefect.REF_SIBLINGS);
                }
                String target = refPointer(ref);
                String name = target.substring(1).replace('/', '.').replace("~1", "_");
                if (!defs.has(name)) {
                    defs.putObject(name); // placeholder against cycles
                    defs.set(name, part(at(target), target));
                }
                return NODES.objectNode().put("$ref", "#/$defs/" + name.replace("~", "~0").replace("/", "~1"));
            }
            schema = declareRequiredTimestamps(flatten(schema, pointer));
            ObjectNode out = NODES.objectNode();
            boolean typed = false;
            for (Map.Entry<String, Object> e : schema.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object v = e.getValue();
                String at = pointer + "/" + escape(key);
                switch (key) {
                    case "type" -> {
                        String type = String.valueOf(v);
                        if (!TYPES.contains(type)) {
                            throw new IllegalStateException("unknown type '" + type + "' at " + at);
                        }
                        typed = true;
                        if (Boolean.TRUE.equals(schema.get("nullable"))) {
                            out.set("type", NODES.arrayNode().add(type).add("null"));
                        } else {
                            out.put("type", type);
                        }
                    }
                    case "nullable" -> {
                        // Handled with "type".
                    }
                    case "properties" -> {
                        ObjectNode props = out.putObject("properties");
                        for (Map.Entry<String, Object> p : ((Map<String, Object>) v).entrySet()) {
                            props.set(String.valueOf(p.getKey()), value(p.getValue(), at + "/" + escape(String
                                    .valueOf(p.getKey()))));
                        }
                    }
                    case "required" -> {
                        if (!(v instanceof List<?> names)) {
                            throw new IllegalStateException("'required' is not a list at " + at);
                        }
                        ArrayNode required = out.putArray("required");
                        names.forEach(n -> required.add(String.valueOf(n)));
                    }
                    case "items" -> out.set("items", value(v, at));
                    case "additionalProperties" -> out.set("additionalProperties", v instanceof Boolean b
                            ? NODES.booleanNode(b) : value(v, at));
                    case "allOf", "anyOf", "oneOf" -> {
                        ArrayNode parts = out.putArray(key);
                        List<Object> list = (List<Object>) v;
                        for (int i = 0; i < list.size(); i++) {
                            parts.add(part(list.get(i), at + "/" + i));
                        }
                    }
                    case "not" -> out.set("not", part(v, at));
                    case "exclusiveMinimum", "exclusiveMaximum" -> {
                        // OpenAPI 3.0: a boolean that makes minimum/maximum exclusive.
                        String bound = key.equals("exclusiveMinimum") ? "minimum" : "maximum";
                        if (Boolean.TRUE.equals(v) && schema.get(bound) instanceof Number n) {
                            out.set(key, NODES.numberNode(n.doubleValue()));
                        }
                    }
                    default -> {
                        if (SAME.contains(key)) {
                            if ((key.equals("minimum") || key.equals("maximum"))
                                    && Boolean.TRUE.equals(schema.get("exclusive" + Character.toUpperCase(key.charAt(0))
                                            + key.substring(1)))) {
                                continue;
                            }
                            out.set(key, toJson(v));
                        } else if (!ANNOTATIONS.contains(key) && !key.startsWith("x-")) {
                            throw new IllegalStateException("unknown schema keyword '" + key + "' at " + at);
                        }
                    }
                }
            }
            if (!typed && !Boolean.TRUE.equals(schema.get("nullable"))) {
                // Without a type, JSON Schema admits null; OpenAPI 3.0 only where nullable says so.
                out.set("not", out.has("not")
                        ? NODES.objectNode().set("anyOf", NODES.arrayNode().add(out.get("not"))
                                .add(NODES.objectNode().put("type", "null")))
                        : NODES.objectNode().put("type", "null"));
            }
            return out;
        }
    }

    /**
     * Merges the parts of an allOf into one schema: the members that several parts describe
     * become one member described by all of them (allOf), so that closing a value in strict mode
     * sees every member any part declares at every depth, as the file means. What is not a
     * member description (oneOf, enum...) stays as an allOf part.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> flatten(Map<String, Object> schema, String pointer) {
        if (!(schema.get("allOf") instanceof List<?> parts)) {
            return schema;
        }
        List<Map<String, Object>> pieces = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Object part = parts.get(i);
            String at = pointer + "/allOf/" + i;
            if (part instanceof Map<?, ?> m && m.get("$ref") instanceof String ref) {
                if (m.size() > 1) {
                    note(KnownSpecDefect.REF_SIBLINGS);
                }
                at = refPointer(ref);
                part = resolve(part);
                at = pointerOf(parts.get(i), at);
            }
            if (!(part instanceof Map<?, ?> m)) {
                throw new IllegalStateException("not a schema at " + at);
            }
            pieces.add(flatten((Map<String, Object>) m, at));
        }
        Map<String, Object> own = new LinkedHashMap<>(schema);
        own.remove("allOf");
        pieces.add(own);
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, List<Object>> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        List<Object> rest = new ArrayList<>();
        for (Map<String, Object> piece : pieces) {
            Map<String, Object> other = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : piece.entrySet()) {
                String key = String.valueOf(e.getKey());
                switch (key) {
                    case "properties" -> ((Map<String, Object>) e.getValue()).forEach((name, d) -> properties
                            .computeIfAbsent(String.valueOf(name), k -> new ArrayList<>()).add(d));
                    case "required" -> {
                        if (!(e.getValue() instanceof List<?> names)) {
                            throw new IllegalStateException("'required' is not a list in " + pointer);
                        }
                        names.forEach(n -> required.add(String.valueOf(n)));
                    }
                    case "type" -> {
                        Object before = merged.putIfAbsent("type", e.getValue());
                        if (before != null && !before.equals(e.getValue())) {
                            throw new IllegalStateException("allOf parts of different types in " + pointer);
                        }
                    }
                    case "nullable" -> merged.putIfAbsent("nullable", e.getValue());
                    default -> {
                        if (!ANNOTATIONS.contains(key) && !key.startsWith("x-")) {
                            other.put(key, e.getValue());
                        }
                    }
                }
            }
            if (!other.isEmpty()) {
                rest.add(other);
            }
        }
        if (!properties.isEmpty()) {
            Map<String, Object> props = new LinkedHashMap<>();
            properties.forEach((name, descriptions) -> props.put(name, descriptions.size() == 1 ? descriptions.get(0)
                    : new LinkedHashMap<>(Map.of("allOf", descriptions))));
            merged.put("properties", props);
        }
        if (!required.isEmpty()) {
            merged.put("required", new ArrayList<>(required));
        }
        if (!rest.isEmpty()) {
            merged.put("allOf", rest);
        }
        return merged;
    }

    /** A createdAt/updatedAt that a schema requires but no part of it declares is the usual date-time. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> declareRequiredTimestamps(Map<String, Object> schema) {
        if (!(schema.get("required") instanceof List<?> required) || schema.containsKey("allOf")
                || schema.containsKey("oneOf") || schema.containsKey("anyOf")) {
            return schema;
        }
        Map<String, Object> properties = schema.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p
                : Map.of();
        Map<String, Object> copy = null;
        for (String time : List.of("createdAt", "updatedAt")) {
            if (required.contains(time) && !properties.containsKey(time)) {
                if (copy == null) {
                    copy = new LinkedHashMap<>(schema);
                    copy.put("properties", new LinkedHashMap<>(properties));
                }
                ((Map<String, Object>) copy.get("properties")).put(time, Map.of("type", "string", "format",
                        "date-time"));
                note(KnownSpecDefect.REQUIRED_TIMESTAMP_UNDECLARED);
            }
        }
        return copy == null ? schema : copy;
    }

    // ---- the published file's known defects, patched before translation

    @SuppressWarnings("unchecked")
    private void patchDefects() {
        Map<String, Object> schemas = root.get("components") instanceof Map<?, ?> c
                && ((Map<String, Object>) c).get("schemas") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        // oneOf [string, string enum] on the attribute values: read as anyOf.
        for (String name : List.of("Attribute", "PushNotifAttribute", "RemoteAttribute", "MonitorAttribute")) {
            if (schemas.get(name) != null) {
                walk(schemas.get(name), m -> {
                    if (m.get("properties") instanceof Map<?, ?> props && props.get("value") instanceof Map<?, ?> value
                            && value.containsKey("oneOf")) {
                        Map<String, Object> v = (Map<String, Object>) value;
                        v.put("anyOf", v.remove("oneOf"));
                        note(KnownSpecDefect.OVERLAPPING_ATTRIBUTE_ONE_OF);
                    }
                });
            }
        }
        // The push attribute's key, declared by every other attribute schema.
        if (schemas.get("PushNotifAttribute") instanceof Map<?, ?> push && push.get("allOf") instanceof List<?> parts
                && !parts.isEmpty() && parts.get(0) instanceof Map<?, ?> first
                && first.get("properties") instanceof Map<?, ?> props && !props.containsKey("key")) {
            ((Map<String, Object>) props).put("key", new LinkedHashMap<>(Map.of("type", "string")));
            note(KnownSpecDefect.PUSH_ATTRIBUTE_KEY_UNDECLARED);
        }
        if (schemas.get("MonitorTrigger") instanceof Map<?, ?> trigger && trigger.get("properties") instanceof Map<?, ?> tp
                && tp.get("name") instanceof Map<?, ?> name && name.get("pattern") instanceof String pattern
                && pattern.length() > 2 && pattern.startsWith("\"") && pattern.endsWith("\"")) {
            ((Map<String, Object>) name).put("pattern", pattern.substring(1, pattern.length() - 1));
            note(KnownSpecDefect.QUOTED_TRIGGER_NAME_PATTERN);
        }
        // The documented error body: uuid and timestamp beside the schema's code and message.
        if (schemas.get("xError") instanceof Map<?, ?> error && error.get("properties") instanceof Map<?, ?> props) {
            Map<String, Object> p = (Map<String, Object>) props;
            p.put("uuid", new LinkedHashMap<>(Map.of("type", "string", "format", "uuid")));
            p.put("timestamp", new LinkedHashMap<>(Map.of("type", "string", "format", "date-time")));
            note(KnownSpecDefect.ERROR_BODY_PROSE);
        }
        // Status.energy: one Energy object, or the array of energy items the platform sends.
        if (at("/components/schemas/Status/allOf/2/properties", false) instanceof Map<?, ?> statusProps
                && statusProps.get("energy") != null && schemas.containsKey("EnergyCharging")) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("allOf", new ArrayList<>(List.of(Map.of("$ref", "#/components/schemas/Energy"))));
            item.put("properties", new LinkedHashMap<>(Map.of("charging", Map.of("$ref",
                    "#/components/schemas/EnergyCharging"))));
            Map<String, Object> array = new LinkedHashMap<>(Map.of("type", "array", "items", item));
            Object declared = statusProps.get("energy");
            ((Map<String, Object>) statusProps).put("energy", new LinkedHashMap<>(Map.of("anyOf", new ArrayList<>(List
                    .of(declared, array)))));
            note(KnownSpecDefect.STATUS_ENERGY_ARRAY);
        }
        // The charging schedule requires "preferences" but the member is declared beside it.
        String params = "/components/schemas/OnboardCapabilities/properties/remote/properties/charging/properties"
                + "/parameters/properties";
        if (at(params, false) instanceof Map<?, ?> paramProps && paramProps.get("preferences") != null
                && paramProps.get("schedule") instanceof Map<?, ?> schedule
                && schedule.get("required") instanceof List<?> required && required.contains("preferences")
                && schedule.get("properties") instanceof Map<?, ?> scheduleProps
                && !scheduleProps.containsKey("preferences")) {
            ((Map<String, Object>) scheduleProps).put("preferences", paramProps.get("preferences"));
            note(KnownSpecDefect.CHARGING_SCHEDULE_PREFERENCES);
        }
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object node, java.util.function.Consumer<Map<String, Object>> visit) {
        if (node instanceof Map<?, ?> m) {
            visit.accept((Map<String, Object>) m);
            new ArrayList<>(m.values()).forEach(v -> walk(v, visit));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> walk(v, visit));
        }
    }

    // ---- JSON pointers into the file

    private void note(KnownSpecDefect defect) {
        synchronized (applied) {
            applied.add(defect);
        }
    }

    /** The pointer of a $ref's target ("/components/schemas/X"), correcting the known miswriting. */
    private String refPointer(String ref) {
        if (ref.startsWith("#/")) {
            if (ref.startsWith("#/x-fragment/")) {
                note(KnownSpecDefect.REF_INTO_X_FRAGMENT);
            }
            return ref.substring(1);
        }
        if (ref.startsWith("#components/")) {
            note(KnownSpecDefect.REF_WITHOUT_SLASH);
            return "/" + ref.substring(1);
        }
        throw new IllegalStateException("unsupported $ref " + ref);
    }

    /** Follows $refs until a non-reference object. */
    Object resolve(Object node) {
        int guard = 0;
        while (node instanceof Map<?, ?> map && map.get("$ref") instanceof String ref && guard++ < 50) {
            node = at(refPointer(ref));
        }
        return node;
    }

    /** The pointer of what {@code node} (found at {@code pointer}) refers to, following $refs. */
    private String pointerOf(Object node, String pointer) {
        int guard = 0;
        while (node instanceof Map<?, ?> map && map.get("$ref") instanceof String ref && guard++ < 50) {
            pointer = refPointer(ref);
            node = at(pointer);
        }
        return pointer;
    }

    private Object at(String pointer) {
        Object node = at(pointer, true);
        return node;
    }

    private Object at(String pointer, boolean required) {
        Object node = root;
        for (String part : pointer.substring(1).split("/", -1)) {
            String key = part.replace("~1", "/").replace("~0", "~");
            Object next = null;
            if (node instanceof Map<?, ?> map) {
                next = map.get(key);
                if (next == null) {
                    // Integer response codes are keys of another type.
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        if (!(e.getKey() instanceof String) && String.valueOf(e.getKey()).equals(key)) {
                            next = e.getValue();
                        }
                    }
                }
            } else if (node instanceof List<?> list && key.matches("\\d+") && Integer.parseInt(key) < list.size()) {
                next = list.get(Integer.parseInt(key));
            }
            if (next == null) {
                if (required) {
                    throw new IllegalStateException("cannot resolve " + pointer);
                }
                return null;
            }
            node = next;
        }
        return node;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    @SuppressWarnings("unchecked")
    private static JsonNode toJson(Object v) {
        if (v == null) {
            return NODES.nullNode();
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            ((Map<Object, Object>) m).forEach((k, x) -> o.set(String.valueOf(k), toJson(x)));
            return o;
        } else if (v instanceof List<?> l) {
            ArrayNode a = NODES.arrayNode();
            l.forEach(x -> a.add(toJson(x)));
            return a;
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (v instanceof Long l) {
            return NODES.numberNode(l);
        } else if (v instanceof java.math.BigInteger b) {
            return NODES.numberNode(b);
        } else if (v instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        return NODES.stringNode(String.valueOf(v));
    }
}
