package org.odomo.spec;

/**
 * Every place where validation against a published file departs from what the file literally
 * says, each with its reason. The validator applies nothing else: a defect that is not listed
 * here is a failure, and the coverage report prints the entries a run relied on.
 *
 * <p>The first group corrects the files' known writing defects, read the way OpenAPI 3.0 means
 * them; the second group relaxes or replaces a schema, where the file contradicts itself or the
 * platform that real clients talk to.
 */
public enum KnownSpecDefect {

    // ---- reading the file as OpenAPI 3.0 means it

    REF_WITHOUT_SLASH("a $ref is written '#components/...' without the slash after '#': read as '#/components/...'"),
    REF_INTO_X_FRAGMENT("path items and responses $ref into the 'x-fragment' section rather than 'components':"
            + " followed as any JSON pointer"),
    REF_SIBLINGS("keys beside a $ref (a 'description', once a 'type') are ignored, as OpenAPI 3.0 says"),
    MEDIA_TYPE_SPACE("some media-type keys have a trailing space ('application/hal+json '): compared trimmed"),
    INTEGER_STATUS_KEYS("response codes are written as integers (200:) rather than strings: compared as text"),

    // ---- relaxations and replacements of a schema

    OVERLAPPING_ATTRIBUTE_ONE_OF("the attribute 'value' members declare oneOf [any string, a string of an enum]:"
            + " a variable name matches both branches, which oneOf forbids, so it is read as anyOf"),
    ERROR_BODY_PROSE("the published error schema (xError) declares code, debug and message only, while the"
            + " documented error body of every non-2xx answer is {code, uuid, message, timestamp}: uuid (a UUID)"
            + " and timestamp (an RFC 3339 date-time) are added to it"),
    ERROR_WITHOUT_SCHEMA("some error responses have no schema (getPathForTrip's default, the DELETE operations'"
            + " 400/404): their bodies are checked against the documented error body only"),
    STATUS_ENERGY_ARRAY("Status.energy (deprecated) is declared as one Energy object, but the platform that"
            + " clients are written for sends an array of energy items, each an Energy with, on the electric"
            + " item, the older 'charging' object (EnergyCharging) directly on it: either shape is accepted"),
    CHARGING_SCHEDULE_PREFERENCES("OnboardCapabilities' remote charging schedule requires a member"
            + " 'preferences' that is declared beside the schedule instead of inside it (an indentation slip):"
            + " inside the schedule it is read with that declaration"),
    PUSH_ATTRIBUTE_KEY_UNDECLARED("PushNotifAttribute declares 'type' and 'value' but not the 'key' that its own"
            + " description and examples give every attribute (and that Attribute, of which it is the push variant,"
            + " requires): 'key' is read as the string it is everywhere else"),
    REQUIRED_TIMESTAMP_UNDECLARED("a schema requires 'createdAt' (or 'updatedAt') without any of its parts"
            + " declaring it (for instance api-b2b's VehicleCapabilities): read as the date-time that every other"
            + " createdAt/updatedAt of the file is"),
    QUOTED_TRIGGER_NAME_PATTERN("MonitorTrigger's name pattern is written with literal double quotes around it"
            + " (\"[a-zA-Z]+[.-_]?[0-9]*\"), which no name of its own examples (z1, t1, f) has: read without"
            + " the quotes");

    private final String description;

    KnownSpecDefect(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
