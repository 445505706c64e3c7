package dev.vigil.server.alert;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleError;
import dev.vigil.server.metrics.AlertQueues;
import dev.vigil.server.metrics.Metrics;
import dev.vigil.server.store.AlertStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's listener: takes alerts off the rule sets' workers and stores them in batches on a
 * thread of its own, so a slow database never stalls rule evaluation, then hands each stored alert
 * to the subscribers; logs rule errors and failures; passes processing times to the metrics.
 *
 * <p>Each rule set has a bounded queue of its own, and the writer takes from every queue in turn.
 * A rule set whose queue is full waits, on its own worker, for room (and its events then wait in
 * its event queue, where ingestion answers 429): a rule set that raises more than the database
 * takes slows itself down, never another, and no alert is dropped to make room. Stopping is
 * bounded: what is not stored by then is raised again from the journal at the next start, as
 * after a crash.
 */
public final class AlertPipeline implements EngineListener, AlertQueues, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
    private static final int BATCH = 500;
    /** Alerts of one rule set waiting for the database, at most: about 10 MB at a kilobyte each. */
    static final int PER_RULE_SET = 10_000;
    private static final long OFFER_MILLIS = 100;

    private final AlertStore store;
    private final AlertStore.WithStored alsoDo;
    private final Map<String, RuleSetAlerts> queues = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<Alert>> subscribers = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong givenUp = new AtomicLong();
    private final Thread writer;
    private volatile long stopBy;
    private volatile boolean accepting = true;
    private volatile Metrics metrics;
    private volatile Failures failures = (ruleSet, version, reason) -> { };
    private int turn;

    /** What to do with a rule set that failed: keep the failure with its version. */
    @FunctionalInterface
    public interface Failures {
        void failed(String ruleSet, int version, String reason);
    }

    /** {@code alsoDo} runs in the transaction that stores each batch: the webhook outbox. */
    public AlertPipeline(AlertStore store, AlertStore.WithStored alsoDo) {
        this.store = store;
        this.alsoDo = alsoDo;
        this.writer = new Thread(this::write, "vigil-alert-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Queues {@code alert} in its rule set's queue, waiting for room when it is full: the rule set's
     * worker is held up, not the others. Given up only when the server stops.
     */
    @Override
    public void onAlert(Alert alert) {
        var queue = queues.get(alert.ruleSet());
        if (queue == null) {
            queue = queues.computeIfAbsent(alert.ruleSet(), name -> new RuleSetAlerts());
        }
        var raised = new Raised(alert, System.nanoTime());
        if (!queue.alerts.offer(raised) && !waitForRoom(queue, raised)) {
            // The server stops: the event that raised it is in the journal, and raises it again at the next start.
            givenUp.incrementAndGet();
            return;
        }
        queue.taken.incrementAndGet();
        LockSupport.unpark(writer);
    }

    private boolean waitForRoom(RuleSetAlerts queue, Raised raised) {
        long started = System.nanoTime();
        try {
            while (accepting) {
                if (queue.alerts.offer(raised, OFFER_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            // The rule set's worker is told to stop now: the alert is raised again from the journal.
            Thread.currentThread().interrupt();
            return false;
        } finally {
            queue.waitedNanos.addAndGet(System.nanoTime() - started);
        }
    }

    @Override
    public void onRuleError(RuleError error) {
        LOG.warn("rule '{}' of rule set '{}' threw at {}: {}", error.rule(), error.ruleSet(), error.eventTime(), error.message());
    }

    @Override
    public void onProcessed(String ruleSet, int events, long waitedNanos, long processingNanos) {
        var m = metrics;
        if (m != null) {
            m.processed(ruleSet, events, waitedNanos, processingNanos);
        }
    }

    /** Where processing times go, once the metrics exist. */
    public void useMetrics(Metrics value) {
        this.metrics = value;
    }

    /** Where failures go to be kept. */
    public void onFailures(Failures value) {
        this.failures = value;
    }

    @Override
    public void onRuleSetFailed(String ruleSet, int version, String reason) {
        LOG.error("rule set '{}' version {} stopped: {}", ruleSet, version, reason);
        var m = metrics;
        if (m != null) {
            m.ruleSetFailed(ruleSet);
        }
        try {
            failures.failed(ruleSet, version, reason);
        } catch (RuntimeException e) {
            LOG.error("the failure of rule set '{}' could not be kept; after a restart it runs again: {}", ruleSet, e.getMessage());
        }
    }

    /** Calls {@code subscriber} with every alert once it is stored, on the writer's thread: it must not block. */
    public void subscribe(Consumer<Alert> subscriber) {
        subscribers.add(subscriber);
    }

    public void unsubscribe(Consumer<Alert> subscriber) {
        subscribers.remove(subscriber);
    }

    /**
     * Returns once every alert of {@code ruleSet} taken before this call is stored, or the pipeline
     * stops (then those not stored are raised again at the next start, as after a crash).
     *
     * @throws InterruptedException when the wait is interrupted
     */
    public void awaitStored(String ruleSet) throws InterruptedException {
        var queue = queues.get(ruleSet);
        if (queue == null) {
            return;
        }
        long target = queue.taken.get();
        synchronized (queue) {
            while (queue.stored < target && writer.isAlive()) {
                queue.wait(OFFER_MILLIS);
            }
        }
    }

    /** Alerts of {@code ruleSet} raised and waiting to be stored. */
    @Override
    public int queued(String ruleSet) {
        var queue = queues.get(ruleSet);
        return queue == null ? 0 : queue.alerts.size();
    }

    /** How long, in all, the worker of {@code ruleSet} waited for room in its queue. */
    @Override
    public long waitedNanos(String ruleSet) {
        var queue = queues.get(ruleSet);
        return queue == null ? 0 : queue.waitedNanos.get();
    }

    private void write() {
        var batch = new ArrayList<Raised>(BATCH);
        var alerts = new ArrayList<Alert>(BATCH);
        while (stopping.getCount() > 0 || System.nanoTime() - stopBy < 0) {
            take(batch);
            if (batch.isEmpty()) {
                if (stopping.getCount() == 0) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(OFFER_MILLIS));
                continue;
            }
            batch.forEach(raised -> alerts.add(raised.alert));
            if (!storeWithRetry(alerts)) {
                return;
            }
            var m = metrics;
            for (var raised : batch) {
                if (m != null) {
                    m.alertStored(System.nanoTime() - raised.nanos);
                }
                stored(raised.alert.ruleSet());
                for (var subscriber : subscribers) {
                    subscriber.accept(raised.alert);
                }
            }
            batch.clear();
            alerts.clear();
        }
    }

    private void stored(String ruleSet) {
        var queue = queues.get(ruleSet);
        synchronized (queue) {
            queue.stored++;
            queue.notifyAll();
        }
    }

    /** Up to a batch, a fair share from each rule set's queue in turn, so a full queue does not keep the others waiting. */
    private void take(List<Raised> batch) {
        var all = List.copyOf(queues.values());
        if (all.isEmpty()) {
            return;
        }
        int share = Math.max(1, BATCH / all.size());
        int first = Math.floorMod(turn++, all.size());
        for (int pass = 0; pass < 2 && batch.size() < BATCH; pass++) {
            for (int i = 0; i < all.size() && batch.size() < BATCH; i++) {
                int room = BATCH - batch.size();
                all.get((first + i) % all.size()).alerts.drainTo(batch, pass == 0 ? Math.min(share, room) : room);
            }
        }
    }

    /** Stores the batch, retrying with backoff while the database fails; false when the stop came first. */
    private boolean storeWithRetry(List<Alert> batch) {
        long backoff = 100;
        while (true) {
            try {
                store.saveAll(batch, alsoDo);
                return true;
            } catch (RuntimeException e) {
                LOG.warn("storing {} alerts failed, retrying in {} ms: {}", batch.size(), backoff, e.getMessage());
                try {
                    if (stopping.await(backoff, TimeUnit.MILLISECONDS) && System.nanoTime() - stopBy >= 0) {
                        return false;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** An alert and when (a stopwatch reading) the rule raised it. */
    private record Raised(Alert alert, long nanos) {
    }

    /** One rule set's alerts waiting for the database, and how long its worker waited for room. */
    private static final class RuleSetAlerts {
        final ArrayBlockingQueue<Raised> alerts = new ArrayBlockingQueue<>(PER_RULE_SET);
        final AtomicLong waitedNanos = new AtomicLong();
        /** Alerts queued, and of them stored (under this object's lock): for {@link #awaitStored}. */
        final AtomicLong taken = new AtomicLong();
        long stored;
    }

    /** Stores what is queued, waiting up to 30 s, then stops. */
    @Override
    public void close() {
        close(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    }

    /**
     * Takes no more alerts, stores what is queued until {@code deadlineNanos} (a {@link System#nanoTime}
     * reading), then stops. What is left was raised by events that are in the journal: the recovery
     * at the next start raises it again, as after a crash.
     */
    public void close(long deadlineNanos) {
        stopBy = deadlineNanos;
        accepting = false;
        stopping.countDown();
        LockSupport.unpark(writer);
        try {
            writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = givenUp.get() + queues.values().stream().mapToLong(q -> q.alerts.size()).sum();
        if (left > 0) {
            LOG.warn("{} alerts were not stored before the stop; the journal's recovery raises them again at the next start", left);
        }
    }
}
