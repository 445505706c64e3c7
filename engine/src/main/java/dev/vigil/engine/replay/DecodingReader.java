package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.event.EventDecoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and decodes a replay's input on a thread of its own, in batches, a bounded distance ahead
 * of the session that consumes them, so the session's thread spends its time in Drools.
 * The consumer calls {@link #next()} until it returns null, then {@link #close()}.
 */
final class DecodingReader implements AutoCloseable {
    private static final int BATCH = 512;
    private static final int BATCHES_AHEAD = 16;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private final Thread thread;
    private volatile long read;
    private final long[] invalid;
    private boolean done;

    /**
     * A decoded batch, for each decoder: the valid events in input order, and the errors of the rest.
     *
     * @param events the events each decoder took, by decoder
     * @param errors the errors each decoder found, by decoder
     */
    record Batch(List<List<Event>> events, List<List<EventError>> errors) {
    }

    private static final Object END = new Object();

    /** Decodes each event with each of {@code decoders}: one per rule set replayed over the same input. */
    DecodingReader(Iterator<? extends JsonNode> input, List<EventDecoder> decoders) {
        this.invalid = new long[decoders.size()];
        this.thread = new Thread(() -> produce(input, decoders), "vigil-replay-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(Iterator<? extends JsonNode> input, List<EventDecoder> decoders) {
        try {
            long index = 0;
            while (input.hasNext()) {
                var events = new ArrayList<List<Event>>(decoders.size());
                var errors = new ArrayList<List<EventError>>(decoders.size());
                for (int d = 0; d < decoders.size(); d++) {
                    events.add(new ArrayList<>(BATCH));
                    errors.add(new ArrayList<>(0));
                }
                for (int n = 0; n < BATCH && input.hasNext(); n++) {
                    var json = input.next();
                    int at = (int) Math.min(Integer.MAX_VALUE, index);
                    for (int d = 0; d < decoders.size(); d++) {
                        try {
                            events.get(d).add(decoders.get(d).decode(json, at));
                        } catch (InvalidEventsException e) {
                            invalid[d]++;
                            errors.get(d).addAll(e.errors());
                        }
                    }
                    index++;
                }
                read = index;
                queue.put(new Batch(events, errors));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // The input itself failed (an unreadable file, say; or memory ran out): the consumer
            // rethrows it, instead of waiting for a batch that never comes.
            queue.clear();
            queue.offer(e instanceof RuntimeException r ? r : new IllegalStateException("reading the replay's input failed: " + e, e));
        }
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

    /** Events decoder {@code d} could not decode, once {@link #next()} has returned null. */
    long invalid(int d) {
        return invalid[d];
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
