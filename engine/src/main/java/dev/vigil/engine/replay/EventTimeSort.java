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
 * <p>So that the files open at once stay few however long the input, runs are merged in tiers:
 * when {@link #FAN_IN} runs of one tier are written, they are merged into one run of the next, as
 * bytes, without parsing. An event is then read and written once per tier, and a tier holds at
 * most {@code FAN_IN - 1} runs: a billion events sorted a thousand at a time make four tiers.
 *
 * <p>Events are held as their JSON bytes, not as parsed trees (a fifth of the memory: the fraud
 * sample's month held 430 MB of trees where its rules keep 130 MB), and parsed again as they are
 * taken, which the replay's reading thread does beside the session at no measurable cost; one
 * taken is let go. A run holds its number of events (a long), then per event: its time and input index as
 * longs, then its JSON as a length and the bytes.
 */
final class EventTimeSort implements Iterator<InputEvent>, AutoCloseable {
    /** The most runs of one tier before they are merged into one of the next. */
    static final int FAN_IN = 64;
    private static final Comparator<Held> ORDER = Comparator.comparingLong(Held::time).thenComparingLong(Held::index);
    private static final int RUN_BUFFER = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Iterator<? extends JsonNode> input;
    private final ToLongFunction<JsonNode> time;
    private final int memory;
    private final int fanIn;
    private final Path folder;
    private final Disorder disorder;
    private final ProgressCounters progress;
    /** Run files by tier: tier 0 as spilled, tier k + 1 each a merge of fanIn of tier k. */
    private final List<List<Path>> tiers = new ArrayList<>();
    private final List<RunReader> readers = new ArrayList<>();
    /** The run file being written, until it is complete. */
    private Path pending;
    private Iterator<InputEvent> merged;

    /**
     * @param time     an event's time, {@link Disorder#UNTIMED} when it has none
     * @param disorder told each time in input order
     * @param progress told what was read, and when all was
     */
    EventTimeSort(Iterator<? extends JsonNode> input, ToLongFunction<JsonNode> time, int memory, Path folder, Disorder disorder,
                  ProgressCounters progress) {
        this(input, time, memory, FAN_IN, folder, disorder, progress);
    }

    /** With {@code fanIn} runs of a tier merged at a time, at least 2. */
    EventTimeSort(Iterator<? extends JsonNode> input, ToLongFunction<JsonNode> time, int memory, int fanIn, Path folder,
                  Disorder disorder, ProgressCounters progress) {
        if (fanIn < 2) {
            throw new IllegalArgumentException("a sort merges at least 2 runs at a time, not " + fanIn);
        }
        this.fanIn = fanIn;
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
        return tiers.stream().flatMap(List::stream).toList();
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
                held.sort(ORDER);
                addRun(0, write(held.size(), held.iterator()));
                held.clear();
            }
            if ((index & 1023) == 0) {
                progress.addRead(1024);
            }
        }
        progress.addRead(index & 1023);
        held.sort(ORDER);
        progress.sorted(index);
        var sources = new ArrayList<Iterator<Held>>();
        sources.add(new Releasing(held));
        for (var file : runFiles()) {
            sources.add(open(file));
        }
        var all = sources.size() == 1 ? sources.get(0) : new Merge(sources);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public InputEvent next() {
                var event = all.next();
                return new InputEvent(event.index(), event.time(), parse(event.json()));
            }
        };
    }

    /** Adds a run to {@code tier}; a full tier is merged into one run of the next. */
    private void addRun(int tier, Path run) {
        while (tiers.size() <= tier) {
            tiers.add(new ArrayList<>());
        }
        var runs = tiers.get(tier);
        runs.add(run);
        if (runs.size() < fanIn) {
            return;
        }
        var opened = new ArrayList<RunReader>();
        long count = 0;
        for (var file : runs) {
            var reader = open(file);
            count += reader.left;
            opened.add(reader);
        }
        var next = write(count, new Merge(new ArrayList<>(opened)));
        opened.forEach(RunReader::close);
        readers.removeAll(opened);
        runs.forEach(EventTimeSort::delete);
        runs.clear();
        addRun(tier + 1, next);
    }

    private RunReader open(Path file) {
        var reader = new RunReader(file);
        readers.add(reader);
        return reader;
    }

    /** Writes {@code count} sorted events to a new run file. */
    private Path write(long count, Iterator<Held> events) {
        try {
            Files.createDirectories(folder);
            var file = Files.createTempFile(folder, "vigil-replay-sort-", ".run");
            // Known before it is written, so that close() deletes it whatever happens next.
            pending = file;
            try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), RUN_BUFFER))) {
                out.writeLong(count);
                while (events.hasNext()) {
                    var event = events.next();
                    out.writeLong(event.time());
                    out.writeLong(event.index());
                    out.writeInt(event.json().length);
                    out.write(event.json());
                }
            }
            pending = null;
            return file;
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
        runFiles().forEach(EventTimeSort::delete);
        tiers.clear();
        if (pending != null) {
            delete(pending);
            pending = null;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    /** An event held for sorting: its time, its input index and its JSON as bytes. */
    private record Held(long time, long index, byte[] json) {
    }

    /** The events held in memory, in order, each let go as it is taken. */
    private static final class Releasing implements Iterator<Held> {
        private final List<Held> held;
        private int next;

        Releasing(List<Held> held) {
            this.held = held;
        }

        @Override
        public boolean hasNext() {
            return next < held.size();
        }

        @Override
        public Held next() {
            if (next >= held.size()) {
                throw new NoSuchElementException();
            }
            return held.set(next++, null);
        }
    }

    /** One sorted run read back, an event at a time. */
    private static final class RunReader implements Iterator<Held> {
        private final Path file;
        private final DataInputStream in;
        private long left;

        RunReader(Path file) {
            this.file = file;
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), RUN_BUFFER));
                this.left = in.readLong();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public Held next() {
            if (left == 0) {
                throw new NoSuchElementException();
            }
            try {
                long time = in.readLong();
                long index = in.readLong();
                var bytes = in.readNBytes(in.readInt());
                left--;
                return new Held(time, index, bytes);
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
    private static final class Merge implements Iterator<Held> {
        private record Head(Held event, Iterator<Held> rest) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::event, ORDER));

        Merge(List<Iterator<Held>> sources) {
            sources.forEach(this::advance);
        }

        private void advance(Iterator<Held> source) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public Held next() {
            var head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            advance(head.rest());
            return head.event();
        }
    }
}
