package dev.vigil.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dsl.Durations;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EventReaders;
import dev.vigil.engine.PreparedReplay;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EventInput;
import dev.vigil.engine.api.EventInputException;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.ReplayStats;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.server.json.Views;
import dev.vigil.server.rules.RuleSetFolder;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code vigil replay}: a rule set folder over an events file, offline, as fast as the machine
 * goes; alerts as NDJSON, a summary at the end, a progress bar on a terminal.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run a rule set over a file of events, offline, on event time. Alerts go to --out (default: "
                + "standard output) as NDJSON; the summary goes to standard error.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "DIR", description = "the rule set folder")
    Path rules;

    @Option(names = "--events", required = true, paramLabel = "FILE",
            description = "events as NDJSON (.ndjson, .jsonl, .json) or CSV (.csv, with --type and --time)")
    Path events;

    @Option(names = "--type", paramLabel = "T", description = "CSV: the event type of every row")
    String type;

    @Option(names = "--time", paramLabel = "COL", description = "CSV: the column holding the event time")
    String time;

    @Option(names = "--out", paramLabel = "FILE", description = "where the alerts go, as NDJSON (default: standard output)")
    Path out;

    @Option(names = "--compare", paramLabel = "DIR",
            description = "a second rule set folder (the current version) to compare with: the summary lists the alerts "
                    + "--rules adds and removes, and each alert written carries \"diff\"")
    Path compare;

    @Option(names = "--lateness", paramLabel = "DURATION",
            description = "how late an event may come and still be put in time order (e.g. 5s), instead of the lateness of the "
                    + "rule set's settings.yaml")
    String lateness;

    @Option(names = "--partitions", paramLabel = "N",
            description = "how many sessions the rule set runs as, 1 to " + Partitioning.MAX_PARTITIONS + ", each on a thread of its "
                    + "own, instead of the partitions of the rule set's settings.yaml; the key is its partitionBy, else the per: of "
                    + "its rule-language rules")
    Integer partitions;

    @Option(names = "--until", paramLabel = "INSTANT", description = "move the clock to this ISO-8601 instant after the last event")
    String until;

    @Option(names = RuleTimeoutOption.NAME, defaultValue = "${env:VIGIL_RULE_TIMEOUT:-10s}",
            description = "how long a rule may run without returning (an endless loop) before the replay is stopped, 1s to 1h "
                    + "(env VIGIL_RULE_TIMEOUT; default ${DEFAULT-VALUE})")
    String ruleTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper();
    private final Views views = new Views(json);

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        boolean csv = events.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        if (csv && (type == null || time == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a CSV file needs --type and --time");
        }
        if (!Files.isRegularFile(events)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events: " + events + " is not a file");
        }
        if (partitions != null && (partitions < 1 || partitions > Partitioning.MAX_PARTITIONS)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--partitions: must be between 1 and " + Partitioning.MAX_PARTITIONS + ", was " + partitions);
        }
        Instant end;
        try {
            end = until == null ? null : Instant.parse(until);
            if (end != null) {
                EventTimeBounds.representable(end);
            }
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until: not an ISO-8601 instant: " + until);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until: " + e.getMessage());
        }
        var timeout = RuleTimeoutOption.parse(spec.commandLine(), ruleTimeout);
        try (var engine = Engine.create(EngineConfig.defaults().withRuleTimeout(timeout))) {
            return replay(engine, err, csv, end);
        }
    }

    private int replay(Engine engine, PrintWriter err, boolean csv, Instant end) throws IOException {
        PreparedReplay compiled;
        PreparedReplay baseline = null;
        try {
            var source = withPartitions(withLateness(forReplay(RuleSetFolder.load(rules))));
            compiled = compile(engine, source, rules, err);
            if (compare != null) {
                baseline = compile(engine, forReplay(RuleSetFolder.load(compare)).withName(source.name()), compare, err);
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        if (compiled == null || (compare != null && baseline == null)) {
            return 1;
        }
        long size = Files.size(events);
        var read = new AtomicLong();
        var eventsRead = new AtomicLong();
        // A progress bar when a person is watching and the alerts do not go to the same terminal.
        var progress = System.console() != null && out != null ? new Progress(err, size, read, eventsRead) : null;
        try (var writer = alertWriter();
             var lines = alertLines(writer);
             var input = open(compiled, csv, new Counting(Files.newInputStream(events), read))) {
            var counted = new Iterator<JsonNode>() {
                @Override
                public boolean hasNext() {
                    return input.hasNext();
                }

                @Override
                public JsonNode next() {
                    eventsRead.incrementAndGet();
                    return input.next();
                }
            };
            if (progress != null) {
                progress.start();
            }
            if (baseline == null) {
                ReplayResult result;
                // Alerts are written on a thread of their own: turning them into JSON would slow the session.
                try (var background = new AlertWriter(alert -> write(lines, alert, null))) {
                    result = compiled.run(counted, end, background::accept);
                }
                finish(progress);
                summary(err, result.stats(), result);
            } else {
                var comparison = compiled.compareWith(baseline, counted, end);
                finish(progress);
                var added = new HashSet<String>();
                comparison.diff().added().forEach(a -> added.add(a.id()));
                comparison.candidate().alerts().forEach(a -> write(lines, a, added.contains(a.id()) ? "added" : "unchanged"));
                comparison.diff().removed().forEach(a -> write(lines, a, "removed"));
                summary(err, comparison.candidate().stats(), comparison.candidate());
                err.printf(Locale.ROOT, "compared with %s: %,d added, %,d removed, %,d unchanged%n", compare,
                        comparison.diff().added().size(), comparison.diff().removed().size(), comparison.diff().unchanged());
                perRule(err, "added", comparison.diff().added());
                perRule(err, "removed", comparison.diff().removed());
            }
            return 0;
        } catch (EventInputException e) {
            finish(progress);
            err.println("error: " + events + ": " + e.getMessage());
            return 1;
        } catch (RunawayRulesException | RuleTimeoutException e) {
            finish(progress);
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }

    private EventInput open(PreparedReplay compiled, boolean csv, InputStream in) {
        if (!csv) {
            return EventReaders.ndjson(in, json);
        }
        var eventType = compiled.eventTypes().stream().filter(t -> t.name().equals(type)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "--type: '" + type
                        + "' is not an event type of " + rules + "; it declares " + compiled.eventTypes().stream().map(t -> t.name()).toList()));
        return EventReaders.csv(in, eventType, time, json);
    }

    /** The rule set compiled, or null after printing its diagnostics. */
    private static PreparedReplay compile(Engine engine, RuleSetSource source, Path folder, PrintWriter err) {
        try {
            return engine.prepareReplay(source);
        } catch (RuleSetCompilationException e) {
            e.diagnostics().forEach(d -> err.println(ValidateCommand.format(folder, d)));
            err.println("error: the rules of " + folder + " do not compile");
            return null;
        }
    }

    /** {@code source} with the lateness of {@code --lateness}, when it was given. */
    private RuleSetSource withLateness(RuleSetSource source) {
        if (lateness == null) {
            return source;
        }
        try {
            return source.withSettings(source.settings().withAllowedLateness(Durations.parse(lateness)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lateness: " + e.getMessage());
        }
    }

    /** {@code source} run as the sessions of {@code --partitions}, when it was given. */
    private RuleSetSource withPartitions(RuleSetSource source) {
        if (partitions == null) {
            return source;
        }
        var settings = source.settings();
        return source.withSettings(settings.withPartitioning(settings.partitioning().withPartitions(partitions)));
    }

    private static RuleSetSource forReplay(RuleSetSource source) {
        return source.withSettings(source.settings().withClockMode(ClockMode.EVENT_TIME));
    }

    private PrintWriter alertWriter() throws IOException {
        var stream = out == null ? System.out : Files.newOutputStream(out);
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16)) {
            @Override
            public void close() {
                if (out == null) {
                    flush();
                } else {
                    super.close();
                }
            }
        };
    }

    /** Alerts as JSON to {@code writer}, one a line. */
    private JsonGenerator alertLines(PrintWriter writer) throws IOException {
        var lines = json.getFactory().createGenerator(writer);
        lines.setRootValueSeparator(null);
        return lines;
    }

    /** {@code alert} as a line of JSON, the API's shape ({@link Views#alert}) with {@code diff} after it when not null. */
    private void write(JsonGenerator lines, Alert alert, String diff) {
        try {
            lines.writeStartObject();
            views.writeAlertFields(lines, alert);
            if (diff != null) {
                lines.writeStringField("diff", diff);
            }
            lines.writeEndObject();
            lines.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void summary(PrintWriter err, ReplayStats stats, ReplayResult result) {
        // The labels' column is as wide as the longest rule name, indented by two.
        int width = Math.max(28, stats.alertsPerRule().keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
        var label = "%-" + width + "s ";
        err.printf(Locale.ROOT, "%n" + label + "%,d%n", "events", stats.events());
        err.printf(Locale.ROOT, label + "%,d%n", "invalid (skipped)", stats.invalidEvents());
        err.printf(Locale.ROOT, label + "%,d%n", "late", stats.lateEvents());
        err.printf(Locale.ROOT, label + "%s .. %s%n", "event time", stats.firstEventTime(), stats.lastEventTime());
        err.printf(Locale.ROOT, label + "%,.0f events/s (%.1f s)%n", "speed", stats.eventsPerSecond(), stats.elapsed().toMillis() / 1000.0);
        long total = stats.alertsPerRule().values().stream().mapToLong(Long::longValue).sum();
        err.printf(Locale.ROOT, label + "%,d%n", "alerts", total);
        new TreeMap<>(stats.alertsPerRule()).forEach((rule, n) -> err.printf(Locale.ROOT, "  %-" + (width - 2) + "s %,d%n", rule, n));
        result.errors().stream().limit(10).forEach(e -> err.printf(Locale.ROOT, "invalid event %d%s: %s%n", e.index(),
                e.field() == null ? "" : " (" + e.field() + ")", e.message()));
        result.ruleErrors().stream().limit(10).forEach(e -> err.printf(Locale.ROOT, "rule %s threw: %s%n", e.rule(), e.message()));
    }

    private static void perRule(PrintWriter err, String what, List<Alert> alerts) {
        var counts = new TreeMap<String, Long>();
        alerts.forEach(a -> counts.merge(a.rule(), 1L, Long::sum));
        counts.forEach((rule, n) -> err.printf(Locale.ROOT, "  %s %-20s %,d%n", what, rule, n));
    }

    private static void finish(Progress progress) {
        if (progress != null) {
            progress.stop();
        }
    }

    /**
     * Hands alerts to {@code write} on a thread of its own, a bounded distance behind; close waits
     * for the last. They go over in batches: handing over each alert on its own woke the writer for
     * every one, a call into the kernel on the replay's thread per alert.
     */
    private static final class AlertWriter implements AutoCloseable {
        private static final int BATCH = 512;
        private final BlockingQueue<List<Alert>> queue = new ArrayBlockingQueue<>(16);
        private final Thread thread;
        private List<Alert> batch = new ArrayList<>(BATCH);

        AlertWriter(Consumer<Alert> write) {
            this.thread = new Thread(() -> {
                try {
                    // An empty batch is the end.
                    for (var alerts = queue.take(); !alerts.isEmpty(); alerts = queue.take()) {
                        alerts.forEach(write);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vigil-alert-writer");
            thread.start();
        }

        void accept(Alert alert) {
            batch.add(alert);
            if (batch.size() == BATCH) {
                handOver(batch);
                batch = new ArrayList<>(BATCH);
            }
        }

        private void handOver(List<Alert> alerts) {
            try {
                queue.put(alerts);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing alerts", e);
            }
        }

        @Override
        public void close() {
            try {
                if (!batch.isEmpty()) {
                    queue.put(batch);
                }
                queue.put(List.of());
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong read;

        Counting(InputStream in, AtomicLong read) {
            super(in);
            this.read = read;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                read.addAndGet(n);
            }
            return n;
        }
    }

    /** A progress bar on standard error, redrawn a few times a second while the replay runs. */
    private static final class Progress {
        private final PrintWriter err;
        private final long size;
        private final AtomicLong read;
        private final AtomicLong events;
        private final long started = System.nanoTime();
        private final Thread thread;
        private volatile boolean running = true;

        Progress(PrintWriter err, long size, AtomicLong read, AtomicLong events) {
            this.err = err;
            this.size = Math.max(1, size);
            this.read = read;
            this.events = events;
            this.thread = new Thread(this::draw, "vigil-progress");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running = false;
            thread.interrupt();
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
        }

        private void draw() {
            while (running) {
                double done = Math.min(1, read.get() / (double) size);
                int width = 30;
                int filled = (int) (done * width);
                double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
                err.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  %,d events  %,.0f events/s ", "=".repeat(filled), " ".repeat(width - filled),
                        done * 100, events.get(), events.get() / seconds);
                err.flush();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
