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
import dev.vigil.engine.api.ReplayOrder;
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
import java.time.Duration;
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
 * goes, sorted by event time first unless told to take the file as given; alerts as NDJSON, a
 * summary at the end, a progress bar on a terminal and progress lines every few seconds otherwise.
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
                    + "rule set's settings.yaml; it matters with --order as-given (sorted, no event is late)")
    String lateness;

    @Option(names = "--order", paramLabel = "ORDER", defaultValue = "event-time",
            description = "event-time: sort the events by their time first, so the file's order does not matter (default); "
                    + "as-given: in the file's order, through the watermark and the allowed lateness, as a live stream")
    String order;

    @Option(names = "--sort-memory", paramLabel = "EVENTS", defaultValue = "${env:VIGIL_REPLAY_SORT_MEMORY:-"
            + ReplayOrder.DEFAULT_SORT_MEMORY + "}",
            description = "the most events held in memory while sorting; past it, sorted runs go to files in the temporary "
                    + "folder (java.io.tmpdir), deleted at the end, " + ReplayOrder.MIN_SORT_MEMORY + " to " + ReplayOrder.MAX_SORT_MEMORY
                    + " (env VIGIL_REPLAY_SORT_MEMORY; default ${DEFAULT-VALUE})")
    long sortMemory;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "${env:VIGIL_PROGRESS_INTERVAL:-5s}",
            description = "how often a progress line goes to standard error when it is not a terminal, 100ms to 1h "
                    + "(env VIGIL_PROGRESS_INTERVAL; default ${DEFAULT-VALUE})")
    String progressInterval;

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
        var replayOrder = replayOrder();
        var every = progressInterval();
        try (var engine = Engine.create(EngineConfig.defaults().withRuleTimeout(timeout))) {
            return replay(engine, err, csv, end, replayOrder, every);
        }
    }

    /** The order of {@code --order} and {@code --sort-memory}; a usage error naming the option otherwise. */
    private ReplayOrder replayOrder() {
        boolean sorted = switch (order) {
            case "event-time" -> true;
            case "as-given" -> false;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--order: must be event-time or as-given, was '" + order + "'");
        };
        try {
            int memory = (int) OptionRange.SORT_MEMORY.check(sortMemory);
            return ReplayOrder.defaults().withSorted(sorted).withSortMemory(memory);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration progressInterval() {
        try {
            return OptionRange.PROGRESS_INTERVAL.check(Durations.parse(progressInterval));
        } catch (IllegalArgumentException e) {
            var message = e.getMessage().startsWith("--") ? e.getMessage() : "--progress-interval: " + e.getMessage();
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    private int replay(Engine engine, PrintWriter err, boolean csv, Instant end, ReplayOrder replayOrder, Duration every)
            throws IOException {
        PreparedReplay compiled;
        PreparedReplay baseline = null;
        try {
            var source = withPartitions(withLateness(forReplay(RuleSetFolder.load(rules))));
            compiled = compile(engine, source, replayOrder, rules, err);
            if (compare != null) {
                baseline = compile(engine, forReplay(RuleSetFolder.load(compare)).withName(source.name()), replayOrder, compare, err);
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
        var report = new ProgressReport(compiled.progress(), replayOrder.sorted(), size, read::get, eventsRead::get, every,
                System.nanoTime());
        // A bar when a person is watching and the alerts do not go to the same terminal; lines for a log.
        var terminal = System.console() != null;
        var progress = terminal && out == null ? null : new Progress(err, report, terminal);
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
    private static PreparedReplay compile(Engine engine, RuleSetSource source, ReplayOrder order, Path folder, PrintWriter err) {
        try {
            return engine.prepareReplay(source, order);
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
        var order = stats.order();
        err.printf(Locale.ROOT, label + "%,d out of order, at most %s behind; %s%n", "input order", order.outOfOrder(),
                Durations.format(order.maxBehind()), order.sorted() ? "sorted by event time" : "run as given");
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

    /**
     * Progress on standard error while the replay runs: a bar redrawn a few times a second on a
     * terminal, else a line every {@code --progress-interval} and one at the end.
     */
    private static final class Progress {
        private static final long POLL_MS = 250;
        private final PrintWriter err;
        private final ProgressReport report;
        private final boolean terminal;
        private final Thread thread;
        private volatile boolean running = true;

        Progress(PrintWriter err, ProgressReport report, boolean terminal) {
            this.err = err;
            this.report = report;
            this.terminal = terminal;
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
            if (terminal) {
                err.print("\r" + " ".repeat(100) + "\r");
            } else {
                report.last(System.nanoTime()).forEach(err::println);
            }
            err.flush();
        }

        private void draw() {
            while (running) {
                if (terminal) {
                    err.print("\r" + report.bar(System.nanoTime()) + " ");
                } else {
                    report.due(System.nanoTime()).forEach(err::println);
                }
                err.flush();
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
