package dev.vigil.server.webhook;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.api.Severity;
import dev.vigil.server.store.WebhookStore.Subscription;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The made-up alerts of test deliveries. A test alert is never stored with the real ones; its id
 * holds the time it was made, so that it can be made again from its id and its subscription and
 * its outbox row is all that is kept: a test delivery pending at a restart is sent after it.
 */
final class TestAlerts {
    private static final String PREFIX = "test-";

    private TestAlerts() {
    }

    /** A new test alert for {@code s}, made at {@code now} (to the millisecond, as the id keeps it). */
    static Alert make(Subscription s, Instant now, RandomGenerator random) {
        var id = PREFIX + Long.toHexString(now.toEpochMilli()) + "-" + HexFormat.of().toHexDigits(random.nextInt());
        return alert(id, Instant.ofEpochMilli(now.toEpochMilli()), s);
    }

    /** The test alert of {@code id}, made again; empty when {@code id} is not a test alert's. */
    static Optional<Alert> of(String id, Subscription s) {
        var parts = id.split("-");
        if (parts.length != 3 || !id.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(alert(id, Instant.ofEpochMilli(Long.parseLong(parts[1], 16)), s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Alert alert(String id, Instant at, Subscription s) {
        return new Alert(id, "vigil", 0, "webhook test", Severity.LOW, s.id(), "a test delivery to " + s.url(), at, at, List.of(), AlertContext.NONE, Map.of());
    }
}
