package dev.vigil.server;

import dev.vigil.server.store.JournalStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes accepted events to the journal in batches on a thread of its own, and drops what is
 * older than the retention. Requests hand events over and return; when the database falls behind
 * by more than the queue holds, events are not journaled (counted and logged), never refused.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int BATCH = 1_000;
    private static final int CAPACITY = 500_000;
    private static final long TRIM_EVERY_MILLIS = 60_000;
    private static final long GATHER_MILLIS = 50;
    private static final long GATHER_STEP_MILLIS = 5;

    private final JournalStore store;
    private final InstantSource clock;
    private final Duration retention;
    private final LinkedBlockingQueue<JournalStore.Chunk> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(CAPACITY);
    private final AtomicLong skipped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private long lastTrim;

    Journal(JournalStore store, InstantSource clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.writer = new Thread(this::write, "vigil-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues the events one request gave {@code ruleSet}, each one line of JSON, with their event-time span. */
    void append(String ruleSet, List<String> events, long firstTime, long lastTime) {
        if (events.isEmpty()) {
            return;
        }
        if (!room.tryAcquire(events.size())) {
            long before = skipped.getAndAdd(events.size());
            if (before / 10_000 != (before + events.size()) / 10_000 || before == 0) {
                LOG.warn("the journal is {} events behind; {} accepted events were not journaled so far", CAPACITY, before + events.size());
            }
            return;
        }
        queue.add(new JournalStore.Chunk(ruleSet, clock.instant(), events, firstTime, lastTime));
    }

    /** Accepted events that were not journaled because the journal fell behind. */
    long skipped() {
        return skipped.get();
    }

    private void write() {
        var batch = new ArrayList<JournalStore.Chunk>();
        int events = 0;
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    events = first.events().size();
                    // Gather for a moment: one transaction per thousand events or so, not per request.
                    // Sleeping between looks, rather than waiting on the queue, leaves the lock to the
                    // requests that fill it.
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
                    while (true) {
                        int gathered = batch.size();
                        queue.drainTo(batch);
                        for (int i = gathered; i < batch.size(); i++) {
                            events += batch.get(i).events().size();
                        }
                        long left = until - System.nanoTime();
                        if (events >= BATCH || left <= 0) {
                            break;
                        }
                        LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(GATHER_STEP_MILLIS)));
                    }
                    store.append(batch);
                    room.release(events);
                    batch.clear();
                    events = 0;
                }
                trim();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (events > 0) {
                    LOG.error("journaling {} events failed: {}", events, e.getMessage());
                    skipped.addAndGet(events);
                    room.release(events);
                    batch.clear();
                    events = 0;
                } else {
                    LOG.error("trimming the journal failed: {}", e.getMessage());
                }
            }
        }
    }

    private void trim() {
        long now = clock.millis();
        if (now - lastTrim >= TRIM_EVERY_MILLIS) {
            lastTrim = now;
            int removed = store.deleteBefore(clock.instant().minus(retention));
            if (removed > 0) {
                LOG.info("journal: removed {} batches of events older than {}", removed, retention);
            }
        }
    }

    /** Writes what is queued, then stops. */
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
