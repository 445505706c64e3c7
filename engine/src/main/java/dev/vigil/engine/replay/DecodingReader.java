package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InputOrder;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.event.EventDecoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.ToLongFunction;

/**
 * Reads and decodes a replay's input on a thread of its own, in batches, a bounded distance ahead
 * of the session that consumes them, so the session's thread spends its time in Drools. When the
 * replay sorts, this thread reads and sorts the whole input first ({@link EventTimeSort}), and
 * deletes what the sort spilled before it ends. Events keep the index they had in the input.
 * The consumer calls {@link #next()} until it returns null, then {@link #close()}.
 */
final class DecodingReader implements AutoCloseable {
    private static final int BATCH = 512;
    private static final int BATCHES_AHEAD = 16;
    private static final long CLOSE_WAIT_MS = 10_000;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private final Thread thread;
    private final Disorder disorder = new Disorder();
    private final boolean sorts;
    private volatile long read;
    private final long[] invalid;
    private boolean done;

    /**
     * A decoded batch, for each decoder: the valid events in the order they run, and the errors of the rest.
     *
     * @param inputs how many events of the input the batch holds, valid or not
     * @param events the events each decoder took, by decoder
     * @param errors the errors each decoder found, by decoder
     */
    record Batch(int inputs, List<List<Event>> events, List<List<EventError>> errors) {
    }

    private static final Object END = new Object();

    /**
     * Decodes each event with each of {@code decoders}: one per rule set replayed over the same
     * input. The first decoder tells events' times, for {@code order} and the disorder report.
     */
    DecodingReader(Iterator<? extends JsonNode> input, List<EventDecoder> decoders, ReplayOrder order, ProgressCounters progress) {
        this.invalid = new long[decoders.size()];
        this.sorts = order.sorted();
        ToLongFunction<JsonNode> time = json -> decoders.get(0).eventTime(json).orElse(Disorder.UNTIMED);
        this.thread = new Thread(() -> {
            if (!sorts) {
                produce(numbered(input, time), decoders);
                return;
            }
            try (var sorted = new EventTimeSort(input, time, order.sortMemory(), order.spillFolder(), disorder, progress)) {
                produce(sorted, decoders);
            }
        }, "vigil-replay-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** The input as it comes, numbered, its times told to the disorder report. */
    private Iterator<InputEvent> numbered(Iterator<? extends JsonNode> input, ToLongFunction<JsonNode> time) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public InputEvent next() {
                var json = input.next();
                long at = time.applyAsLong(json);
                disorder.observe(at);
                return new InputEvent(index++, at, json);
            }
        };
    }

    private void produce(Iterator<InputEvent> input, List<EventDecoder> decoders) {
        try {
            long count = 0;
            while (input.hasNext()) {
                var events = new ArrayList<List<Event>>(decoders.size());
                var errors = new ArrayList<List<EventError>>(decoders.size());
                for (int d = 0; d < decoders.size(); d++) {
                    events.add(new ArrayList<>(BATCH));
                    errors.add(new ArrayList<>(0));
                }
                int n = 0;
                for (; n < BATCH && input.hasNext(); n++) {
                    var event = input.next();
                    int at = (int) Math.min(Integer.MAX_VALUE, event.index());
                    for (int d = 0; d < decoders.size(); d++) {
                        try {
                            events.get(d).add(decoders.get(d).decode(event.json(), at));
                        } catch (InvalidEventsException e) {
                            invalid[d]++;
                            errors.get(d).addAll(e.errors());
                        }
                    }
                }
                count += n;
                read = count;
                queue.put(new Batch(n, events, errors));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    /**
     * The input itself failed (an unreadable file, say; or memory ran out): the consumer rethrows
     * it, instead of waiting for a batch that never comes.
     */
    private void fail(Throwable e) {
        queue.clear();
        queue.offer(e instanceof RuntimeException r ? r : new IllegalStateException("reading the replay's input failed: " + e, e));
    }

    /** The next batch, or null at the end of the input; rethrows what broke the input. */
    Batch next() {
        if (done) {
            return null;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        }
        if (item == END) {
            done = true;
            return null;
        }
        if (item instanceof RuntimeException e) {
            done = true;
            throw e;
        }
        return (Batch) item;
    }

    /** Events read from the input so far. */
    long read() {
        return read;
    }

    /** How far from event-time order the input was, once {@link #next()} has returned null. */
    InputOrder order() {
        return disorder.report(sorts);
    }

    /** Events decoder {@code d} could not decode, once {@link #next()} has returned null. */
    long invalid(int d) {
        return invalid[d];
    }

    /** Stops reading, and waits a little for the thread to delete what the sort spilled. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
