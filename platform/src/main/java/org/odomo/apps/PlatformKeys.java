package org.odomo.apps;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Key pairs the platform creates once and every node shares through the database: the CA that
 * signs app certificates and the key that signs access tokens. The first node to start creates
 * them; the others (and every restart) load them, so tokens stay valid across restarts and nodes.
 */
@Component
public class PlatformKeys {

    /** A stored key pair, with its certificate when it has one. */
    public record StoredKey(String name, String keyId, KeyPair keyPair, String certificatePem) {
    }

    private final JdbcClient jdbc;

    PlatformKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The key stored under this name, created with {@code certify} (which may return null when the
     * key needs no certificate) if there is none yet.
     */
    public StoredKey getOrCreate(String name, int rsaBits, Function<KeyPair, String> certify) {
        return load(name).orElseGet(() -> {
            KeyPair pair = generate(rsaBits);
            String certificate = certify.apply(pair);
            jdbc.sql("""
                    INSERT INTO platform_key (name, private_key_pem, certificate_pem, key_id, created_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                    .params(name, toPem(pair.getPrivate()), certificate, UUID.randomUUID().toString(),
                            Timestamp.from(Instant.now()))
                    .update();
            // Another node may have won the race: whatever is stored is the key.
            return load(name).orElseThrow();
        });
    }

    private Optional<StoredKey> load(String name) {
        return jdbc.sql("SELECT private_key_pem, certificate_pem, key_id FROM platform_key WHERE name = ?")
                .param(name)
                .query((rs, n) -> new StoredKey(name, rs.getString(3), parse(rs.getString(1)), rs.getString(2)))
                .optional();
    }

    static KeyPair generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String toPem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static KeyPair parse(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair);
            }
            if (read instanceof PrivateKeyInfo info) {
                var privateKey = (java.security.interfaces.RSAPrivateCrtKey) converter.getPrivateKey(info);
                var spec = new java.security.spec.RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent());
                var publicKey = java.security.KeyFactory.getInstance("RSA").generatePublic(spec);
                return new KeyPair(publicKey, privateKey);
            }
            throw new IllegalStateException("stored key is not a private key");
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read stored key", e);
        }
    }
}
