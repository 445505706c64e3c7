package dev.vigil.kafka;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineListener;

/**
 * The server's side of the transport: the listener the alerts, rule errors and processing times of
 * the rule sets that consume a topic go to besides Kafka (the alert store, the live stream,
 * webhooks, metrics), and how alerts are written. Its {@link #onAlert} may wait, on a stream's
 * worker, for room. A stream's failure is not passed on: it fails the rule set, which tells the
 * engine's listener.
 */
public interface AlertOutlet extends EngineListener {
    /**
     * Returns once every alert of {@code ruleSet} taken so far is stored: offsets are committed
     * only after the alerts of the events before them are.
     *
     * @throws InterruptedException when the wait is interrupted: the transport stops
     */
    void awaitStored(String ruleSet) throws InterruptedException;

    /** The alert as the API returns it: the value of its record on the alerts topic. */
    byte[] json(Alert alert);
}
