package dev.vigil.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key secrets kept in the database (webhook secrets) are encrypted with, and the encryption:
 * AES-256-GCM from the JDK, a random 96-bit nonce for each value, and what the value belongs to (a
 * webhook's id) as associated data, so that a sealed value moved to another row does not open.
 *
 * <p>A sealed value reads {@code enc:v1:} and the base64 of the nonce and the ciphertext with its
 * tag: recognisably not a secret in plain text, and {@code v1} names this scheme should another
 * come. The key is 32 bytes: the base64 of {@code VIGIL_SECRET_KEY} when it is set, else the file
 * {@code secret-key} in the data folder, readable by its owner only, generated on the first start.
 * A key that does not open what the database holds is never taken for another: opening fails.
 */
public final class SecretCipher {
    /** How a sealed value starts. */
    public static final String PREFIX = "enc:v1:";
    /** The environment variable that gives the key instead of the key file. */
    public static final String VARIABLE = "VIGIL_SECRET_KEY";
    /** The key file's name in the data folder. */
    public static final String FILE = "secret-key";
    private static final Logger LOG = LoggerFactory.getLogger(SecretCipher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String source;

    private SecretCipher(byte[] key, String source) {
        this.key = new SecretKeySpec(key, "AES");
        this.source = source;
    }

    /**
     * The key given as base64 in {@code configured} (from {@code VIGIL_SECRET_KEY}) when it is not
     * blank, else the one in {@code dataDirectory}, created when missing. IllegalStateException
     * naming the source when a key is not 32 bytes of base64, or when the file is missing although
     * the database holds values sealed with it ({@code sealedValuesExist}): a new key would not open them.
     */
    public static SecretCipher load(Path dataDirectory, String configured, boolean sealedValuesExist) {
        if (configured != null && !configured.isBlank()) {
            return new SecretCipher(decode(configured.trim(), VARIABLE), VARIABLE);
        }
        var file = dataDirectory.resolve(FILE);
        var source = "the key file " + file.toAbsolutePath();
        try {
            if (Files.exists(file)) {
                return new SecretCipher(decode(Files.readString(file, StandardCharsets.UTF_8).trim(), source), source);
            }
            if (sealedValuesExist) {
                throw new IllegalStateException(file.toAbsolutePath() + " is missing, and the database holds webhook secrets encrypted"
                        + " with the key it held: put the file back, or set " + VARIABLE + " to that key (base64)");
            }
            var generated = new byte[KEY_BYTES];
            RANDOM.nextBytes(generated);
            DataFolder.writeOwnerOnly(file, Base64.getEncoder().encodeToString(generated) + "\n");
            LOG.info("generated the key webhook secrets are encrypted with: {} (back it up with the database, which is of no use without it)",
                    file.toAbsolutePath());
            return new SecretCipher(generated, source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalStateException(source + " is not a key: it must be " + KEY_BYTES + " random bytes in base64"
                    + " (such as `openssl rand -base64 32` prints)" + (key == null ? "" : ", and holds " + key.length + " bytes"));
        }
        return key;
    }

    /** Whether {@code value} is sealed (rather than a secret kept in plain text by an older version). */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** {@code secret} encrypted under a fresh nonce, bound to {@code owner} (such as {@code webhook 42}). */
    public String seal(String secret, String owner) {
        var nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            var cipher = cipher(Cipher.ENCRYPT_MODE, nonce, owner);
            var sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            var out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the Java platform", e);
        }
    }

    /**
     * The secret {@code sealed} holds, sealed for {@code owner}. IllegalStateException saying so when
     * it does not open with this key (another key sealed it) or is not a sealed value.
     */
    public String open(String sealed, String owner) {
        byte[] bytes;
        try {
            bytes = isSealed(sealed) ? Base64.getDecoder().decode(sealed.substring(PREFIX.length())) : null;
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length <= NONCE_BYTES) {
            throw new IllegalStateException("the stored secret of " + owner + " is not a value Vigil encrypted (" + PREFIX + "...)");
        }
        try {
            var cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), owner);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the stored secret of " + owner + " does not decrypt with " + source + ": it was encrypted"
                    + " with another key. Start with the key it was encrypted with (the data folder's " + FILE + " file as it was,"
                    + " or the " + VARIABLE + " given then)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by the Java platform", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String owner) throws GeneralSecurityException {
        var cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
