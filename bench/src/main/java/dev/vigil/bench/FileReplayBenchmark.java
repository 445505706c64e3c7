package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.RuleSetSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Replay throughput from an NDJSON file: through {@code vigil replay} (a process of its own, as
 * users run it), through {@code POST /api/v1/replays} to {@code vigil serve}, and the engine alone
 * (a replay of the same events, generated in memory, in this JVM), rounds alternating.
 *
 * <p>Arguments (optional): events (default 1,000,000) and rounds (default 3). The events are the
 * replay benchmark's: transactions 2 ms apart on 10,000 accounts through W1.
 */
public final class FileReplayBenchmark {
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");
    private static final String TOKEN = "bench-" + Long.toHexString(System.nanoTime());

    private final ObjectMapper json = new ObjectMapper();
    private final int events;

    private FileReplayBenchmark(int events) {
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("engine-once")) {
            // A fresh JVM replaying once, as vigil replay does: prints its events per second.
            System.out.println(new FileReplayBenchmark(Integer.parseInt(args[1])).engine(Integer.parseInt(args[1])));
            return;
        }
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        new FileReplayBenchmark(events).run(rounds);
    }

    private void run(int rounds) throws Exception {
        var work = Files.createTempDirectory("vigil-file-replay");
        var rules = work.resolve("bench");
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("bench.drl"), Workload.W1);
        var file = work.resolve("events.ndjson");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            var it = Workload.transactions(json, T0, events, 10_000, 2, null);
            while (it.hasNext()) {
                out.write(it.next().toString());
                out.write('\n');
            }
        }
        System.out.printf("%,d events, %,d MB of NDJSON; JVM %s, %d cores%n", events, Files.size(file) >> 20,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        var server = startServer(work.resolve("data"));
        var cli = new double[rounds];
        var cliReplay = new double[rounds];
        var http = new double[rounds];
        var engine = new double[rounds];
        var engineCold = new double[rounds];
        try {
            engine(events / 4);
            for (int r = 0; r < rounds; r++) {
                var run = cli(rules, file);
                cli[r] = run[0];
                cliReplay[r] = run[1];
                http[r] = http(server.url, file);
                engine[r] = engine(events);
                engineCold[r] = engineInAFreshJvm();
                System.out.printf("round %d: vigil replay %,.0f (its replay: %,.0f), POST /replays %,.0f, engine alone %,.0f"
                        + " (in a fresh JVM: %,.0f) events/s%n", r + 1, cli[r], cliReplay[r], http[r], engine[r], engineCold[r]);
            }
        } finally {
            server.process.destroy();
            server.process.waitFor(30, TimeUnit.SECONDS);
        }
        double base = Workload.median(engine);
        System.out.println();
        System.out.println("| replay | events/s: median (rounds) | / engine alone |");
        System.out.println("|---|---:|---:|");
        System.out.printf("| `vigil replay --events file.ndjson` (whole process, JVM start included) | %,.0f (%s) | %.2f |%n",
                Workload.median(cli), Workload.list(cli), Workload.median(cli) / base);
        System.out.printf("| `vigil replay`: its replay alone (the summary's speed: reading, decoding, rules, writing alerts) | %,.0f (%s) | %.2f |%n",
                Workload.median(cliReplay), Workload.list(cliReplay), Workload.median(cliReplay) / base);
        System.out.printf("| `POST /api/v1/replays` with the file as the body | %,.0f (%s) | %.2f |%n",
                Workload.median(http), Workload.list(http), Workload.median(http) / base);
        System.out.printf("| engine alone (`Replay.run` over events generated in memory) | %,.0f (%s) | 1.00 |%n", base, Workload.list(engine));
        double cold = Workload.median(engineCold);
        System.out.printf("| engine alone, in a fresh JVM replaying once (as `vigil replay` runs) | %,.0f (%s) | %.2f |%n", cold,
                Workload.list(engineCold), cold / base);
        System.out.printf("%n`vigil replay` against the engine in a fresh JVM: %.2f (whole process), %.2f (its replay)%n",
                Workload.median(cli) / cold, Workload.median(cliReplay) / cold);
    }

    /**
     * {@code vigil replay} as a separate process: events per second from its start to its exit, and
     * the speed its summary reports for the replay itself.
     */
    private double[] cli(Path rules, Path file) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(javaBin()));
        command.addAll(List.of("-XX:+UseParallelGC", "-Xms1g", "-jar", "rest-api/target/vigil.jar", "replay", "--rules", rules.toString(),
                "--events", file.toString(), "--out", "/dev/null"));
        long started = System.nanoTime();
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !output.contains(String.format("%,d", events))) {
            throw new IllegalStateException("vigil replay failed:\n" + output);
        }
        double whole = events / ((System.nanoTime() - started) / 1e9);
        var speed = Pattern.compile("speed\\s+([\\d,]+) events/s").matcher(output);
        if (!speed.find()) {
            throw new IllegalStateException("no speed in vigil replay's summary:\n" + output);
        }
        return new double[] {whole, Double.parseDouble(speed.group(1).replace(",", ""))};
    }

    private double http(String url, Path file) throws IOException, InterruptedException {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long started = System.nanoTime();
        var response = client.send(HttpRequest.newBuilder(URI.create(url + "api/v1/replays?ruleset=bench"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        var body = json.readTree(response.body());
        if (response.statusCode() == 202) {
            var href = url + body.get("href").asText().substring(1);
            while (true) {
                var job = json.readTree(client.send(HttpRequest.newBuilder(URI.create(href)).header("Authorization", "Bearer " + TOKEN)
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                var status = job.get("status").asText();
                if (status.equals("done")) {
                    body = job.get("result");
                    break;
                }
                if (status.equals("failed")) {
                    throw new IllegalStateException("the replay job failed: " + job);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } else if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /replays: " + response.statusCode() + " " + response.body());
        }
        if (body.get("stats").get("events").asLong() != events) {
            throw new IllegalStateException("the server replayed " + body.get("stats").get("events") + " events");
        }
        return events / ((System.nanoTime() - started) / 1e9);
    }

    private double engineInAFreshJvm() throws IOException, InterruptedException {
        var process = new ProcessBuilder(javaBin(), "-XX:+UseParallelGC", "-Xms1g", "-cp", System.getProperty("java.class.path"),
                FileReplayBenchmark.class.getName(), "engine-once", Integer.toString(events)).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the engine-once run failed:\n" + output);
        }
        var lines = output.lines().toList();
        return Double.parseDouble(lines.get(lines.size() - 1));
    }

    private double engine(int count) {
        var compiled = Workload.ENGINE.prepareReplay(RuleSetSource.of("bench", Map.of("bench.drl", Workload.W1)));
        var result = compiled.run(Workload.transactions(json, T0, count, 10_000, 2, null), null, a -> { });
        return result.stats().eventsPerSecond();
    }

    private record Server(Process process, String url) {
    }

    private Server startServer(Path data) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(javaBin(), "-XX:+UseParallelGC", "-Xms1g", "-jar", "rest-api/target/vigil.jar", "serve",
                "--port", "0", "--data", data.toString(), "--rules", "none").redirectErrorStream(true);
        builder.environment().put("VIGIL_ADMIN_TOKEN", TOKEN);
        var process = builder.start();
        var url = new CompletableFuture<String>();
        var reader = new Thread(() -> {
            try (var in = process.inputReader()) {
                String line;
                while ((line = in.readLine()) != null) {
                    var m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        String base;
        try {
            base = url.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroy();
            throw new IllegalStateException("the server did not start", e);
        }
        var body = json.createObjectNode();
        body.putObject("files").put("bench.drl", Workload.W1);
        var deployed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/v1/rulesets/bench"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (deployed.statusCode() >= 300) {
            process.destroy();
            throw new IllegalStateException("deploying failed: " + deployed.body());
        }
        return new Server(process, base);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
