package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * A replay's input sorted by event time, stable: events of the same time keep their input order,
 * and events without a time ({@link Disorder#UNTIMED}) come last.
 *
 * <p>The first {@link #hasNext()} reads the whole input. It holds at most {@code memory} events;
 * each time that many are read they are sorted and written to a run file in {@code folder}, and
 * the runs and the last events, still in memory, are merged k ways as they are taken (each run is
 * read through a buffer of its own, so the merge holds one event per run). Ties are broken by
 * input index, which makes the merge stable and its order total. {@link #close()} deletes the run
 * files, whether the sort ended or failed. Read and closed on one thread.
 *
 * <p>Events are held as their JSON bytes, not as parsed trees (a fifth of the memory: the fraud
 * sample's month held 430 MB of trees where its rules keep 130 MB), and parsed again as they are
 * taken, which the replay's reading thread does beside the session at no measurable cost; one
 * taken is let go. A run holds, per event: its time and input index as longs, then its JSON as a
 * length and the bytes.
 */
final class EventTimeSort implements Iterator<InputEvent>, AutoCloseable {
    private static final Comparator<InputEvent> ORDER = Comparator.comparingLong(InputEvent::time).thenComparingLong(InputEvent::index);
    private static final Comparator<Held> HELD_ORDER = Comparator.comparingLong(Held::time).thenComparingLong(Held::index);
    private static final int RUN_BUFFER = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Iterator<? extends JsonNode> input;
    private final ToLongFunction<JsonNode> time;
    private final int memory;
    private final Path folder;
    private final Disorder disorder;
    private final ProgressCounters progress;
    private final List<Path> runFiles = new ArrayList<>();
    private final List<RunReader> readers = new ArrayList<>();
    private Iterator<InputEvent> merged;

    /**
     * @param time     an event's time, {@link Disorder#UNTIMED} when it has none
     * @param disorder told each time in input order
     * @param progress told what was read, and when all was
     */
    EventTimeSort(Iterator<? extends JsonNode> input, ToLongFunction<JsonNode> time, int memory, Path folder, Disorder disorder,
                  ProgressCounters progress) {
        this.input = input;
        this.time = time;
        this.memory = memory;
        this.folder = folder;
        this.disorder = disorder;
        this.progress = progress;
    }

    @Override
    public boolean hasNext() {
        if (merged == null) {
            merged = sort();
        }
        return merged.hasNext();
    }

    @Override
    public InputEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return merged.next();
    }

    /** Run files written so far and not yet deleted. */
    List<Path> runFiles() {
        return List.copyOf(runFiles);
    }

    private Iterator<InputEvent> sort() {
        var held = new ArrayList<Held>(Math.min(memory, 1 << 16));
        long index = 0;
        while (input.hasNext()) {
            var json = input.next();
            long at = time.applyAsLong(json);
            disorder.observe(at);
            held.add(new Held(at, index++, bytes(json)));
            if (held.size() == memory) {
                spill(held);
                held.clear();
            }
            if ((index & 1023) == 0) {
                progress.addRead(1024);
            }
        }
        progress.addRead(index & 1023);
        held.sort(HELD_ORDER);
        progress.sorted(index);
        var inMemory = new Iterator<InputEvent>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < held.size();
            }

            @Override
            public InputEvent next() {
                if (next >= held.size()) {
                    throw new NoSuchElementException();
                }
                var event = held.set(next++, null);
                return new InputEvent(event.index(), event.time(), parse(event.json()));
            }
        };
        if (runFiles.isEmpty()) {
            return inMemory;
        }
        var sources = new ArrayList<Iterator<InputEvent>>();
        sources.add(inMemory);
        for (var file : runFiles) {
            var reader = new RunReader(file);
            readers.add(reader);
            sources.add(reader);
        }
        return new Merge(sources);
    }

    private void spill(List<Held> held) {
        held.sort(HELD_ORDER);
        try {
            Files.createDirectories(folder);
            var file = Files.createTempFile(folder, "vigil-replay-sort-", ".run");
            runFiles.add(file);
            try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), RUN_BUFFER))) {
                out.writeInt(held.size());
                for (var event : held) {
                    out.writeLong(event.time());
                    out.writeLong(event.index());
                    out.writeInt(event.json().length);
                    out.write(event.json());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sorting the replay's input: could not write a sorted run to " + folder + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException("sorting the replay's input: could not hold an event: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("sorting the replay's input: could not read back an event it held: " + e.getMessage(), e);
        }
    }

    /** Deletes the run files; one that cannot be deleted now (a file system gone read-only) is deleted at exit. */
    @Override
    public void close() {
        readers.forEach(RunReader::close);
        readers.clear();
        for (var file : runFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
        runFiles.clear();
    }

    /** An event held for sorting: its time, its input index and its JSON as bytes, a fifth of the memory of its tree. */
    private record Held(long time, long index, byte[] json) {
    }

    /** One sorted run read back, an event at a time. */
    private static final class RunReader implements Iterator<InputEvent> {
        private final Path file;
        private final DataInputStream in;
        private int left;

        RunReader(Path file) {
            this.file = file;
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), RUN_BUFFER));
                this.left = in.readInt();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public InputEvent next() {
            if (left == 0) {
                throw new NoSuchElementException();
            }
            try {
                long time = in.readLong();
                long index = in.readLong();
                var bytes = in.readNBytes(in.readInt());
                left--;
                return new InputEvent(index, time, JSON.readTree(bytes));
            } catch (IOException e) {
                throw failed(e);
            }
        }

        private UncheckedIOException failed(IOException e) {
            return new UncheckedIOException("sorting the replay's input: could not read the sorted run " + file + ": " + e.getMessage(), e);
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Only read from: nothing is lost, and the file is deleted next.
            }
        }
    }

    /** Sorted sources merged into one sorted sequence: the least head of all is next. */
    private static final class Merge implements Iterator<InputEvent> {
        private record Head(InputEvent event, Iterator<InputEvent> rest) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::event, ORDER));

        Merge(List<Iterator<InputEvent>> sources) {
            sources.forEach(this::advance);
        }

        private void advance(Iterator<InputEvent> source) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public InputEvent next() {
            var head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            advance(head.rest());
            return head.event();
        }
    }
}
