package dev.vigil.engine.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Counters of one rule set's session, as of its last processed batch.
 *
 * @param ruleSet          the rule set's name
 * @param version          the running version
 * @param status           running, or failed and why
 * @param eventsProcessed  events the session took from its queue
 * @param lateEvents       events that arrived behind the watermark (inserted or dropped per the late policy)
 * @param droppedLate      of those, the ones the {@code DROP} policy left out
 * @param buffered         events waiting in the reorder buffer for the watermark
 * @param queued           events accepted and waiting in the queue
 * @param alertsPerRule    alerts raised per rule
 * @param suppressed       alerts held back by {@code @suppress}
 * @param duplicates       alerts not raised again because one with the same id was
 * @param remembered       alert ids and matches remembered to drop such repeats
 * @param ruleErrors       consequences that threw
 * @param factCount        facts in working memory
 * @param clock            the session clock, epoch milliseconds
 * @param watermark        the watermark, epoch milliseconds ({@link Long#MIN_VALUE} before the first event)
 * @param alertsOverBudget alerts refused because the rule set had raised more than its alert budget
 */
public record RuleSetStats(
        String ruleSet,
        int version,
        RuleSetStatus status,
        long eventsProcessed,
        long lateEvents,
        long droppedLate,
        int buffered,
        int queued,
        Map<String, Long> alertsPerRule,
        long suppressed,
        long duplicates,
        int remembered,
        long ruleErrors,
        long factCount,
        long clock,
        long watermark,
        long alertsOverBudget) {

    public RuleSetStats {
        alertsPerRule = Map.copyOf(alertsPerRule);
    }

    /** All alerts raised. */
    public long alerts() {
        return alertsPerRule.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * These counters with those of {@code stream}, one of the rule set's streams, added: counts
     * summed, the clock the furthest, the watermark the one furthest behind of those set.
     */
    public RuleSetStats plus(RuleSetStats stream) {
        var perRule = new HashMap<>(alertsPerRule);
        stream.alertsPerRule.forEach((rule, count) -> perRule.merge(rule, count, Long::sum));
        long mark = watermark == Long.MIN_VALUE ? stream.watermark
                : stream.watermark == Long.MIN_VALUE ? watermark : Math.min(watermark, stream.watermark);
        return new RuleSetStats(ruleSet, version, status, eventsProcessed + stream.eventsProcessed, lateEvents + stream.lateEvents,
                droppedLate + stream.droppedLate, buffered + stream.buffered, queued + stream.queued, perRule,
                suppressed + stream.suppressed, duplicates + stream.duplicates, remembered + stream.remembered,
                ruleErrors + stream.ruleErrors, factCount + stream.factCount, Math.max(clock, stream.clock), mark,
                alertsOverBudget + stream.alertsOverBudget);
    }

    /** These counters under another status: the watchdog's view of a worker that does not come back. */
    public RuleSetStats withStatus(RuleSetStatus value) {
        return new RuleSetStats(ruleSet, version, value, eventsProcessed, lateEvents, droppedLate, buffered, queued, alertsPerRule,
                suppressed, duplicates, remembered, ruleErrors, factCount, clock, watermark, alertsOverBudget);
    }
}
