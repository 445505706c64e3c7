package dev.vigil.engine.session;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deployed rule set: a session owned by one worker thread, fed through a bounded queue.
 *
 * <p>Any thread may submit; the worker alone touches the session. It takes whatever is queued
 * (up to a batch), processes it in order, and between batches performs deploys of new versions,
 * so a swap never splits a batch and no accepted event is lost across it. Capacity is counted in
 * events: a submission that does not fit is refused whole with {@link QueueFullException}, and the
 * heap does not grow. When nothing arrives the worker wakes every tick to let time pass.
 *
 * <p>The listener may hold the worker up while it takes an alert (a consumer pushing back, with a
 * queue of this rule set's own): that wait is not the rules', and the watchdog does not count it.
 */
public final class LiveRuleSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRuleSet.class);
    private static final int COMMANDS_PER_BATCH = 256;
    /** A submission at least this large refreshes the stats when done; smaller ones wait for the end of their batch. */
    private static final int STATS_AFTER_EVENTS = 64;
    /** How long a stop waits for a worker told to leave after its event before leaving it behind. */
    private static final long ABANDON_MILLIS = 500;

    private final String name;
    private final int capacity;
    private final Semaphore room;
    private final LinkedBlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    /** The worker's: commands taken from the queue and not yet handled. */
    private final ArrayDeque<Command> batch = new ArrayDeque<>(COMMANDS_PER_BATCH);
    private final EngineListener listener;
    private final long tickMillis;
    private final Thread worker;
    private final RuleSetRunner runner;
    private volatile EventDecoder decoder;
    private volatile RuleSetStatus status = RuleSetStatus.RUNNING;
    private volatile RuleSetStats stats;
    private volatile CompiledRuleSet running;
    private final long maxFacts;
    private final EventTimeBounds eventTimes;
    /** Set by the worker before it answers its queue for the last time: nothing is queued after. */
    private volatile boolean closed;
    /** Set when a stop no longer waits for the queue: the worker leaves after the event it is on. */
    private volatile boolean abandoned;
    /** The worker's steps (an event, a command, letting time pass), for the watchdog. */
    private final Watch watch;

    /**
     * Starts the session and its worker.
     *
     * @param maxFacts   the most facts its working memory may hold: past it the rule set fails
     *                   instead of taking the JVM into an OutOfMemoryError
     * @param alertBound the engine's alert budget, which the rule set's own stays within
     * @param eventTimes the event times its decoder takes, measured against {@code wallClock}
     * @param initial    {@link RuleSetStatus#RUNNING}, or the failure it had when the server stopped:
     *                   then no worker starts and its events are refused, as before the stop
     * @param watchdog   fails the rule set when its worker stays in one step for the rule timeout
     */
    public LiveRuleSet(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener, Duration tick,
                       long maxFacts, AlertBudget alertBound, EventTimeBounds eventTimes, RuleSetStatus initial, Watchdog watchdog) {
        this.maxFacts = maxFacts;
        this.eventTimes = eventTimes;
        this.name = compiled.name();
        this.capacity = compiled.source().settings().queueCapacity();
        this.room = new Semaphore(capacity);
        this.listener = listener;
        this.tickMillis = Math.max(1, tick.toMillis());
        this.runner = new RuleSetRunner(compiled, version, wallClock, new Watched(listener), alertBound, watchdog);
        runner.countAlertsPerSecond(true);
        this.decoder = runner.decoder().withTimeBounds(eventTimes);
        this.running = compiled;
        this.worker = new Thread(this::work, "vigil-ruleset-" + name);
        worker.setDaemon(true);
        this.watch = watchdog.watch(name, worker, () -> running.rules(), rule -> stalled(rule, watchdog.timeout()));
        if (initial.state() == RuleSetStatus.State.RUNNING) {
            this.stats = runner.stats(status, 0);
            worker.start();
        } else {
            this.status = initial;
            this.stats = runner.stats(status, 0);
            watch.close();
            runner.close();
        }
    }

    public String name() {
        return name;
    }

    /** The running version's compiled form (rules, event types, source). */
    public CompiledRuleSet running() {
        return running;
    }

    /** The decoder for the running version: it refuses event times outside the rule set's {@link #eventTimes()}. */
    public EventDecoder decoder() {
        return decoder;
    }

    /** The event times the rule set takes. */
    public EventTimeBounds eventTimes() {
        return eventTimes;
    }

    public RuleSetStatus status() {
        return status;
    }

    /** The alert budget the session counts against: the rule set's own within the engine's. */
    public AlertBudget alertBudget() {
        return runner.alertBudget();
    }

    /** Counters as of the last batch the worker finished. */
    public RuleSetStats stats() {
        return stats;
    }

    /**
     * Queues decoded events, all or none.
     *
     * @throws QueueFullException      when they do not fit the queue now
     * @throws RuleSetFailedException  when the rule set has stopped
     */
    public void submit(List<Event> events) {
        requireRunning();
        if (events.isEmpty()) {
            return;
        }
        if (events.size() > capacity || !room.tryAcquire(events.size())) {
            throw new QueueFullException(name, events.size(), capacity);
        }
        queueEvents(new Command.Events(List.copyOf(events), System.nanoTime(), false));
    }

    /**
     * Queues events of a journal being replayed to rebuild the session's windows, all or none:
     * like {@link #submit}, but the alerts they raise again do not count against the per-second
     * alert budget, since they were raised at their own pace before (the per-event limit holds).
     *
     * @throws QueueFullException     when they do not fit the queue now
     * @throws RuleSetFailedException when the rule set has stopped
     */
    public void submitJournaled(List<Event> events) {
        requireRunning();
        if (events.isEmpty()) {
            return;
        }
        if (events.size() > capacity || !room.tryAcquire(events.size())) {
            throw new QueueFullException(name, events.size(), capacity);
        }
        queueEvents(new Command.Events(List.copyOf(events), System.nanoTime(), true));
    }

    /**
     * Holds room for {@code events} more events, for a caller that must know every queue it
     * submits to has room before it submits to any; false when there is none now.
     */
    public boolean reserve(int events) {
        return events <= capacity && room.tryAcquire(events);
    }

    /** Gives back room {@link #reserve reserved} and not used. */
    public void unreserve(int events) {
        room.release(events);
    }

    /**
     * Queues decoded events into room {@link #reserve reserved} for them.
     *
     * @throws RuleSetFailedException when the rule set has stopped (the room is given back)
     */
    public void submitReserved(List<Event> events) {
        if (status.state() != RuleSetStatus.State.RUNNING) {
            room.release(events.size());
            throw new RuleSetFailedException(name, status);
        }
        if (!events.isEmpty()) {
            queueEvents(new Command.Events(List.copyOf(events), System.nanoTime(), false));
        }
    }

    /** The most events the queue holds. */
    public int capacity() {
        return capacity;
    }

    /** Room in the queue now, in events: a hint, since other submitters take room too. */
    public int room() {
        return room.availablePermits();
    }

    /** Swaps to {@code next} between batches; completes with the number of facts carried into changed types. */
    public CompletableFuture<Integer> deploy(CompiledRuleSet next, int version) {
        requireRunning();
        var done = new CompletableFuture<Integer>();
        if (!enqueue(new Command.Deploy(next, version, done))) {
            next.close();
            done.completeExceptionally(new RuleSetFailedException(name, status));
        }
        return done;
    }

    /** Completes when everything submitted before this call has been processed. */
    public CompletableFuture<RuleSetStats> flush() {
        var done = new CompletableFuture<RuleSetStats>();
        if (!status.equals(RuleSetStatus.RUNNING) || !enqueue(new Command.Flush(done))) {
            done.complete(stats);
        }
        return done;
    }

    /**
     * Moves the watermark and clock where they are behind, after what is queued; see
     * {@link RuleSetRunner#catchUp}. Completes with the counters after it.
     */
    public CompletableFuture<RuleSetStats> catchUp(long watermark, long clock) {
        var done = new CompletableFuture<RuleSetStats>();
        if (!status.equals(RuleSetStatus.RUNNING) || !enqueue(new Command.CatchUp(watermark, clock, done))) {
            done.completeExceptionally(new RuleSetFailedException(name, status));
        }
        return done;
    }

    /**
     * Runs {@code take} on the worker once everything submitted before has been processed, before
     * the worker does anything else (time passing included); completes with what it returns.
     */
    public <T> CompletableFuture<T> checkpoint(Function<RuleSetStats, T> take) {
        var done = new CompletableFuture<T>();
        if (!status.equals(RuleSetStatus.RUNNING) || !enqueue(new Command.Checkpoint<>(take, done))) {
            done.completeExceptionally(new RuleSetFailedException(name, status));
        }
        return done;
    }

    private void queueEvents(Command.Events events) {
        if (!enqueue(events)) {
            room.release(events.events.size());
            throw new RuleSetFailedException(name, status);
        }
    }

    /**
     * Queues {@code command} for the worker; false when the worker has stopped and answered its
     * queue for the last time, so that nothing queued waits for an answer that never comes.
     */
    private boolean enqueue(Command command) {
        queue.add(command);
        // The worker sets closed before its last drain: a command added before it sees closed is drained there.
        return !closed || !queue.remove(command);
    }

    private void requireRunning() {
        if (status.state() != RuleSetStatus.State.RUNNING) {
            throw new RuleSetFailedException(name, status);
        }
    }

    private void work() {
        try {
            while (status.state() == RuleSetStatus.State.RUNNING && !abandoned) {
                var first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
                watch.step();
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, COMMANDS_PER_BATCH - 1);
                }
                for (var command = batch.poll(); command != null; command = batch.poll()) {
                    if (!handle(command)) {
                        break;
                    }
                }
                if (abandoned) {
                    break;
                }
                runner.idle();
                watch.idle();
                stats = runner.stats(status, capacity - room.availablePermits());
                if (stats.factCount() > maxFacts) {
                    fail("its working memory holds " + stats.factCount() + " facts, over the limit of " + maxFacts
                            + ": a rule keeps events without a time bound, or the load outgrew the limit", null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | StackOverflowError e) {
            fail(e);
        } catch (Error e) {
            // The watchdog stops a worker that does not come back with ThreadDeath: its end, not news.
            // Any other error (out of memory, say) fails the rule set, so that its state says so.
            if (status.state() == RuleSetStatus.State.RUNNING) {
                fail(e);
                throw e;
            }
        } finally {
            failPending();
        }
    }

    private long pollMillis() {
        long toTimer = runner.timeToNextTimer();
        return toTimer < 0 ? tickMillis : Math.max(1, Math.min(tickMillis, toTimer));
    }

    /** Returns false when the worker must stop. */
    private boolean handle(Command command) {
        if (command instanceof Command.Events events) {
            // A stopwatch, not a clock: how long a submission waited and took, for the listener's metrics.
            long started = System.nanoTime();
            runner.countAlertsPerSecond(!events.journaled);
            try {
                for (var event : events.events) {
                    if (abandoned) {
                        return false;
                    }
                    runner.accept(event);
                    // Progress, for the watchdog: a long batch is not a stuck one.
                    watch.step();
                }
            } finally {
                runner.countAlertsPerSecond(true);
                room.release(events.events.size());
            }
            listener.onProcessed(name, events.events.size(), started - events.acceptedNanos, System.nanoTime() - started);
            if (events.events.size() >= STATS_AFTER_EVENTS) {
                stats = runner.stats(status, capacity - room.availablePermits());
            }
        } else if (command instanceof Command.Deploy deploy) {
            try {
                int carried = runner.update(deploy.compiled, deploy.version);
                running = deploy.compiled;
                decoder = runner.decoder().withTimeBounds(eventTimes);
                // Before the caller hears of it, so that the stats it reads next show the new version.
                stats = runner.stats(status, capacity - room.availablePermits());
                deploy.done.complete(carried);
            } catch (RuntimeException e) {
                deploy.done.completeExceptionally(e);
                throw e;
            } finally {
                deploy.compiled.close();
            }
        } else if (command instanceof Command.Checkpoint<?> checkpoint) {
            runner.sync();
            stats = runner.stats(status, capacity - room.availablePermits());
            checkpoint.take(stats);
        } else if (command instanceof Command.CatchUp catchUp) {
            runner.catchUp(catchUp.watermark, catchUp.clock);
            stats = runner.stats(status, capacity - room.availablePermits());
            catchUp.done.complete(stats);
        } else if (command instanceof Command.Flush flush) {
            runner.sync();
            stats = runner.stats(status, capacity - room.availablePermits());
            flush.done.complete(stats);
        } else if (command instanceof Command.Stop) {
            synchronized (this) {
                status = RuleSetStatus.STOPPED;
            }
            return false;
        }
        return true;
    }

    /**
     * Fails the rule set for a reason found outside its worker: one of its streams failed, so its
     * rules loop or break on the events it takes. The engine's listener is told, as for a failure of
     * its own; its queued events are not processed.
     */
    public void failedElsewhere(String reason) {
        fail(reason, null);
        drainQueue();
    }

    private void fail(Throwable e) {
        if (e instanceof RuleTimeoutException timedOut) {
            // A partition's rule that did not return: the reason a single session's gives.
            fail(stallReason(timedOut.rule(), timedOut.timeout()), null);
            return;
        }
        fail(e instanceof RunawayRulesException ? e.getMessage() : e.getClass().getName() + ": " + e.getMessage(), e);
    }

    private void fail(String reason, Throwable cause) {
        if (markFailed(reason)) {
            announce(reason, cause, runner.stats(status, 0));
        }
    }

    private void announce(String reason, Throwable cause, RuleSetStats now) {
        if (cause == null) {
            LOG.error("rule set '{}' failed and was stopped: {}", name, reason);
        } else {
            LOG.error("rule set '{}' failed and was stopped: {}", name, reason, cause);
        }
        stats = now;
        listener.onRuleSetFailed(name, now.version(), reason);
    }

    /**
     * Fails a running rule set with {@code reason}; false when it had already stopped. The first
     * reason stands: stopping a stuck worker surfaces on it as an exception of whatever ran.
     */
    private synchronized boolean markFailed(String reason) {
        if (status.state() != RuleSetStatus.State.RUNNING) {
            return false;
        }
        status = RuleSetStatus.failed(reason);
        return true;
    }

    /**
     * Called by the watchdog on its thread when the worker has been inside one step (rules firing,
     * an event's conditions, time passing) for the rule timeout: the rule set fails, naming the rule
     * that runs, and its worker is stopped. Its queued events are dropped (they were accepted, and
     * stay in the journal of a server that keeps one) and no more are taken.
     */
    private void stalled(String rule, Duration timeout) {
        var reason = stallReason(rule, timeout);
        if (!markFailed(reason)) {
            return;
        }
        // The worker's runner is not this thread's to read: the last counters, under the new status.
        announce(reason, null, stats.withStatus(status));
        RunningRule.stop(worker);
        drainQueue();
    }

    private static String stallReason(String rule, Duration timeout) {
        return (rule == null ? "its rules" : "rule '" + rule + "'") + " did not return for " + timeout.toMillis()
                + " ms (an endless loop?); deploy a fixed version to bring the rule set back";
    }

    /** Marks a running rule set stopped, for a stop that does not wait for its queue; false when it was not running. */
    private synchronized boolean stopNow() {
        if (status.state() != RuleSetStatus.State.RUNNING) {
            return false;
        }
        status = RuleSetStatus.STOPPED;
        return true;
    }

    private void failPending() {
        watch.close();
        closed = true;
        // The commands of the batch the worker stopped in, after the one it stopped at, then the queue's.
        queue.drainTo(batch);
        answer(batch);
        try {
            runner.close();
        } catch (RuntimeException e) {
            LOG.warn("disposing the session of rule set '{}' failed", name, e);
        }
    }

    /** Answers what waits in the queue: deploys fail, flushes complete, events give their room back. */
    private void drainQueue() {
        answer(queue);
    }

    private void answer(Queue<Command> commands) {
        Command command;
        while ((command = commands.poll()) != null) {
            if (command instanceof Command.Deploy deploy) {
                deploy.compiled.close();
                deploy.done.completeExceptionally(new RuleSetFailedException(name, status));
            } else if (command instanceof Command.Flush flush) {
                flush.done.complete(stats);
            } else if (command instanceof Command.CatchUp catchUp) {
                catchUp.done.completeExceptionally(new RuleSetFailedException(name, status));
            } else if (command instanceof Command.Checkpoint<?> checkpoint) {
                checkpoint.done.completeExceptionally(new RuleSetFailedException(name, status));
            } else if (command instanceof Command.Events events) {
                room.release(events.events.size());
            }
        }
    }

    /** Stops the worker after what is queued (waiting up to 30 s for it) and disposes the session. */
    @Override
    public void close() {
        requestStop();
        awaitStop(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    }

    /** Asks the worker to stop once it has processed what is queued now; {@link #awaitStop} waits for it. */
    public void requestStop() {
        queue.add(new Command.Stop());
    }

    /**
     * Waits until {@code deadlineNanos} (a {@link System#nanoTime} reading: a stopwatch bounding
     * the wait, not a time the rules see) for the worker to stop; past it, the worker leaves after the event it is on and the
     * events still queued are not processed: they were accepted, and a server that keeps a journal
     * runs them at its next start. An alert the listener holds the worker up for is given up too.
     */
    public void awaitStop(long deadlineNanos) {
        try {
            // A worker the watchdog gave up on may never come back: do not wait for it.
            long wait = status.state() == RuleSetStatus.State.FAILED ? 100
                    : Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            worker.join(wait);
            if (worker.isAlive() && stopNow()) {
                int left = capacity - room.availablePermits();
                abandoned = true;
                worker.interrupt();
                worker.join(ABANDON_MILLIS);
                LOG.warn("rule set '{}' stopped with about {} accepted events not processed: a server that keeps a journal runs them"
                        + " at its next start", name, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The listener as the runner calls it: while the listener holds the worker up to take an
     * alert, the worker is waiting, not stuck in a rule, and the watchdog does not count it.
     */
    private final class Watched implements EngineListener {
        private final EngineListener listener;

        Watched(EngineListener listener) {
            this.listener = listener;
        }

        @Override
        public void onAlert(Alert alert) {
            // A partition's thread calls from its own watch; only the worker's wait is the worker's.
            if (Thread.currentThread() != worker) {
                listener.onAlert(alert);
                return;
            }
            watch.idle();
            try {
                listener.onAlert(alert);
            } finally {
                watch.step();
            }
        }

        @Override
        public void onRuleError(RuleError error) {
            listener.onRuleError(error);
        }

        @Override
        public void onLateEvent(String ruleSet, Event event, long watermark, boolean inserted) {
            listener.onLateEvent(ruleSet, event, watermark, inserted);
        }
    }

    private sealed interface Command {
        /** Events to process; {@code journaled} when a recovery replays them from the journal. */
        record Events(List<Event> events, long acceptedNanos, boolean journaled) implements Command {
        }

        record Deploy(CompiledRuleSet compiled, int version, CompletableFuture<Integer> done) implements Command {
        }

        record Flush(CompletableFuture<RuleSetStats> done) implements Command {
        }

        record CatchUp(long watermark, long clock, CompletableFuture<RuleSetStats> done) implements Command {
        }

        record Checkpoint<T>(Function<RuleSetStats, T> take, CompletableFuture<T> done) implements Command {
            void take(RuleSetStats stats) {
                try {
                    done.complete(take.apply(stats));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        }

        record Stop() implements Command {
        }
    }
}
