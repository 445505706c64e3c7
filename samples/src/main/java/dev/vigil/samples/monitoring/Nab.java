package dev.vigil.samples.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Numenta Anomaly Benchmark's files (a {@code timestamp,value} CSV per series, and the
 * labelled anomaly windows of each in {@code combined_windows.json}) as Vigil events and windows.
 * A file becomes the metric of one host named after the file: {@code cpu_utilization},
 * {@code request_latency} or {@code temperature} by what its name says. The files are read from a
 * NAB checkout as it is ({@code data/<category>/*.csv} and {@code labels/combined_windows.json})
 * or from one folder holding both.
 */
public final class Nab {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]", Locale.ROOT);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WINDOWS = "combined_windows.json";
    private static final String LAYOUTS = "expected a NAB checkout (data/<category>/*.csv and labels/" + WINDOWS
            + ") or a folder of *.csv files and " + WINDOWS;

    private Nab() {
    }

    /** The CSV files of {@code folder}: those of a checkout's {@code data/<category>/}, or the folder's own; sorted, never none. */
    public static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("no folder " + folder + ": " + LAYOUTS);
        }
        var data = folder.resolve("data");
        var root = Files.isDirectory(data) ? data : folder;
        try (var paths = Files.walk(root, root == data ? 2 : 1)) {
            var csv = paths.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv")).sorted().toList();
            if (csv.isEmpty()) {
                throw new IllegalArgumentException("no CSV files in " + root + ": " + LAYOUTS);
            }
            return csv;
        }
    }

    public static String host(Path file) {
        var name = file.getFileName().toString();
        return name.substring(0, name.length() - ".csv".length());
    }

    /** CloudWatch's and the sensors' own names: not the fleet's "cpu", whose fixed thresholds are for the generated hosts. */
    static String metric(String host) {
        return host.contains("cpu") ? "cpu_utilization" : host.contains("latency") ? "request_latency"
                : host.contains("temperature") ? "temperature" : "value";
    }

    /** Writes the file's readings as Metric events (NDJSON); how many. */
    public static int convert(Path csv, Writer out) throws IOException {
        var host = host(csv);
        var name = metric(host);
        int n = 0;
        var lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            var line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.indexOf(',');
            Instant time;
            double value;
            try {
                time = parse(line.substring(0, Math.max(comma, 0)));
                value = Double.parseDouble(line.substring(comma + 1));
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException(csv + " line " + (i + 1) + ": expected timestamp,value (2014-04-10 07:15:00,97.1), found '"
                        + line + "'");
            }
            var event = JSON.createObjectNode().put("type", "Metric").put("id", host + "-" + i).put("time", time.toString())
                    .put("host", host).put("name", name).put("value", value);
            out.write(JSON.writeValueAsString(event));
            out.write('\n');
            n++;
        }
        return n;
    }

    /** The labelled windows of the files in {@code folder}, from its {@code combined_windows.json}. */
    public static List<IncidentScore.Window> windows(Path folder) throws IOException {
        var labels = folder.resolve("labels").resolve(WINDOWS);
        if (!Files.isRegularFile(labels)) {
            labels = folder.resolve(WINDOWS);
        }
        if (!Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("no " + WINDOWS + " in " + folder + " or " + folder.resolve("labels") + ": " + LAYOUTS);
        }
        JsonNode all = JSON.readTree(labels.toFile());
        var out = new ArrayList<IncidentScore.Window>();
        for (var file : files(folder)) {
            var host = host(file);
            all.fields().forEachRemaining(e -> {
                if (e.getKey().endsWith("/" + host + ".csv")) {
                    e.getValue().forEach(w -> out.add(new IncidentScore.Window(host, parse(w.get(0).asText()), parse(w.get(1).asText()), "nab")));
                }
            });
        }
        return out;
    }

    private static Instant parse(String text) {
        return LocalDateTime.parse(text.trim(), TIME).toInstant(ZoneOffset.UTC);
    }
}
