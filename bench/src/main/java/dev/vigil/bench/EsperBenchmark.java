package dev.vigil.bench;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.kie.api.runtime.KieSession;
import org.kie.api.time.SessionPseudoClock;

/**
 * W1 ("more than 5 transactions per account in 60 s", 10,000 accounts) from one NDJSON file,
 * side by side: Esper 9.0.0, raw Drools 10.2.0 and {@code vigil replay}, each a process of its own
 * timed from its start to its exit, at several sizes. Esper and raw Drools read the file with
 * Jackson, line by line, as Vigil does.
 *
 * <p>Before timing, all three run a small file (more than one window long) and their matches are
 * checked against a count made here: the arrivals after which their account has more than 5
 * transactions in the 60 s up to and including them, and the expiries after which it still has.
 * Esper's {@code having} posts a row for each of both; {@code vigil replay} raises an alert for
 * each; raw Drools fires W1 once per transaction of the account in the window at each of them, so
 * its arrivals with a firing for the new transaction are checked instead.
 *
 * <p>Arguments (optional): the sizes in events (default 100,000, 300,000 and 1,000,000).
 */
public final class EsperBenchmark {
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final int ACCOUNTS = 10_000;
    private static final long WINDOW_MS = 60_000;
    /** 100 s of events: more than one window, so that expiry is checked too. */
    private static final int CHECK_EVENTS = 50_000;
    /** W1 in EPL, over map events of type Txn. */
    static final String EPL = "@name('w1') select accountId, count(*) from Txn#time(60 sec) group by accountId having count(*) > 5";
    /** W1 as Vigil runs it, its consequence counting the firing and the arrival it belongs to. */
    private static final String RAW_DRL = Workload.variant("", "hits.incrementAndGet(); if ($t.getTime() > last.get()) { last.set($t.getTime()); }")
            .replace("package bench;", "package bench;\nglobal java.util.concurrent.atomic.AtomicLong hits;\n"
                    + "global java.util.concurrent.atomic.AtomicLong last;");
    private static final Pattern ALERTS = Pattern.compile("alerts\\s+([\\d,]+)");
    private static final Pattern SPEED = Pattern.compile("speed\\s+([\\d,]+) events/s");
    static final List<String> JVM = List.of("-XX:+UseParallelGC", "-Xms1g");

    private final ObjectMapper json = new ObjectMapper();
    private final Path work;

