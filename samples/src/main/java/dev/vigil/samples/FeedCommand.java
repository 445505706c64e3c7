package dev.vigil.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code samples/run feed}: posts an NDJSON file of events to a running server, paced so that
 * event time passes {@code speed} times faster than the wall clock, to watch alerts arrive live.
 */
@Command(name = "feed", mixinStandardHelpOptions = true,
        description = "Post NDJSON events to a running Vigil, paced at --speed times real time (0: as fast as it takes them).")
final class FeedCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "NDJSON events, in time order")
    Path events;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the server (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", defaultValue = "${env:VIGIL_TOKEN}", description = "a token with events:write (default: $VIGIL_TOKEN)")
    String token;

    @Option(names = "--speed", defaultValue = "100", description = "event time per wall-clock time (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--batch", defaultValue = "200", description = "events per request at most (default: ${DEFAULT-VALUE})")
    int batch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("give a token with --token or VIGIL_TOKEN (cat data/admin-token)");
        }
        if (speed < 0 || batch < 1) {
            throw new IllegalArgumentException("--speed must be 0 or more (0: as fast as the server takes them) and --batch 1 or more");
        }
        var http = HttpClient.newHttpClient();
        var out = spec.commandLine().getOut();
        long startedNanos = System.nanoTime();
        Instant first = null;
        long sent = 0;
        var pending = new ArrayList<String>();
        try (BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                var time = time(line, number);
                if (first == null) {
                    first = time;
                }
                if (speed > 0 && time != null) {
                    // Wait until the wall clock reaches this event's time, scaled; send what is pending first.
                    long dueNanos = startedNanos + (long) (Duration.between(first, time).toNanos() / speed);
                    if (dueNanos > System.nanoTime() && !pending.isEmpty()) {
                        sent += post(http, pending);
                    }
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                pending.add(line);
                if (pending.size() >= batch) {
                    sent += post(http, pending);
                }
                if (sent > 0 && sent % 10_000 < batch && !pending.isEmpty()) {
                    out.printf("%,d events sent, event time %s%n", sent, time);
                    out.flush();
                }
            }
        }
        sent += post(http, pending);
        out.printf("%,d events sent%n", sent);
        out.flush();
        return 0;
    }

    /** The event time of line {@code number}, null when it has none; refused naming the file and line when it is not an event. */
    private Instant time(String line, int number) {
        try {
            var t = JSON.readTree(line).get("time");
            if (t == null || t.isNull()) {
                return null;
            }
            return t.isNumber() ? Instant.ofEpochMilli(t.asLong()) : Instant.parse(t.asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(events + " line " + number + ": not JSON: " + e.getOriginalMessage());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(events + " line " + number + ": time: " + e.getMessage());
        }
    }

    /** Posts the lines as one NDJSON request, waiting out 429s; the number sent. */
    private int post(HttpClient http, List<String> lines) throws Exception {
        if (lines.isEmpty()) {
            return 0;
        }
        var body = String.join("\n", lines) + "\n";
        while (true) {
            var request = HttpRequest.newBuilder(URI.create(url + "/api/v1/events")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new IOException("no server answers at " + url + " (start one with ./vigil serve, or give --url)", e);
            }
            if (response.statusCode() == 429) {
                TimeUnit.MILLISECONDS.sleep(200);
                continue;
            }
            if (response.statusCode() / 100 != 2) {
                var answer = response.body();
                throw new IOException("the server answered " + response.statusCode() + ": "
                        + (answer.length() > 600 ? answer.substring(0, 600) + "..." : answer));
            }
            int n = lines.size();
            lines.clear();
            return n;
        }
    }
}
