package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.event.EventError;
import dev.vigil.engine.event.InvalidEventsException;
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
    private volatile long invalid;
    private boolean done;

    /** A decoded batch: the valid events in input order, and the errors of the rest. */
    record Batch(List<Event> events, List<EventError> errors) {
    }

    private static final Object END = new Object();

    DecodingReader(Iterator<? extends JsonNode> input, EventDecoder decoder) {
        this.thread = new Thread(() -> produce(input, decoder), "vigil-replay-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(Iterator<? extends JsonNode> input, EventDecoder decoder) {
        try {
            long index = 0;
            while (input.hasNext()) {
                var events = new ArrayList<Event>(BATCH);
                var errors = new ArrayList<EventError>(0);
                while (events.size() + errors.size() < BATCH && input.hasNext()) {
                    var json = input.next();
                    try {
                        events.add(decoder.decode(json, (int) Math.min(Integer.MAX_VALUE, index)));
                    } catch (InvalidEventsException e) {
                        invalid++;
                        errors.addAll(e.errors());
                    }
                    index++;
                }
                read = index;
                queue.put(new Batch(events, errors));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The input itself failed (an unreadable file, say): the consumer rethrows it.
            queue.clear();
            queue.offer(e);
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

    /** Events that could not be decoded so far. */
    long invalid() {
        return invalid;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
