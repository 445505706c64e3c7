package dev.vigil.engine.clock;

import org.drools.core.ClockType;
import org.drools.core.common.ReteEvaluator;
import org.drools.core.time.TimerService;
import org.drools.kiesession.factory.RuntimeComponentFactoryImpl;

/**
 * Drools' runtime components with {@link PseudoClock} as the pseudo clock of every session.
 *
 * <p>Drools looks its runtime component factory up as a service and takes the one of highest
 * priority (see {@code META-INF/services}); this one ranks above Drools' own, which it otherwise
 * is. Every session in the JVM gets it, whoever creates the session.
 */
public final class RuntimeComponents extends RuntimeComponentFactoryImpl {
    @Override
    public int servicePriority() {
        return 1;
    }

    @Override
    public TimerService createTimerService(ReteEvaluator reteEvaluator) {
        var config = reteEvaluator.getSessionConfiguration();
        if (config.getClockType() != ClockType.PSEUDO_CLOCK) {
            return super.createTimerService(reteEvaluator);
        }
        var clock = new PseudoClock();
        clock.setTimerJobFactoryManager(config.getTimerJobFactoryManager());
        return clock;
    }
}
