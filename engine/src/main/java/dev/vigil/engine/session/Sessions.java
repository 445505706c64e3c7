package dev.vigil.engine.session;

import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.Event;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;

/**
 * The sessions a rule set's events go into, in the order its runner puts them: one session run on
 * the runner's thread ({@link OneSession}), or one per partition, each on a thread of its own
 * ({@link Partitions}). Driven by one thread.
 */
sealed interface Sessions extends AutoCloseable permits OneSession, Partitions {
    /**
     * Moves the clock to {@code clock} where it is behind, inserts {@code event} (none when null)
     * and fires what follows: at once, or on a partition's thread.
     */
    void step(long clock, Event event);

    /** Moves the clock of every session to {@code clock}, firing what falls due on the way. */
    void advance(long clock);

    /** Hands what waits to be handed on to the sessions' threads; nothing for one session. */
    void flush();

    /**
     * Waits until the sessions have done every step they were given; throws what failed one of
     * them ({@link dev.vigil.engine.api.RunawayRulesException}, a rule timeout, ...).
     */
    void sync();

    /** The rule set's session clock in epoch milliseconds: the latest time its sessions were moved to. */
    long now();

    boolean isPseudoClock();

    /** The rule network the events are decoded for. */
    KieBase kieBase();

    /** Whether the alerts of the steps given from now on count against the per-second limit. */
    void countAlertsPerSecond(boolean value);

    void useBudget(AlertBudget budget);

    AlertBudget budget();

    /** The counters of the sessions, summed, as of the last steps they finished. */
    Counters counters();

    /** Milliseconds until the next timer of a realtime session, -1 when none. */
    long timeToNextTimer();

    /** The sessions' cores, for a move to other sessions; only once {@link #sync synced}. */
    List<SessionCore> cores();

    @Override
    void close();

    /** What the sessions of a rule set have counted. */
    record Counters(Map<String, Long> raisedPerRule, long suppressed, long duplicates, long remembered, long ruleErrors,
                    long factCount, long refused) {
        static Counters of(Stepper stepper) {
            var core = stepper.core();
            var alerts = core.alerts();
            return new Counters(alerts.raisedPerRule(), alerts.suppressed(), alerts.duplicates(), alerts.remembered(),
                    stepper.ruleErrors(), core.factCount(), core.meter().refused());
        }
    }
}
