package dev.vigil.engine.session;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kie.api.KieBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partitioned rule set: one session per partition, each of the rule set compiled on its own
 * (sessions of one rule network must not run at the same time), each run by a thread of its own
 * and fed through a bounded queue of steps.
 *
 * <p>The runner that drives this keeps the rule set's one reorder buffer and watermark and gives
 * each event, in time order, with the clock it goes in at; the event goes to its key's partition
 * only, or to all of them when its type has no key. Every partition's clock follows the rule set's: the other partitions move theirs when the
 * runner {@link #flush flushes}, so a timer on a quiet key fires at its own time there too. The
 * listener is called by one partition at a time. A failure of one partition (an endless loop, a
 * rule timeout, a flood of alerts) stops them all: the runner's next call throws it.
 */
final class Partitions implements Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);
    /** Steps handed to a partition at once. */
    private static final int STEPS_PER_BATCH = 512;
    /** Batches a partition's queue holds before the runner waits for it. */
    private static final int QUEUED_BATCHES = 8;
    private static final long WAIT_MILLIS = 50;
    private static final long STOP_MILLIS = 5_000;

    private final String ruleSet;
    private final CompiledRuleSet compiled;
    private final KeyRouting keys;
    private final Worker[] workers;
    private final Object listenerLock = new Object();
    private long clock = Long.MIN_VALUE;
    /** As a session's meter starts: a replay never counts per second, a live rule set says it does. */
    private boolean countPerSecond;
    private volatile Throwable failure;

    /**
     * The partitions of {@code compiled}, whose container the first takes over; the others each run
     * the rule set compiled again ({@link CompiledRuleSet#another}), and take the events decoded
     * for the first converted into their own classes. Not started.
     */
    Partitions(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener, Watchdog watchdog) {
        this.ruleSet = compiled.name();
        this.compiled = compiled;
        var partitioning = compiled.partitioning();
        int count = partitioning.sessions();
        int maxFirings = compiled.source().settings().maxFiringsPerStep();
        this.workers = new Worker[count];
        try {
            for (int i = 0; i < count; i++) {
                var core = new SessionCore(i == 0 ? compiled : compiled.another(), version, wallClock, maxFirings);
                workers[i] = new Worker(i, core, listener, watchdog);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.keys = new KeyRouting(partitioning, count, kieBase());
        for (int i = 1; i < count; i++) {
            var core = workers[i].stepper.core();
            // Events come decoded for the first partition's classes: the others convert them.
            core.declaredTypes();
            core.alerts().leaveToAnother(keys::isShared);
            core.meter().shareSecondsWith(workers[0].stepper.core().meter());
        }
    }

    /** How many partitions. */
    int count() {
        return workers.length;
    }

    /** Starts each partition's thread. */
    void start() {
        for (var worker : workers) {
            worker.start();
        }
    }

    /** Inserts moved events into their partitions before they start: on the caller's thread. */
    int insertMoved(List<SessionCore.Carried> facts, FactMigration oldTypes, long until) {
        int carried = 0;
        for (var fact : facts) {
            int partition = keys.of(fact.object());
            for (var worker : workers) {
                if ((partition == KeyRouting.ALL || partition == worker.index) && worker.stepper.core().insertMoved(fact, oldTypes)) {
                    carried++;
                }
                worker.stepper.deliver();
            }
        }
        clock = Math.max(clock, until);
        for (var worker : workers) {
            worker.stepper.step(until, null);
        }
        return carried;
    }

    @Override
    public void step(long at, Event event) {
        checkFailure();
        clock = Math.max(clock, at);
        int partition = keys.of(event.fact());
        if (partition != KeyRouting.ALL) {
            workers[partition].add(at, event);
            return;
        }
        for (var worker : workers) {
            worker.add(at, event);
        }
    }

    @Override
    public void advance(long at) {
        checkFailure();
        clock = Math.max(clock, at);
    }

    @Override
    public void flush() {
        checkFailure();
        for (var worker : workers) {
            if (worker.sentClock < clock) {
                worker.add(clock, null);
            }
            worker.send();
        }
    }

    @Override
    public void sync() {
        flush();
        var done = new ArrayList<CompletableFuture<Void>>();
        for (var worker : workers) {
            var synced = new CompletableFuture<Void>();
            worker.offer(synced);
            done.add(synced);
        }
        for (var synced : done) {
            await(synced);
        }
        checkFailure();
    }

    private void await(CompletableFuture<Void> synced) {
        try {
            for (;;) {
                try {
                    synced.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    checkFailure();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the partitions of rule set '" + ruleSet + "'", e);
        } catch (ExecutionException e) {
            checkFailure();
            throw new IllegalStateException(e.getCause());
        }
    }

    private void checkFailure() {
        var failed = failure;
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    private void failed(Throwable e) {
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    @Override
    public long now() {
        return clock;
    }

    @Override
    public boolean isPseudoClock() {
        return true;
    }

    @Override
    public KieBase kieBase() {
        return workers[0].stepper.core().kieBase();
    }

    @Override
    public void countAlertsPerSecond(boolean value) {
        if (value != countPerSecond) {
            flush();
            countPerSecond = value;
        }
    }

    @Override
    public void useBudget(AlertBudget budget) {
        for (var worker : workers) {
            worker.stepper.core().meter().use(budget);
        }
    }

    @Override
    public AlertBudget budget() {
        return workers[0].stepper.core().meter().budget();
    }

    @Override
    public Counters counters() {
        var raised = new HashMap<String, Long>();
        long suppressed = 0;
        long duplicates = 0;
        long remembered = 0;
        long ruleErrors = 0;
        long facts = 0;
        long refused = 0;
        for (var worker : workers) {
            var each = worker.counters;
            each.raisedPerRule().forEach((rule, n) -> raised.merge(rule, n, Long::sum));
            suppressed += each.suppressed();
            duplicates += each.duplicates();
            remembered += each.remembered();
            ruleErrors += each.ruleErrors();
            facts += each.factCount();
            refused += each.refused();
        }
        return new Counters(raised, suppressed, duplicates, remembered, ruleErrors, facts, refused);
    }

    @Override
    public long timeToNextTimer() {
        return -1;
    }

    @Override
    public List<SessionCore> cores() {
        var cores = new ArrayList<SessionCore>(workers.length);
        for (var worker : workers) {
            cores.add(worker.stepper.core());
        }
        return cores;
    }

    @Override
    public void close() {
        for (var worker : workers) {
            if (worker != null) {
                worker.stop();
            }
        }
        for (var worker : workers) {
            if (worker == null) {
                continue;
            }
            worker.join();
            if (!worker.isAlive()) {
                try {
                    worker.stepper.core().close();
                } catch (RuntimeException e) {
                    LOG.warn("disposing partition {} of rule set '{}' failed", worker.index, ruleSet, e);
                }
            }
        }
    }

    /** What a partition's thread is given: steps, with whether their alerts count per second. */
    private record Batch(List<Step> steps, boolean countPerSecond) {
    }

    private record Step(long clock, Event event) {
    }

    /** One partition: its session, its thread and its queue. */
    private final class Worker implements EngineListener {
        private static final Object STOP = new Object();
        final int index;
        final Stepper stepper;
        private final EngineListener listener;
        private final Watchdog watchdog;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        private List<Step> pending = new ArrayList<>(STEPS_PER_BATCH);
        /** The runner's: the latest clock it gave this partition. */
        long sentClock = Long.MIN_VALUE;
        volatile Counters counters;
        private Thread thread;
        private Watch watch;

        Worker(int index, SessionCore core, EngineListener listener, Watchdog watchdog) {
            this.index = index;
            this.listener = listener;
            this.watchdog = watchdog;
            this.stepper = new Stepper(core, this);
            this.counters = Counters.of(stepper);
        }

        void start() {
            counters = Counters.of(stepper);
            thread = new Thread(this::work, "vigil-ruleset-" + ruleSet + "-p" + index);
            thread.setDaemon(true);
            if (watchdog != null) {
                watch = watchdog.watch(ruleSet, thread, compiled::rules, this::stalled);
            }
            thread.start();
        }

        void add(long at, Event event) {
            pending.add(new Step(at, event));
            sentClock = Math.max(sentClock, at);
            if (pending.size() >= STEPS_PER_BATCH) {
                send();
            }
        }

        void send() {
            if (pending.isEmpty()) {
                return;
            }
            offer(new Batch(pending, countPerSecond));
            pending = new ArrayList<>(STEPS_PER_BATCH);
        }

        /** Queues {@code message}, waiting while the queue is full and no partition has failed. */
        void offer(Object message) {
            try {
                while (!queue.offer(message, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    checkFailure();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing for a partition of rule set '" + ruleSet + "'", e);
            }
        }

        private void work() {
            try {
                for (;;) {
                    var message = queue.take();
                    if (message == STOP) {
                        return;
                    }
                    if (message instanceof Batch batch) {
                        run(batch);
                    } else if (message instanceof CompletableFuture<?> synced) {
                        ((CompletableFuture<?>) synced).complete(null);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                // Also ThreadDeath from the watchdog's stop, after it set the failure.
                failed(e);
            } finally {
                if (watch != null) {
                    watch.close();
                }
            }
        }

        private void run(Batch batch) {
            stepper.core().meter().countPerSecond(batch.countPerSecond);
            for (var step : batch.steps) {
                if (watch != null) {
                    watch.step();
                }
                stepper.step(step.clock, step.event);
            }
            if (watch != null) {
                watch.idle();
            }
            counters = Counters.of(stepper);
        }

        private void stalled(String rule) {
            failed(new RuleTimeoutException(ruleSet, rule, watchdog.timeout()));
            RunningRule.stop(thread);
        }

        void stop() {
            if (thread != null && thread.isAlive() && !queue.offer(STOP)) {
                thread.interrupt();
            }
        }

        void join() {
            if (thread == null) {
                return;
            }
            try {
                thread.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("partition {} of rule set '{}' did not stop; its session is left behind", index, ruleSet);
            }
        }

        boolean isAlive() {
            return thread != null && thread.isAlive();
        }

        @Override
        public void onAlert(Alert alert) {
            if (watch != null) {
                watch.idle();
            }
            try {
                synchronized (listenerLock) {
                    listener.onAlert(alert);
                }
            } finally {
                if (watch != null) {
                    watch.step();
                }
            }
        }

        @Override
        public void onRuleError(RuleError error) {
            synchronized (listenerLock) {
                listener.onRuleError(error);
            }
        }
    }
}
