package org.odomo.b2b.history;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.state.HistoryQueries;
import org.springframework.stereotype.Component;

/**
 * The {@code pageToken} of the fleet API's history lists: where the next page starts (the index of
 * its first item and, for fleet-wide lists, the sort key of the last item listed) and the list's
 * total as counted when its first page was served. Signed with a server secret and bound to the
 * list it was issued for (fleet, path, filters), so that a forged, altered or transplanted token is
 * refused (400) instead of being trusted.
 */
@Component
class HistoryPageTokens {

    private static final int VERSION = 1;
    private static final int MAC_BYTES = 16;
    private static final int MAX_TOKEN_CHARS = 1024;

    /** Where a page starts: {@code after} null for a list paged by index alone; {@code total} null when not carried. */
    record Position(long index, Long total, HistoryQueries.After after) {
    }

    private final SecretKeySpec key;

    HistoryPageTokens(HistoryPagingProperties settings) {
        byte[] secret;
        if (settings.tokenKey() == null || settings.tokenKey().isEmpty()) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        } else {
            secret = settings.tokenKey().getBytes(StandardCharsets.UTF_8);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String issue(String list, Position position) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(position.index());
            out.writeLong(position.total() == null ? -1 : position.total());
            out.writeBoolean(position.after() != null);
            if (position.after() != null) {
                out.writeLong(position.after().time().getEpochSecond());
                out.writeInt(position.after().time().getNano());
                out.writeUTF(position.after().vin());
                out.writeUTF(position.after().id());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
        byte[] payload = bytes.toByteArray();
        byte[] token = Arrays.copyOf(payload, payload.length + MAC_BYTES);
        System.arraycopy(mac(list, payload), 0, token, payload.length, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    Position read(String list, String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw refused();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw refused();
        }
        if (raw.length <= MAC_BYTES) {
            throw refused();
        }
        byte[] payload = Arrays.copyOf(raw, raw.length - MAC_BYTES);
        byte[] given = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
        if (!MessageDigest.isEqual(given, mac(list, payload))) {
            throw refused();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readByte() != VERSION) {
                throw refused();
            }
            long index = in.readLong();
            long total = in.readLong();
            HistoryQueries.After after = null;
            if (in.readBoolean()) {
                Instant time = Instant.ofEpochSecond(in.readLong(), in.readInt());
                after = new HistoryQueries.After(time, in.readUTF(), in.readUTF());
            }
            return new Position(index, total < 0 ? null : total, after);
        } catch (IOException | RuntimeException e) {
            // Signed by this server, yet unreadable: issued by a different version of it.
            throw refused();
        }
    }

    private byte[] mac(String list, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(list.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Arrays.copyOf(mac.doFinal(payload), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static ApiException refused() {
        return new ApiException(ApiErrorCode.INVALID_PARAMETER,
                "pageToken is not one this server issued for this list; start again without it");
    }
}
