package dev.vigil.engine.session;

import dev.vigil.engine.api.RuleInfo;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One session under a {@link Watchdog}: the thread that runs it, when the step it is in began, and
 * what stops it. The session's thread marks each step ({@link #step()}) and each wait for work
 * ({@link #idle()}); the watchdog reads them from its own.
 */
public final class Watch implements AutoCloseable {
    private static final long IDLE = Long.MIN_VALUE;

    private final Watchdog watchdog;
    private final String ruleSet;
    private final Thread thread;
    private final Supplier<List<RuleInfo>> rules;
    private final Consumer<String> onStall;
    /** The ticker's reading when the current step began; {@link #IDLE} between steps. */
    private volatile long stepSince = IDLE;
    private volatile boolean stalled;

    Watch(Watchdog watchdog, String ruleSet, Thread thread, Supplier<List<RuleInfo>> rules, Consumer<String> onStall) {
        this.watchdog = watchdog;
        this.ruleSet = ruleSet;
        this.thread = thread;
        this.rules = rules;
        this.onStall = onStall;
    }

    /** The session begins a step (an event, a clock move, a deploy), or makes progress: the timeout counts from now. */
    public void step() {
        stepSince = watchdog.now();
    }

    /** The session waits for work (or for its input): no rule of it runs. */
    public void idle() {
        stepSince = IDLE;
    }

    String ruleSet() {
        return ruleSet;
    }

    /**
     * At {@code now}, stops the session once when its step has lasted {@code timeout} or longer: the
     * owner's {@code onStall} is told the rule that runs (null when no rule's code is on the stack).
     */
    void check(long now, long timeoutNanos) {
        long since = stepSince;
        if (since == IDLE || stalled || now - since < timeoutNanos) {
            return;
        }
        stalled = true;
        onStall.accept(RunningRule.of(thread, rules.get()));
    }

    /** Stops watching. */
    @Override
    public void close() {
        watchdog.forget(this);
    }
}
