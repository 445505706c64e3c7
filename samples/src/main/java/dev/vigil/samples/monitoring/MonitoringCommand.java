package dev.vigil.samples.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samples/run monitoring ...}: the monitoring sample's generator, NAB converter and scorer. */
@Command(name = "monitoring", mixinStandardHelpOptions = true, description = "The monitoring sample: generate, convert NAB data, score.",
        subcommands = {MonitoringCommand.Generate.class, MonitoringCommand.NabConvert.class, MonitoringCommand.Score.class, Check.class})
public final class MonitoringCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a fleet's metrics, heartbeats and requests (events.ndjson) and its incidents (labels.ndjson) to a folder.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "samples/monitoring/data", description = "the folder (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--seed", defaultValue = "7", description = "the random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--hosts", defaultValue = "20", description = "hosts (default: ${DEFAULT-VALUE})")
        int hosts;

        @Option(names = "--services", defaultValue = "5", description = "services (default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--days", defaultValue = "3", description = "days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--start", defaultValue = "2026-03-02T00:00:00Z", description = "the first day (default: ${DEFAULT-VALUE})")
        Instant start;

        @Option(names = "--series", defaultValue = "0",
                description = "metrics with seasonality and anomalies of several shapes, each on a host of its own, ending with the fleet's days (default: ${DEFAULT-VALUE})")
        int series;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Files.createDirectories(out);
            try (var events = Files.newBufferedWriter(out.resolve("events.ndjson"), StandardCharsets.UTF_8);
                 var labels = Files.newBufferedWriter(out.resolve("labels.ndjson"), StandardCharsets.UTF_8)) {
                var summary = new MonitoringGenerator(new MonitoringGenerator.Settings(seed, hosts, services, days, start, series)).write(events);
                MonitoringGenerator.writeLabels(summary.incidents(), labels);
                spec.commandLine().getOut().printf("%s: %,d events, %d incidents%n", out, summary.events(), summary.incidents().size());
            }
            return 0;
        }
    }

    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = "Convert NAB files into Metric events and labels: a NAB checkout (data/<category>/*.csv, labels/combined_windows.json)"
                    + " or a folder of timestamp,value CSV files and combined_windows.json.")
    static final class NabConvert implements Callable<Integer> {
        @Option(names = "--nab", required = true, description = "a NAB checkout, or a folder of NAB files")
        Path nab;

        @Option(names = "--out", defaultValue = "samples/monitoring/nab", description = "where to write (default: ${DEFAULT-VALUE})")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var files = Nab.files(nab);
            var windows = Nab.windows(nab);
            Files.createDirectories(out);
            for (var file : files) {
                try (var w = Files.newBufferedWriter(out.resolve(Nab.host(file) + ".ndjson"), StandardCharsets.UTF_8)) {
                    spec.commandLine().getOut().printf("%s: %,d readings%n", Nab.host(file), Nab.convert(file, w));
                }
            }
            try (var labels = Files.newBufferedWriter(out.resolve("labels.ndjson"), StandardCharsets.UTF_8)) {
                MonitoringGenerator.writeLabels(windows, labels);
            }
            return 0;
        }
    }

    /**
     * The records of an NDJSON file: a missing file is refused saying how to make it, a line that is
     * not a record naming the file, the line and what is wrong.
     */
    static <T> List<T> read(Path file, String what, String howToMake, Function<JsonNode, T> parse) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + what + " at " + file + ": " + howToMake);
        }
        var out = new ArrayList<T>();
        var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                try {
                    out.add(parse.apply(JSON.readTree(lines.get(i))));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON: " + e.getOriginalMessage());
                } catch (IllegalArgumentException | DateTimeException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** The text of {@code node}'s field {@code name}; refused naming it when it is missing. */
    static String text(JsonNode node, String name) {
        var value = node.get(name);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new IllegalArgumentException("no " + name);
        }
        return value.asText();
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Score alerts (NDJSON, as vigil replay --out writes them) against incident windows: caught, delay, false positives.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--alerts", required = true, arity = "1..*", description = "the alerts, NDJSON (several files for NAB)")
        List<Path> alerts;

        @Option(names = "--labels", defaultValue = "samples/monitoring/data/labels.ndjson", description = "the windows (default: ${DEFAULT-VALUE})")
        Path labels;

        @Option(names = "--hosts", split = ",", description = "every host or service, to count those without incidents too (default: those of the labels and alerts)")
        List<String> hosts;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var windows = read(labels, "labels", "generate them with the events: samples/run monitoring generate",
                    w -> new IncidentScore.Window(text(w, "host"), Instant.parse(text(w, "start")), Instant.parse(text(w, "end")), text(w, "kind")));
            var raised = new ArrayList<IncidentScore.Raised>();
            for (var file : alerts) {
                raised.addAll(read(file, "alerts", "write them with vigil replay --out FILE",
                        a -> new IncidentScore.Raised(IncidentScore.hostOf(text(a, "key")), text(a, "rule"), Instant.parse(text(a, "eventTime")))));
            }
            var all = new TreeSet<String>();
            if (hosts != null) {
                all.addAll(hosts);
            }
            windows.forEach(w -> all.add(w.host()));
            raised.forEach(r -> all.add(r.host()));
            spec.commandLine().getOut().print(IncidentScore.table(IncidentScore.score(new ArrayList<>(all), windows, raised)));
            return 0;
        }
    }
}
