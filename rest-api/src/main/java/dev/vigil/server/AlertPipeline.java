package dev.vigil.server;

import dev.vigil.engine.EngineListener;
import dev.vigil.engine.alert.Alert;
import dev.vigil.engine.alert.RuleError;
import dev.vigil.server.store.AlertStore;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's listener: takes alerts off the rule sets' workers and stores them in batches on a
 * thread of its own, so a slow database never stalls rule evaluation, then hands each stored alert
 * to the subscribers; logs rule errors and failures; passes processing times to the metrics.
 */
final class AlertPipeline implements EngineListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
    private static final int BATCH = 500;
    private static final int CAPACITY = 1_000_000;

    private final AlertStore store;
    private final AlertStore.WithStored alsoDo;
    private final LinkedBlockingQueue<Raised> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final CopyOnWriteArrayList<Consumer<Alert>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Metrics metrics;

    /** {@code alsoDo} runs in the transaction that stores each batch: the webhook outbox. */
    AlertPipeline(AlertStore store, AlertStore.WithStored alsoDo) {
        this.store = store;
        this.alsoDo = alsoDo;
        this.writer = new Thread(this::write, "vigil-alert-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void onAlert(Alert alert) {
        if (!queue.offer(new Raised(alert, System.nanoTime()))) {
            lost.incrementAndGet();
            LOG.error("alert {} of rule set '{}' was not stored: {} alerts wait for the database", alert.id(), alert.ruleSet(), CAPACITY);
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
    void useMetrics(Metrics value) {
        this.metrics = value;
    }

    @Override
    public void onRuleSetFailed(String ruleSet, String reason) {
        LOG.error("rule set '{}' stopped: {}", ruleSet, reason);
    }

    /** Calls {@code subscriber} with every alert once it is stored. */
    void subscribe(Consumer<Alert> subscriber) {
        subscribers.add(subscriber);
    }

    void unsubscribe(Consumer<Alert> subscriber) {
        subscribers.remove(subscriber);
    }

    private void write() {
        var batch = new ArrayList<Raised>(BATCH);
        var alerts = new ArrayList<Alert>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                batch.forEach(raised -> alerts.add(raised.alert));
                storeWithRetry(alerts);
                var m = metrics;
                for (var raised : batch) {
                    if (m != null) {
                        m.alertStored(System.nanoTime() - raised.nanos);
                    }
                    for (var subscriber : subscribers) {
                        subscriber.accept(raised.alert);
                    }
                }
                batch.clear();
                alerts.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void storeWithRetry(ArrayList<Alert> batch) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                store.saveAll(batch, alsoDo);
                return;
            } catch (RuntimeException e) {
                LOG.warn("storing {} alerts failed, retrying in {} ms: {}", batch.size(), backoff, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** An alert and when (a stopwatch reading) the rule raised it. */
    private record Raised(Alert alert, long nanos) {
    }

    /** Stores what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
