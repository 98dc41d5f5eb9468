package org.odomo.client;

import java.time.Instant;

/**
 * The user the token was issued for. Each member is null when the server leaves it out.
 *
 * @param email     the account's e-mail address
 * @param firstName first name
 * @param lastName  last name
 * @param createdAt when the account was created
 * @param updatedAt when it last changed
 */
public record User(String email, String firstName, String lastName, Instant createdAt, Instant updatedAt) {

    static User from(tools.jackson.databind.JsonNode json) {
        return new User(Json.text(json, "email"), Json.text(json, "firstName"), Json.text(json, "lastName"),
                Json.instant(json, "createdAt"), Json.instant(json, "updatedAt"));
    }
}
