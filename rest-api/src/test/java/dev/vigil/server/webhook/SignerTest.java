package dev.vigil.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Signing per the Standard Webhooks specification, and when failed deliveries are tried again. */
class SignerTest {

    @Test
    void sign_thePublishedTestVector_givesThePublishedSignature() {
        // The test vector of the specification's reference libraries.
        var signature = Signer.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void secrets_areGeneratedUsable_andMalformedOnesAreRefused() {
        var secret = Signer.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Signer.key(secret)).hasSize(32);
        assertThat(Signer.masked(secret)).startsWith("whsec_…").hasSize(11).endsWith(secret.substring(secret.length() - 4));
        for (var bad : new String[] {"secret", "whsec_!!!", "whsec_c2hvcnQ=", ""}) {
            assertThatThrownBy(() -> Signer.key(bad)).hasMessageStartingWith("a secret is whsec_ followed by 16 to 64 random bytes");
        }
    }

    @Test
    void backoff_doublesUpToTheCap_withJitterWithinHalfToAll() {
        var random = new Random(1);
        var base = Duration.ofSeconds(5);
        var cap = Duration.ofMinutes(1);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long full = Math.min(5_000L << (attempt - 1), 60_000);
            for (int i = 0; i < 50; i++) {
                long ms = Backoff.after(attempt, base, cap, random).toMillis();
                assertThat(ms).isBetween(full / 2, full);
            }
        }
    }

    @Test
    void retryAfter_inSecondsOrAsADate_orIgnoredWhenUnreadable() {
        var now = Instant.parse("2026-11-20T10:00:00Z");
        assertThat(Backoff.retryAfter("120", now)).contains(Duration.ofMinutes(2));
        assertThat(Backoff.retryAfter("Fri, 20 Nov 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(Backoff.retryAfter("Fri, 20 Nov 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(Backoff.retryAfter("soon", now)).isEmpty();
        assertThat(Backoff.retryAfter("-5", now)).isEmpty();
        assertThat(Backoff.retryAfter(null, now)).isEmpty();
    }
}
