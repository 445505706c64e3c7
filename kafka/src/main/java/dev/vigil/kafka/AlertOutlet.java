package dev.vigil.kafka;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.RuleError;

/**
 * The server's side of the transport: where the alerts of the rule sets that consume a topic go
 * besides Kafka (the alert store, the live stream, webhooks), and how they are written.
 */
public interface AlertOutlet {
    /** Takes an alert into the server's own outputs; may wait, on the stream's worker, for room. */
    void take(Alert alert);

    /**
     * Returns once every alert of {@code ruleSet} taken so far is stored: offsets are committed
     * only after the alerts of the events before them are.
     *
     * @throws InterruptedException when the wait is interrupted: the transport stops
     */
    void awaitStored(String ruleSet) throws InterruptedException;

    /** The alert as the API returns it: the value of its record on the alerts topic. */
    byte[] json(Alert alert);

    /** A rule's consequence threw; the stream went on. */
    void ruleError(RuleError error);

    /** A stream of {@code ruleSet} stopped: its rules looped without end, or its session broke. */
    void failed(String ruleSet, int version, String reason);
}
