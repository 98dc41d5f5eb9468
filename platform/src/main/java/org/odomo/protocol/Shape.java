package org.odomo.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small declarative description of the JSON a vehicle may send. Checking a value against a
 * shape returns a clean copy holding only the known fields, or throws with the path of the first
 * problem: nothing the platform does not understand is ever stored.
 */
abstract class Shape {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    abstract JsonNode check(String path, JsonNode value);

    static Obj obj() {
        return new Obj();
    }

    static Shape enumOf(String... values) {
        return new Enum(Set.of(values));
    }

    static Shape enumOf(Set<String> values) {
        return new Enum(values);
    }

    static Shape number(double min, double max) {
        return new Num(min, max, false);
    }

    static Shape integer(long min, long max) {
        return new Num(min, max, true);
    }

    static Shape bool() {
        return new Bool();
    }

    static Shape text(int maxLength) {
        return new Text(maxLength);
    }

    static Shape time() {
        return new Time();
    }

    static Shape array(Shape item, int maxItems) {
        return new Arr(item, maxItems);
    }

    static MalformedMessageException bad(String path, String problem) {
        return new MalformedMessageException(null, path + ": " + problem);
    }

    static final class Obj extends Shape {
        private final Map<String, Shape> fields = new LinkedHashMap<>();
        private final Set<String> required = new java.util.HashSet<>();

        Obj field(String name, Shape shape) {
            fields.put(name, shape);
            return this;
        }

        Obj requiredField(String name, Shape shape) {
            required.add(name);
            return field(name, shape);
        }

        Set<String> fieldNames() {
            return fields.keySet();
        }

        @Override
        ObjectNode check(String path, JsonNode value) {
            if (value == null || !value.isObject()) {
                throw bad(path, "must be an object");
            }
            ObjectNode clean = NODES.objectNode();
            for (Map.Entry<String, Shape> f : fields.entrySet()) {
                JsonNode v = value.get(f.getKey());
                if (v == null) {
                    if (required.contains(f.getKey())) {
                        throw bad(path + "." + f.getKey(), "is required");
                    }
                    continue;
                }
                if (v.isNull()) {
                    throw bad(path + "." + f.getKey(), "must not be null (leave it out)");
                }
                clean.set(f.getKey(), f.getValue().check(path + "." + f.getKey(), v));
            }
            return clean;
        }
    }

    private static final class Enum extends Shape {
        private final Set<String> values;

        Enum(Set<String> values) {
            this.values = values;
        }

        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isString() || !values.contains(value.stringValue())) {
                throw bad(path, "unknown value " + value);
            }
            return value;
        }
    }

    private static final class Num extends Shape {
        private final double min;
        private final double max;
        private final boolean integral;

        Num(double min, double max, boolean integral) {
            this.min = min;
            this.max = max;
            this.integral = integral;
        }

        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isNumber()) {
                throw bad(path, "must be a number");
            }
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) || d < min || d > max) {
                throw bad(path, "out of range [" + min + ", " + max + "]: " + value);
            }
            if (integral && d != Math.rint(d)) {
                throw bad(path, "must be an integer: " + value);
            }
            return integral ? NODES.numberNode((long) d) : value;
        }
    }

    private static final class Bool extends Shape {
        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isBoolean()) {
                throw bad(path, "must be true or false");
            }
            return value;
        }
    }

    private static final class Text extends Shape {
        private final int maxLength;

        Text(int maxLength) {
            this.maxLength = maxLength;
        }

        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isString() || value.stringValue().length() > maxLength) {
                throw bad(path, "must be a string of at most " + maxLength + " characters");
            }
            return value;
        }
    }

    private static final class Time extends Shape {
        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isString()) {
                throw bad(path, "must be an RFC 3339 time");
            }
            try {
                return NODES.stringNode(Instant.parse(value.stringValue()).toString());
            } catch (DateTimeParseException e) {
                throw bad(path, "must be an RFC 3339 time: " + value);
            }
        }
    }

    private static final class Arr extends Shape {
        private final Shape item;
        private final int maxItems;

        Arr(Shape item, int maxItems) {
            this.item = item;
            this.maxItems = maxItems;
        }

        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isArray() || value.size() > maxItems) {
                throw bad(path, "must be an array of at most " + maxItems + " items");
            }
            ArrayNode clean = NODES.arrayNode();
            for (int i = 0; i < value.size(); i++) {
                clean.add(item.check(path + "[" + i + "]", value.get(i)));
            }
            return clean;
        }
    }
}
