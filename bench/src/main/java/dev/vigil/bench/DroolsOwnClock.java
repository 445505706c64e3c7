package dev.vigil.bench;

import org.drools.core.TimerJobFactoryType;
import org.drools.core.common.InternalWorkingMemory;
import org.drools.core.time.impl.PseudoClockScheduler;
import org.drools.kiesession.session.StatefulKnowledgeSessionImpl;
import org.kie.api.runtime.KieSession;

/**
 * Gives a new session Drools' own pseudo clock and timer tracking, as Drools 10.2.0 has them
 * without Vigil. Vigil's engine on the classpath changes both for every session in the JVM (its
 * {@code PseudoClock} and {@code kie.properties.conf}); a raw Drools baseline must not have them.
 */
final class DroolsOwnClock {
    private DroolsOwnClock() {
    }

    static void use(KieSession session) {
        try {
            var field = StatefulKnowledgeSessionImpl.class.getDeclaredField("timerService");
            field.setAccessible(true);
            if (field.get(session) != null) {
                throw new IllegalStateException("the session has a clock already");
            }
            var clock = new PseudoClockScheduler();
            clock.setTimerJobFactoryManager(TimerJobFactoryType.THREAD_SAFE_TRACKABLE.createInstance());
            field.set(session, clock);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot give the session Drools' own clock", e);
        }
        if (((InternalWorkingMemory) session).getTimerService().getClass() != PseudoClockScheduler.class) {
            throw new IllegalStateException("the session does not have Drools' own clock");
        }
    }
}
