package org.odomo.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

/**
 * Sends requests and turns error answers into the library's exceptions. A call refused for the
 * rate limit is sent again after its Retry-After when the client was built to (and only within
 * the limits it was given); nothing else is retried, so no call is made twice behind the app's back.
 */
final class Http {

    private final HttpClient client;
    private final Clock clock;
    private final int rateLimitRetries;
    private final Duration longestRateLimitWait;

    Http(HttpClient client, Clock clock, int rateLimitRetries, Duration longestRateLimitWait) {
        this.client = client;
        this.clock = clock;
        this.rateLimitRetries = rateLimitRetries;
        this.longestRateLimitWait = longestRateLimitWait;
    }

    /** Sends the request (built afresh for each attempt) and answers a 2xx response, or throws. */
    HttpResponse<String> send(Supplier<HttpRequest> request) {
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> response = sendOnce(request.get());
            if (response.statusCode() / 100 == 2) {
                return response;
            }
            OdomoApiException error = error(response);
            if (error instanceof RateLimitedException limited && attempt < rateLimitRetries
                    && limited.retryAfter() != null && limited.retryAfter().compareTo(longestRateLimitWait) <= 0) {
                pause(limited.retryAfter());
                continue;
            }
            throw error;
        }
    }

    private HttpResponse<String> sendOnce(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OdomoClientException(request.method() + " " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OdomoClientException("interrupted while waiting for " + request.uri().getPath(), e);
        }
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(Math.max(0, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OdomoClientException("interrupted while waiting for the rate limit", e);
        }
    }

    /** The exception of an error answer, from its status, body and headers. */
    OdomoApiException error(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = Json.parseLenient(response.body());
        Integer code = Json.integer(body, "code");
        String uuid = Json.text(body, "uuid");
        String message = Json.text(body, "message");
        if (message == null) {
            message = Json.text(body, "error_description");
        }
        Instant timestamp = Json.instant(body, "timestamp");
        String oauthError = Json.text(body, "error");
        return switch (status) {
            case 400 -> new BadRequestException(code, uuid, message, timestamp, oauthError);
            case 401 -> new UnauthorizedException(code, uuid, message, timestamp, oauthError);
            case 403 -> new ForbiddenException(code, uuid, message, timestamp, oauthError);
            case 404 -> new NotFoundException(code, uuid, message, timestamp, oauthError);
            case 429 -> new RateLimitedException(code, uuid, message, timestamp, oauthError,
                    retryAfter(response.headers().firstValue("Retry-After")).orElse(null));
            default -> status >= 500 ? new ServerErrorException(status, code, uuid, message, timestamp, oauthError)
                    : new OdomoApiException(status, code, uuid, message, timestamp, oauthError);
        };
    }

    /** Retry-After as whole seconds or as an HTTP date (RFC 9110 §10.2.3). */
    private Optional<Duration> retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        if (value.matches("\\d{1,10}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
