package dev.vigil.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures per the Standard Webhooks specification: {@code v1,} and the base64 HMAC-SHA256 of
 * {@code id.timestamp.body}, keyed with the bytes the secret ({@code whsec_} and base64) encodes.
 */
public final class Signer {
    /** How a secret starts. */
    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signer() {
    }

    /** A new secret of 32 random bytes. */
    public static String newSecret() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The key bytes of {@code secret}; IllegalArgumentException saying what a secret looks like when it is not one. */
    public static byte[] key(String secret) {
        var encoded = secret != null && secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : null;
        byte[] key;
        try {
            key = encoded == null ? null : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a secret is whsec_ followed by 16 to 64 random bytes in base64, such as one Vigil generates"
                    + " when none is given");
        }
        return key;
    }

    /** The {@code webhook-signature} header's value for a message. */
    public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    /** {@code whsec_...} shown with only its last four characters. */
    public static String masked(String secret) {
        return PREFIX + "…" + secret.substring(Math.max(PREFIX.length(), secret.length() - 4));
    }
}
