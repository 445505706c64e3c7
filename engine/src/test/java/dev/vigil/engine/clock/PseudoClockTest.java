package dev.vigil.engine.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.drools.base.time.JobHandle;
import org.drools.core.common.ReteEvaluator;
import org.drools.core.time.Job;
import org.drools.core.time.JobContext;
import org.drools.core.time.impl.DefaultJobHandle;
import org.drools.core.time.impl.DefaultTimerJobFactoryManager;
import org.drools.core.time.impl.PointInTimeTrigger;
import org.drools.core.time.impl.TimerJobInstance;
import org.junit.jupiter.api.Test;
import org.kie.api.KieServices;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.io.ResourceType;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.internal.utils.KieHelper;

class PseudoClockTest {
    private final PseudoClock clock = new PseudoClock();
    private final List<Long> fired = new ArrayList<>();

    @Test
    void sessions_withPseudoClock_getThisClock() {
        var kieBase = new KieHelper().addContent("package p; declare E @role(event) end", ResourceType.DRL)
                .build(EventProcessingOption.STREAM);
        var config = KieServices.get().newKieSessionConfiguration();
        config.setOption(ClockTypeOption.PSEUDO);
        var session = kieBase.newKieSession(config, null);
        try {
            assertThat((Object) session.getSessionClock()).isInstanceOf(PseudoClock.class);
            assertThat(((PseudoClock) session.getSessionClock()).getTimerJobFactoryManager())
                    .as("timers untracked (kie.properties.conf)").isSameAs(DefaultTimerJobFactoryManager.INSTANCE);
        } finally {
            session.dispose();
        }
    }

    @Test
    void cancelledTimers_aboveHalfTheQueue_areDropped_andTheRestStillFire() {
        var handles = new ArrayList<JobHandle>();
        for (long t = 1; t <= 3_000; t++) {
            handles.add(schedule(t));
        }
        for (int i = 0; i < 1_500; i++) {
            clock.removeJob(handles.get(2 * i));
        }
        assertThat(clock.queued()).as("1,500 of 3,000 cancelled: not more than half yet").isEqualTo(3_000);

        clock.removeJob(handles.get(1));
        assertThat(clock.queued()).isEqualTo(1_499);

        clock.advanceTime(3_000, TimeUnit.MILLISECONDS);
        assertThat(fired).hasSize(1_499).doesNotContain(1L, 2L, 3L).contains(4L, 3_000L);
    }

    @Test
    void removingTimersThatFiredAlready_doesNotCountAsCancelling() {
        var waiting = new ArrayList<JobHandle>();
        for (long t = 10_001; t <= 12_000; t++) {
            waiting.add(schedule(t));
        }
        // The later half: the clock drops cancelled timers at the head of the queue as it passes them.
        for (int i = 1_000; i < 2_000; i++) {
            clock.removeJob(waiting.get(i));
        }
        assertThat(clock.queued()).as("1,000 cancelled of 2,000: not more than half").isEqualTo(2_000);
        // What a sliding window does each time it expires an event: replace the timer that just fired.
        for (long t = 1; t <= 5_000; t++) {
            var done = schedule(t);
            clock.advanceTime(1, TimeUnit.MILLISECONDS);
            clock.removeJob(done);
        }
        assertThat(fired).hasSize(5_000);
        assertThat(clock.queued()).as("the 1,000 cancelled timers are still counted as 1,000").isEqualTo(2_000);

        clock.removeJob(waiting.get(0));
        assertThat(clock.queued()).isEqualTo(999);
    }

    @Test
    void timersDueAtTheSameMillisecond_fireInTheOrderTheyWereScheduled() {
        var order = new ArrayList<String>();
        for (var name : List.of("c", "a", "d", "b")) {
            schedule(1_000, () -> order.add(name));
        }
        schedule(999, () -> order.add("earlier"));

        clock.advanceTime(998, TimeUnit.MILLISECONDS);
        assertThat(order).isEmpty();
        clock.advanceTime(1, TimeUnit.MILLISECONDS);
        assertThat(order).containsExactly("earlier");
        clock.advanceTime(1, TimeUnit.MILLISECONDS);
        assertThat(order).containsExactly("earlier", "c", "a", "d", "b");
    }

    @Test
    void timersScheduledOutOfOrder_someCancelled_fireInTimeOrder() {
        var random = new Random(7);
        var handles = new ArrayList<JobHandle>();
        var expected = new ArrayList<Long>();
        for (int i = 0; i < 20_000; i++) {
            long at = 1 + random.nextInt(100_000);
            var handle = schedule(at);
            if (i % 3 == 0) {
                handles.add(handle);
            } else {
                expected.add(at);
            }
        }
        handles.forEach(clock::removeJob);
        expected.sort(null);

        clock.advanceTime(50_000, TimeUnit.MILLISECONDS);
        clock.advanceTime(50_000, TimeUnit.MILLISECONDS);

        assertThat(fired).containsExactlyElementsOf(expected);
        assertThat(clock.queued()).isZero();
    }

    @Test
    void timerQueue_removeIfAndIteratorRemove_keepTheRestInOrder() {
        var queue = new TimerQueue();
        for (long at : new long[] {50, 10, 40, 20, 30, 60, 70}) {
            queue.add(timer(at));
        }
        queue.removeIf(t -> time(t) % 20 == 0);
        for (var it = queue.iterator(); it.hasNext();) {
            if (time(it.next()) == 70) {
                it.remove();
            }
        }

        assertThat(queue).hasSize(3);
        var polled = new ArrayList<Long>();
        while (!queue.isEmpty()) {
            polled.add(time(queue.poll()));
        }
        assertThat(polled).containsExactly(10L, 30L, 50L);
        assertThat(queue.poll()).isNull();
    }

    private TimerJobInstance timer(long at) {
        return ((DefaultJobHandle) schedule(at)).getTimerJobInstance();
    }

    private static long time(TimerJobInstance timer) {
        return timer.getTrigger().hasNextFireTime().getTime();
    }

    private JobHandle schedule(long at, Runnable action) {
        var context = new Context();
        var handle = clock.scheduleJob(ctx -> action.run(), context, PointInTimeTrigger.createPointInTimeTrigger(at, null));
        context.setJobHandle(handle);
        return handle;
    }

    private JobHandle schedule(long at) {
        var context = new Context();
        var handle = clock.scheduleJob(job, context, PointInTimeTrigger.createPointInTimeTrigger(at, null));
        context.setJobHandle(handle);
        return handle;
    }

    private final Job job = ctx -> fired.add(clock.getCurrentTime());

    private static final class Context implements JobContext {
        private JobHandle handle;

        @Override
        public void setJobHandle(JobHandle jobHandle) {
            this.handle = jobHandle;
        }

        @Override
        public JobHandle getJobHandle() {
            return handle;
        }

        @Override
        public ReteEvaluator getReteEvaluator() {
            return null;
        }
    }
}
