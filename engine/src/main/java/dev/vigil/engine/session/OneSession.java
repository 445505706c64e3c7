package dev.vigil.engine.session;

import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.util.List;
import org.drools.core.common.InternalWorkingMemory;
import org.kie.api.KieBase;

/** A rule set that is not partitioned: one session, run on the thread that drives it. */
final class OneSession implements Sessions {
    private final Stepper stepper;

    OneSession(Stepper stepper) {
        this.stepper = stepper;
    }

    @Override
    public void step(long clock, Event event) {
        stepper.step(clock, event);
    }

    @Override
    public void advance(long clock) {
        stepper.step(clock, null);
    }

    @Override
    public void flush() {
        // Nothing waits: every step ran when it was given.
    }

    @Override
    public void sync() {
        // Nothing runs elsewhere.
    }

    @Override
    public long now() {
        return stepper.core().now();
    }

    @Override
    public boolean isPseudoClock() {
        return stepper.core().isPseudoClock();
    }

    @Override
    public KieBase kieBase() {
        return stepper.core().kieBase();
    }

    @Override
    public void countAlertsPerSecond(boolean value) {
        stepper.core().meter().countPerSecond(value);
    }

    @Override
    public void useBudget(AlertBudget budget) {
        stepper.core().meter().use(budget);
    }

    @Override
    public AlertBudget budget() {
        return stepper.core().meter().budget();
    }

    @Override
    public Counters counters() {
        return Counters.of(stepper);
    }

    @Override
    public long timeToNextTimer() {
        return ((InternalWorkingMemory) stepper.core().session()).getTimeToNextJob();
    }

    @Override
    public List<SessionCore> cores() {
        return List.of(stepper.core());
    }

    /** Moves the session to {@code next} in place; see {@link SessionCore#update}. */
    int update(CompiledRuleSet next, int version) {
        int carried = stepper.core().update(next, version);
        stepper.deliver();
        return carried;
    }

    @Override
    public void close() {
        stepper.core().close();
    }
}
