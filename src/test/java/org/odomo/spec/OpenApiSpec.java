package org.odomo.spec;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * A lenient reader of a published OpenAPI file and a validator of JSON bodies against its
 * response schemas. It copes with the file's known defects: {@code $ref}s written without the
 * slash, path items and responses that point into an {@code x-fragment} section, media types with
 * a trailing space, integer response codes, and keys beside a {@code $ref} (ignored, as OpenAPI 3.0
 * says). No schema is nullable: a JSON null is always an error.
 *
 * <p>In strict mode, a property that no branch of the schema declares is an error too, which
 * catches renamed or invented fields.
 */
public final class OpenApiSpec {

    private final Map<String, Object> root;
    private final String basePath;

    public OpenApiSpec(String file, String basePath) {
        this.root = SharedSpecs.load(file);
        this.basePath = basePath;
    }

    /** A documented operation: method and path template. */
    public record Operation(String method, String path, String operationId) {
        public String key() {
            return method.toUpperCase() + " " + path;
        }
    }

    @SuppressWarnings("unchecked")
    public List<Operation> operations() {
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
        for (Operation op : operations()) {
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

    /** Validates a response body; returns the problems found (empty when valid). */
    @SuppressWarnings("unchecked")
    public List<String> validateResponse(Operation op, int status, JsonNode body, boolean strict) {
        Map<String, Object> item = (Map<String, Object>) resolve(((Map<String, Object>) root.get("paths")).get(op.path()));
        Map<String, Object> operation = (Map<String, Object>) item.get(op.method());
        Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
        Object response = null;
        for (Map.Entry<String, Object> r : responses.entrySet()) {
            if (String.valueOf(r.getKey()).trim().equals(Integer.toString(status))) {
                response = r.getValue();
            }
        }
        if (response == null) {
            response = responses.get("default");
        }
        if (response == null) {
            return List.of("status " + status + " is not documented for " + op.key());
        }
        Map<String, Object> resolved = (Map<String, Object>) resolve(response);
        Map<String, Object> content = (Map<String, Object>) resolved.get("content");
        if (content == null || content.isEmpty()) {
            // Some error responses have no schema: nothing to check beyond the status.
            return List.of();
        }
        Object schema = ((Map<String, Object>) content.values().iterator().next()).get("schema");
        List<String> errors = new ArrayList<>();
        validate(schema, body, "$", errors, strict);
        return errors;
    }

    /** The media types documented for a response (trimmed). */
    @SuppressWarnings("unchecked")
    public Set<String> mediaTypes(Operation op, int status) {
        Map<String, Object> item = (Map<String, Object>) resolve(((Map<String, Object>) root.get("paths")).get(op.path()));
        Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) item.get(op.method())).get("responses");
        Object response = responses.entrySet().stream().filter(e -> String.valueOf(e.getKey()).equals(
                Integer.toString(status))).map(Map.Entry::getValue).findFirst().orElse(responses.get("default"));
        Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) resolve(response)).get("content");
        Set<String> types = new LinkedHashSet<>();
        if (content != null) {
            content.keySet().forEach(k -> types.add(k.trim()));
        }
        return types;
    }

    // ---- schema validation

    @SuppressWarnings("unchecked")
    private void validate(Object schemaObject, JsonNode value, String at, List<String> errors, boolean strict) {
        Map<String, Object> schema = (Map<String, Object>) resolve(schemaObject);
        if (schema == null) {
            return;
        }
        if (value == null || value.isNull()) {
            errors.add(at + ": null is not allowed");
            return;
        }
        if (schema.get("allOf") instanceof List<?> all) {
            for (Object part : all) {
                validate(part, value, at, errors, false);
            }
        }
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (schema.get(combinator) instanceof List<?> options) {
                boolean any = false;
                List<String> firstErrors = null;
                for (Object option : options) {
                    List<String> e = new ArrayList<>();
                    validate(option, value, at, e, false);
                    if (e.isEmpty()) {
                        any = true;
                        break;
                    }
                    firstErrors = firstErrors == null ? e : firstErrors;
                }
                if (!any) {
                    errors.add(at + ": matches no " + combinator + " option " + firstErrors);
                }
            }
        }
        Object type = schema.get("type");
        if (type == null && schema.containsKey("properties")) {
            type = "object";
        }
        if (type != null && !typeMatches(String.valueOf(type), value)) {
            errors.add(at + ": expected " + type + " but was " + value.getNodeType());
            return;
        }
        if (schema.get("enum") instanceof List<?> values && value.isValueNode()) {
            String text = value.isString() ? value.stringValue() : value.toString();
            boolean found = values.stream().anyMatch(v -> String.valueOf(v).equals(text));
            if (!found) {
                errors.add(at + ": " + text + " is not one of " + values);
            }
        }
        if ("date-time".equals(schema.get("format")) && value.isString()) {
            try {
                OffsetDateTime.parse(value.stringValue());
            } catch (DateTimeParseException e) {
                errors.add(at + ": not an RFC 3339 date-time: " + value.stringValue());
            }
        }
        if (value.isNumber()) {
            if (schema.get("minimum") instanceof Number min && value.doubleValue() < min.doubleValue()) {
                errors.add(at + ": " + value + " < minimum " + min);
            }
            if (schema.get("maximum") instanceof Number max && value.doubleValue() > max.doubleValue()) {
                errors.add(at + ": " + value + " > maximum " + max);
            }
        }
        if (value.isArray()) {
            if (schema.get("minItems") instanceof Number min && value.size() < min.intValue()) {
                errors.add(at + ": fewer than " + min + " items");
            }
            if (schema.get("maxItems") instanceof Number max && value.size() > max.intValue()) {
                errors.add(at + ": more than " + max + " items");
            }
            Object items = schema.get("items");
            if (items != null) {
                for (int i = 0; i < value.size(); i++) {
                    validate(items, value.get(i), at + "[" + i + "]", errors, strict);
                }
            }
        }
        if (value.isObject()) {
            if (schema.get("required") instanceof List<?> required) {
                for (Object r : required) {
                    if (!value.has(String.valueOf(r))) {
                        errors.add(at + ": required property " + r + " missing");
                    }
                }
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            collectProperties(schema, properties);
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                Object propertySchema = properties.get(field.getKey());
                if (propertySchema != null) {
                    validate(propertySchema, field.getValue(), at + "." + field.getKey(), errors, strict);
                } else if (strict && !properties.isEmpty()) {
                    errors.add(at + ": property " + field.getKey() + " is not in the schema");
                }
            }
            if (strict) {
                // Nested objects are checked strictly through their declared schemas above; the
                // combinators only contributed their own properties.
                return;
            }
        }
    }

    /** Every property declared by the schema and, recursively, by its allOf/oneOf/anyOf branches. */
    @SuppressWarnings("unchecked")
    private void collectProperties(Map<String, Object> schema, Map<String, Object> into) {
        if (schema.get("properties") instanceof Map<?, ?> props) {
            ((Map<String, Object>) props).forEach(into::putIfAbsent);
        }
        // A name the schema requires is part of its vocabulary even where the file forgot to
        // declare it (charging schedule "preferences", maintenance "createdAt").
        if (schema.get("required") instanceof List<?> required) {
            required.forEach(r -> into.putIfAbsent(String.valueOf(r), Map.of()));
        }
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.get(combinator) instanceof List<?> parts) {
                for (Object part : parts) {
                    Map<String, Object> resolved = (Map<String, Object>) resolve(part);
                    if (resolved != null) {
                        collectProperties(resolved, into);
                    }
                }
            }
        }
    }

    private static boolean typeMatches(String type, JsonNode value) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    /** Follows $ref (also the defective forms) until a non-reference object. */
    @SuppressWarnings("unchecked")
    Object resolve(Object node) {
        int guard = 0;
        while (node instanceof Map<?, ?> map && map.get("$ref") instanceof String ref && guard++ < 50) {
            node = lookup(ref);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private Object lookup(String ref) {
        String path = ref.startsWith("#/") ? ref.substring(2) : ref.startsWith("#") ? ref.substring(1) : ref;
        Object node = root;
        for (String part : path.split("/")) {
            if (!(node instanceof Map<?, ?> map)) {
                throw new IllegalStateException("cannot resolve " + ref);
            }
            String key = part.replace("~1", "/").replace("~0", "~");
            Object next = map.get(key);
            if (next == null) {
                // Tolerate case slips in component names (link vs Link).
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (String.valueOf(e.getKey()).equalsIgnoreCase(key)) {
                        next = e.getValue();
                    }
                }
            }
            if (next == null) {
                throw new IllegalStateException("cannot resolve " + ref);
            }
            node = next;
        }
        return node;
    }
}
