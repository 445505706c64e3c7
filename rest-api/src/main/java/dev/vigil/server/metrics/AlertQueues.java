package dev.vigil.server.metrics;

/** The rule sets' alert queues, as the metrics read them at each scrape. */
public interface AlertQueues {
    /** Alerts rule set {@code ruleSet} raised that wait to be stored. */
    int queued(String ruleSet);

    /** How long rule set {@code ruleSet}'s worker has waited in all for room in its full alert queue, in ns. */
    long waitedNanos(String ruleSet);
}
