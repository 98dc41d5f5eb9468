package org.odomo.vehicle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Vehicle credentials are 256-bit random secrets, so a single SHA-256 is enough to store them
 * (a slow password KDF would only cost ingestion throughput: there is nothing to brute-force).
 * Comparison is constant-time.
 */
public final class VehicleCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Stored in place of a hash when the credential is revoked: no credential hashes to it. */
    static final String REVOKED = "revoked";

    private VehicleCredentials() {
    }

    public static String newCredential() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static String hash(String credential) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(credential.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean matches(String credential, String storedHash) {
        if (credential == null || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(credential).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
