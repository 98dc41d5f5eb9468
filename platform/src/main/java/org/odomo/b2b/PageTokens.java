package org.odomo.b2b;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.vehicle.Vin;
import org.springframework.stereotype.Component;

/**
 * The page tokens of the fleet-wide collections: a {@link PageCursor} written out and signed
 * (HMAC-SHA256), so that the server reads back only what it issued, for the collection it issued
 * it for. A token carries the keyset position (a VIN), not an offset, so that any page of a large
 * fleet costs what the first costs.
 */
@Component
class PageTokens {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int SIGNATURE_BYTES = 16;

    private final SecretKeySpec key;

    PageTokens(FleetPagingProperties properties) {
        byte[] secret;
        if (properties.tokenKey() == null || properties.tokenKey().isBlank()) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        } else if (properties.tokenKey().length() < 32) {
            throw new IllegalStateException("odomo.b2b.paging.token-key needs at least 32 characters");
        } else {
            secret = properties.tokenKey().getBytes(StandardCharsets.UTF_8);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String write(PageCursor cursor) {
        String payload = String.join("\n", cursor.collection(), Integer.toString(cursor.pageSize()),
                Integer.toString(cursor.rangeStart()), Integer.toString(cursor.rangeEnd()),
                String.valueOf(cursor.direction().code), cursor.vin(), Long.toString(cursor.index()));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(sign(bytes));
    }

    /**
     * The cursor of a token issued for {@code collection}; 400 for anything else (garbled, forged,
     * or issued for another fleet, operation or filter).
     */
    PageCursor read(String token, String collection) {
        try {
            int dot = token.indexOf('.');
            if (dot <= 0 || token.length() > 1000) {
                throw invalid();
            }
            byte[] payload = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, sign(payload))) {
                throw invalid();
            }
            String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
            if (fields.length != 7 || !fields[0].equals(collection) || fields[4].length() != 1) {
                throw invalid();
            }
            PageCursor cursor = new PageCursor(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                    Integer.parseInt(fields[3]), PageCursor.Direction.of(fields[4].charAt(0)), fields[5],
                    Long.parseLong(fields[6]));
            boolean positioned = cursor.direction() == PageCursor.Direction.LAST ? cursor.vin().isEmpty()
                    : Vin.isValid(cursor.vin());
            if (!positioned || cursor.pageSize() < 1 || cursor.index() < cursor.rangeStart()) {
                throw invalid();
            }
            return cursor;
        } catch (IllegalArgumentException e) {
            // Base64 and number parsing: a garbled token.
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageToken is not one this server issued for this collection");
    }

    private byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(payload), SIGNATURE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
