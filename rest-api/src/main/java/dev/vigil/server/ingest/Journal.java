package dev.vigil.server.ingest;

import dev.vigil.server.store.JournalStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes accepted events to the journal in batches on a thread of its own, and drops what is
 * older than the retention.
 *
 * <p>Durable (the default): a request waits until its events are committed and on disk before it
 * is answered, so an event answered 202 survives a crash; requests that arrive while a commit is
 * under way share the next one (group commit), and a full queue refuses events. Asynchronous:
 * requests hand events over and return, and a crash loses what was not written yet (the last
 * {@value #GATHER_MILLIS} ms or so, plus the database's write delay); when the database falls
 * behind by more than the queue holds, events are not journaled (counted and logged), never refused.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int BATCH = 1_000;
    private static final int CAPACITY = 500_000;
    private static final long TRIM_EVERY_MILLIS = 60_000;
    private static final long GATHER_MILLIS = 50;
    private static final long GATHER_STEP_MILLIS = 5;

    private final JournalStore store;
    private final InstantSource clock;
    private final Duration retention;
    private final boolean durable;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(CAPACITY);
    private final AtomicLong skipped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private long lastTrim;

    /** Events handed over, and who waits for them to be written. */
    private record Pending(JournalStore.Chunk chunk, CompletableFuture<Void> written) {
    }

    public Journal(JournalStore store, InstantSource clock, Duration retention, boolean durable) {
        this.store = store;
        this.durable = durable;
        this.clock = clock;
        this.retention = retention;
        this.writer = new Thread(this::write, "vigil-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Queues the events one request gave each rule set, each event one line of JSON, with their
     * event-time spans: all or none. Completes when they are written (at once when the journal is
     * asynchronous).
     *
     * @throws JournalFullException when it is durable and its queue has no room for them all
     */
    CompletableFuture<Void> append(List<JournalStore.Chunk> chunks) {
        int count = chunks.stream().mapToInt(c -> c.events().size()).sum();
        if (count == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (!room.tryAcquire(count)) {
            if (durable) {
                throw new JournalFullException(CAPACITY);
            }
            long before = skipped.getAndAdd(count);
            if (before / 10_000 != (before + count) / 10_000 || before == 0) {
                LOG.warn("the journal is {} events behind; {} accepted events were not journaled so far", CAPACITY, before + count);
            }
            return CompletableFuture.completedFuture(null);
        }
        var written = new ArrayList<CompletableFuture<Void>>();
        for (var chunk : chunks) {
            var done = durable ? new CompletableFuture<Void>() : null;
            if (done != null) {
                written.add(done);
            }
            queue.add(new Pending(chunk, done));
        }
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new));
    }

    /** A chunk of events for {@link #append}, accepted now. */
    JournalStore.Chunk chunk(String ruleSet, List<String> events, long firstTime, long lastTime) {
        return new JournalStore.Chunk(ruleSet, clock.instant(), events, firstTime, lastTime);
    }

    /** The journal's queue is full: the database is behind. */
    static final class JournalFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JournalFullException(int capacity) {
            super("the journal has " + capacity + " events waiting to be written; retry after it catches up");
        }
    }

    /** Accepted events that were not journaled because the journal fell behind. */
    long skipped() {
        return skipped.get();
    }

    private void write() {
        var batch = new ArrayList<Pending>();
        int events = 0;
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    events = first.chunk().events().size();
                    // Asynchronous, gather for a moment: one transaction per thousand events or so, not
                    // per request. Sleeping between looks, rather than waiting on the queue, leaves the
                    // lock to the requests that fill it. Durable, take what waits: those arriving during
                    // this commit share the next, and nobody waits longer than one commit for company.
                    long until = System.nanoTime() + (durable ? 0 : TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS));
                    while (true) {
                        int gathered = batch.size();
                        queue.drainTo(batch);
                        for (int i = gathered; i < batch.size(); i++) {
                            events += batch.get(i).chunk().events().size();
                        }
                        long left = until - System.nanoTime();
                        if (events >= BATCH || left <= 0) {
                            break;
                        }
                        LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(GATHER_STEP_MILLIS)));
                    }
                    store.append(batch.stream().map(Pending::chunk).toList(), durable);
                    room.release(events);
                    batch.forEach(p -> {
                        if (p.written() != null) {
                            p.written().complete(null);
                        }
                    });
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
                    if (!durable) {
                        skipped.addAndGet(events);
                    }
                    room.release(events);
                    batch.forEach(p -> {
                        if (p.written() != null) {
                            p.written().completeExceptionally(e);
                        }
                    });
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