    private EsperBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("esper")) {
            System.out.println(esper(Path.of(args[1])));
            return;
        }
        if (args.length == 2 && args[0].equals("drools")) {
            System.out.println(drools(Path.of(args[1])));
            return;
        }
        var sizes = args.length == 0 ? new int[] {100_000, 300_000, 1_000_000}
                : Arrays.stream(args).mapToInt(a -> Integer.parseInt(a.replace(",", "").replace("_", ""))).toArray();
        new EsperBenchmark(Files.createTempDirectory("vigil-esper")).run(sizes);
    }

    /** One engine's run in a child process: its matches, its engine-only speed, and its whole time. */
    private record Run(long matches, long arrivals, double engineEventsPerSecond, double wholeSeconds) {
    }

    private void run(int[] sizes) throws Exception {
        var rules = work.resolve("rules").resolve("bench");
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("bench.drl"), Workload.W1);
        System.out.printf("W1, %,d accounts, transactions 2 ms apart; JVM %s, %d cores, %s for every child%n%n", ACCOUNTS,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), String.join(" ", JVM));
        check(rules);
        var rows = new LinkedHashMap<Integer, Run[]>();
        for (int size : sizes) {
            var file = write(size);
            var runs = new Run[] {child("esper", file), child("drools", file), vigil(rules, file)};
            rows.put(size, runs);
            System.out.printf("%,d events: Esper %.1f s (engine %,.0f ev/s, %,d rows), raw Drools %.1f s (engine %,.0f ev/s, "
                    + "%,d arrivals), vigil replay %.1f s (its replay %,.0f ev/s, %,d alerts)%n", size, runs[0].wholeSeconds,
                    runs[0].engineEventsPerSecond, runs[0].matches, runs[1].wholeSeconds, runs[1].engineEventsPerSecond,
                    runs[1].arrivals, runs[2].wholeSeconds, runs[2].engineEventsPerSecond, runs[2].matches);
            Files.delete(file);
        }
        table(rows);
    }

    /** All three on a small file against the count made here, so that the timed runs do the same work. */
    private void check(Path rules) throws Exception {
        var file = write(CHECK_EVENTS);
        long[] expected = reference(file);
        var esper = child("esper", file);
        var drools = child("drools", file);
        var vigil = vigil(rules, file);
        System.out.printf("Check on %,d events: %,d arrivals with more than 5 in 60 s and %,d expiries that leave more than 5;%n"
                + "Esper %,d rows (%,d on arrivals); raw Drools %,d firings on %,d arrivals; vigil replay %,d alerts%n%n", CHECK_EVENTS,
                expected[0], expected[1], esper.matches, esper.arrivals, drools.matches, drools.arrivals, vigil.matches);
        if (esper.arrivals != expected[0] || drools.arrivals != expected[0] || esper.matches != expected[0] + expected[1]
                || vigil.matches != expected[0] + expected[1]) {
            throw new IllegalStateException("the engines do not agree on W1's matches");
        }
        Files.delete(file);
    }

    /**
     * W1's matches counted directly: the arrivals whose account has more than 5 transactions in
     * the window ending at them, and the expiries after which their account still has more than 5.
     */
    private long[] reference(Path file) throws IOException {
        var windows = new HashMap<String, ArrayDeque<Long>>();
        var all = new ArrayDeque<String>();
        var times = new ArrayDeque<Long>();
        long arrivals = 0;
        long expiries = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                var event = json.readTree(line);
                long t = event.get("time").asLong();
                while (!times.isEmpty() && times.peekFirst() <= t - WINDOW_MS) {
                    times.pollFirst();
                    var expired = windows.get(all.pollFirst());
                    expired.pollFirst();
                    if (expired.size() > 5) {
                        expiries++;
                    }
                }
                var account = event.get("accountId").asText();
                var window = windows.computeIfAbsent(account, k -> new ArrayDeque<>());
                window.addLast(t);
                all.addLast(account);
                times.addLast(t);
                if (window.size() > 5) {
                    arrivals++;
                }
            }
        }
        return new long[] {arrivals, expiries};
    }

    private Path write(int events) throws IOException {
        return write(json, work.resolve("w1-" + events + ".ndjson"), events);
    }

    /** W1's transactions as NDJSON: {@code events} of them, 2 ms apart on 10,000 accounts (seed 42). */
    static Path write(ObjectMapper json, Path file, int events) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            var it = Workload.transactions(json, T0, events, ACCOUNTS, 2, null);
            while (it.hasNext()) {
                out.write(it.next().toString());
                out.write('\n');
            }
        }
        return file;
    }

    /** This class in a fresh JVM running {@code engine} over {@code file}; it prints "matches arrivals events/s". */
    private Run child(String engine, Path file) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(javaBin()));
        command.addAll(JVM);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EsperBenchmark.class.getName(), engine, file.toString()));
        long started = System.nanoTime();
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        var lines = output.lines().toList();
        if (exit != 0 || lines.isEmpty()) {
            throw new IllegalStateException(engine + " failed:\n" + output);
        }
        var fields = lines.get(lines.size() - 1).split(" ");
        return new Run(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Double.parseDouble(fields[2]), seconds);
    }

    /** {@code vigil replay} from the packaged jar, as users run it. */
    private Run vigil(Path rules, Path file) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(javaBin()));
        command.addAll(JVM);
        command.addAll(List.of("-jar", "rest-api/target/vigil.jar", "replay", "--rules", rules.toString(),
                "--events", file.toString(), "--out", "/dev/null"));
        // When partitions exist: command.addAll(List.of("--partitions", Integer.toString(p))) for P = 1 and P = cores.
        long started = System.nanoTime();
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        var alerts = ALERTS.matcher(output);
        var speed = SPEED.matcher(output);
        if (exit != 0 || !alerts.find() || !speed.find()) {
            throw new IllegalStateException("vigil replay failed:\n" + output);
        }
        long count = Long.parseLong(alerts.group(1).replace(",", ""));
        return new Run(count, count, Double.parseDouble(speed.group(1).replace(",", "")), seconds);
    }

    private static void table(Map<Integer, Run[]> rows) {
        System.out.println();
        System.out.println("| events | Esper 9.0.0 | raw Drools 10.2.0 | `vigil replay` | Vigil / Esper |");
        System.out.println("|---:|---:|---:|---:|---:|");
        rows.forEach((size, r) -> System.out.printf("| %,d | %.1f s | %.1f s | %.1f s | %.2f |%n", size, r[0].wholeSeconds,
                r[1].wholeSeconds, r[2].wholeSeconds, r[0].wholeSeconds / r[2].wholeSeconds));
        System.out.println();
        System.out.println("| events | Esper engine-only events/s | raw Drools engine-only events/s | `vigil replay`'s own speed (events/s) |");
        System.out.println("|---:|---:|---:|---:|");
        rows.forEach((size, r) -> System.out.printf("| %,d | %,.0f | %,.0f | %,.0f |%n", size, r[0].engineEventsPerSecond,
                r[1].engineEventsPerSecond, r[2].engineEventsPerSecond));
        if (rows.size() < 2) {
            return;
        }
        var sizes = new ArrayList<>(rows.keySet());
        int small = sizes.get(0);
        int large = sizes.get(sizes.size() - 1);
        String[] names = {"Esper", "raw Drools", "vigil replay"};
        System.out.printf("%nPer event past start-up (between %,d and %,d events):", small, large);
        for (int i = 0; i < names.length; i++) {
            double micros = (rows.get(large)[i].wholeSeconds - rows.get(small)[i].wholeSeconds) * 1e6 / (large - small);
            System.out.printf(" %s %.1f us%s", names[i], micros, i < names.length - 1 ? "," : "");
        }
        System.out.println();
    }

    /** Esper over {@code file}, its clock following the events' time: "rows arrival-rows events/s". */
    private static String esper(Path file) throws IOException, EPCompileException, EPDeployException {
        var config = new Configuration();
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        var txn = new LinkedHashMap<String, Object>();
        txn.put("id", String.class);
        txn.put("time", long.class);
        txn.put("accountId", String.class);
        txn.put("amount", double.class);
        config.getCommon().addEventType("Txn", txn);
        var compiled = EPCompilerProvider.getCompiler().compile(EPL, new CompilerArguments(config));
        var runtime = EPRuntimeProvider.getRuntime("w1", config);
        var events = runtime.getEventService();
        events.clockExternal();
        events.advanceTime(0);
        var deployment = runtime.getDeploymentService().deploy(compiled);
        var rows = new AtomicLong();
        runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "w1")
                .addListener((in, out, statement, rt) -> rows.addAndGet(in == null ? 0 : in.length));
        var reader = new ObjectMapper().reader();
        long n = 0;
        long arrivalRows = 0;
        long started = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode event = reader.readTree(line);
                long t = event.get("time").asLong();
                if (t > events.getCurrentTime()) {
                    events.advanceTime(t);
                }
                long before = rows.get();
                var map = new HashMap<String, Object>(8);
                map.put("id", event.get("id").asText());
                map.put("time", t);
                map.put("accountId", event.get("accountId").asText());
                map.put("amount", event.get("amount").asDouble());
                events.sendEventMap(map, "Txn");
                arrivalRows += rows.get() - before;
                n++;
            }
        }
        double perSecond = n / ((System.nanoTime() - started) / 1e9);
        runtime.destroy();
        return rows.get() + " " + arrivalRows + " " + perSecond;
    }

    /** Raw Drools over {@code file}: build the fact, advance the pseudo clock, insert, fire; "firings arrivals events/s". */
    private static String drools(Path file) throws IOException, ReflectiveOperationException {
        try (var raw = new RawDrools(RAW_DRL)) {
            KieSession session = raw.session();
            var hits = new AtomicLong();
            var last = new AtomicLong(Long.MIN_VALUE);
            session.setGlobal("hits", hits);
            session.setGlobal("last", last);
            var type = raw.type("Transaction");
            var id = type.getField("id");
            var time = type.getField("time");
            var account = type.getField("accountId");
            var amount = type.getField("amount");
            SessionPseudoClock clock = session.getSessionClock();
            var reader = new ObjectMapper().reader();
            long n = 0;
            long arrivals = 0;
            long started = System.nanoTime();
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode event = reader.readTree(line);
                    long t = event.get("time").asLong();
                    Object fact = type.newInstance();
                    id.set(fact, event.get("id").asText());
                    time.set(fact, t);
                    account.set(fact, event.get("accountId").asText());
                    amount.set(fact, event.get("amount").asDouble());
                    clock.advanceTime(t - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
                    session.insert(fact);
                    session.fireAllRules();
                    if (last.get() == t) {
                        arrivals++;
                    }
                    n++;
                }
            }
            double perSecond = n / ((System.nanoTime() - started) / 1e9);
            return hits.get() + " " + arrivals + " " + perSecond;
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
