package dev.vigil.engine.clock;

import org.drools.base.time.JobHandle;
import org.drools.core.time.impl.DefaultJobHandle;
import org.drools.core.time.impl.PseudoClockScheduler;
import org.drools.core.time.impl.TimerJobInstance;

/**
 * The Drools pseudo clock with a cost per cancelled timer that does not grow with the session.
 *
 * <p>Drools' scheduler leaves a cancelled timer in its queue and, after every 1,000 cancellations,
 * walks the whole queue to drop them. It also counts timers that are no longer queued, and a
 * sliding window cancels one of those every time it expires an event: it replaces the timer that
 * has just fired. A session holding many events has a timer queued per event (its expiry), so with
 * a few windows that walk ran every few hundred events over a queue of hundreds of thousands of
 * timers, and took a third of a busy session's time. This clock counts only cancelled timers still
 * waiting (a fired one-shot timer has no next fire time) and drops them once they are more than
 * half of the queue, so a cancellation costs a constant on average and cancelled timers never
 * make up more than a third of the queue. Its queue is a {@link TimerQueue}, which compares fire
 * times without reaching through each timer and fires timers due at the same millisecond in the
 * order they were scheduled. Everything else is Drools' own.
 */
public final class PseudoClock extends PseudoClockScheduler {
    private static final int PURGE_AT_LEAST = 1_000;
    private int cancelledWaiting;

    public PseudoClock() {
        queue = new TimerQueue();
    }

    @Override
    public synchronized void removeJob(JobHandle jobHandle) {
        boolean waiting = isWaiting(jobHandle);
        jobHandle.cancel();
        getTimerJobFactoryManager().removeTimerJobInstance(jobHandle);
        if (waiting && ++cancelledWaiting > Math.max(PURGE_AT_LEAST, queue.size() / 2)) {
            queue.removeIf(TimerJobInstance::isCanceled);
            cancelledWaiting = 0;
        }
    }

    @Override
    public synchronized void reset() {
        super.reset();
        cancelledWaiting = 0;
    }

    /** Timers waiting in the queue, cancelled ones included. */
    public synchronized int queued() {
        return queue.size();
    }

    private static boolean isWaiting(JobHandle jobHandle) {
        if (jobHandle.isCancel() || !(jobHandle instanceof DefaultJobHandle handle)) {
            return false;
        }
        var job = handle.getTimerJobInstance();
        return job != null && job.getTrigger().hasNextFireTime() != null;
    }
}
