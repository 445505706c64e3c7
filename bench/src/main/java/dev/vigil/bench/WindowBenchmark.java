package dev.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Heap and speed of "a payment above the card's highest amount of the last W" against the window
 * W (1 h, 1 d, 30 d), three ways: Vigil with the raw payments in an accumulate (before profiles),
 * Vigil with a profile of time buckets (after), and Esper 9.0.0, on the same generated payments
 * ({@link Payments}). Each configuration runs in a JVM of its own ({@link WindowRun}), rounds
 * alternating; the alerts of every run are checked against {@link WindowReference}.
 *
 * <p>Settings as {@code name=value}: {@code rounds} (3), {@code windows} (1h,1d,30d), {@code ways}
 * (before,after,esper), {@code seed} (7), {@code cap}, the most seconds a run feeds events for
 * (240: it then stops at the day it reached and says so).
 */
public final class WindowBenchmark {
    static final List<String> JVM = List.of("-Xmx2g", "-XX:+UseParallelGC");
    private static final int[] DAYS = {7, 14, 21, 28, 35};

    /** One run's figures as {@link WindowRun} printed them, and how its alerts compare with the reference. */
    private record Result(long events, double seconds, double wholeSeconds, long alerts, long payments, long atArrival, int day,
                          Map<Integer, Long> heap, int missing, int extra) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private final Map<String, String> settings;
    private final Path work;

    private WindowBenchmark(Map<String, String> settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        var settings = new LinkedHashMap<>(Map.of("rounds", "3", "windows", "1h,1d,30d", "ways", "before,after,esper", "seed", "7",
                "cap", "240"));
        for (var arg : args) {
            var pair = arg.split("=", 2);
            if (pair.length != 2 || !settings.containsKey(pair[0])) {
                throw new IllegalArgumentException("settings are name=value with name one of " + settings.keySet() + ", not " + arg);
            }
            settings.put(pair[0], pair[1]);
        }
        new WindowBenchmark(settings, Files.createTempDirectory("vigil-windows")).run();
    }

    private void run() throws IOException, InterruptedException {
        long seed = Long.parseLong(settings.get("seed"));
        int rounds = Integer.parseInt(settings.get("rounds"));
        var windows = Arrays.stream(settings.get("windows").split(",")).map(LongWindow::of).toList();
        var ways = List.of(settings.get("ways").split(","));
        System.out.printf("Payments: %,d cards, %d days, seed %d; JDK %s, %d cores; each run %s, feeding events for at most %s s%n",
                Payments.CARDS, Payments.DAYS, seed, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                String.join(" ", JVM), settings.get("cap"));
        long total = count(seed);
        System.out.printf("%,d payments%n", total);
        var sliding = new LinkedHashMap<LongWindow, Set<String>>();
        var buckets = new LinkedHashMap<LongWindow, Set<String>>();
        for (var w : windows) {
            sliding.put(w, WindowReference.sliding(seed, w));
            buckets.put(w, WindowReference.buckets(seed, w));
            System.out.printf("reference, %s: %,d payments alerted on with a sliding window, %,d with buckets of %s (%,d in both)%n",
                    w.text(), sliding.get(w).size(), buckets.get(w).size(), w.bucket(), common(sliding.get(w), buckets.get(w)));
        }
        var configurations = new ArrayList<String[]>();
        for (var w : windows) {
            for (var way : ways) {
                configurations.add(new String[] {w.text(), way});
            }
        }
        var results = new LinkedHashMap<String, List<Result>>();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < configurations.size(); i++) {
                var c = configurations.get((i + round) % configurations.size());
                var w = LongWindow.of(c[0]);
                var reference = c[1].equals("after") ? buckets.get(w) : sliding.get(w);
                var r = child(c[1], w, seed, reference);
                results.computeIfAbsent(c[0] + " " + c[1], k -> new ArrayList<>()).add(r);
                System.out.printf("round %d, %s %s: %,.0f events/s, %.1f s whole, %,d of %,d events to day %d, %,d alerts on %,d payments"
                        + " (%,d at their own time), against the reference: %d missing, %d more; heap %s%n", round + 1, c[0], c[1],
                        r.eventsPerSecond(), r.wholeSeconds, r.events, total, r.day, r.alerts, r.payments, r.atArrival, r.missing,
                        r.extra, r.heap);
            }
        }
        tables(configurations, results, total);
    }

    /** {@link WindowRun} in a JVM of its own, its alerts compared with {@code reference}. */
    private Result child(String way, LongWindow window, long seed, Set<String> reference) throws IOException, InterruptedException {
        var ids = work.resolve(way + "-" + window.text() + ".ids");
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WindowRun.class.getName(), way, window.text(),
                Long.toString(seed), settings.get("cap"), ids.toString()));
        long started = System.nanoTime();
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double whole = (System.nanoTime() - started) / 1e9;
        var heap = new TreeMap<Integer, Long>();
        String[] done = null;
        for (var line : output.lines().toList()) {
            var fields = line.split(" ");
            if (fields[0].equals("heap") && fields.length == 3) {
                heap.put(Integer.parseInt(fields[1]), Long.parseLong(fields[2]));
            } else if (fields[0].equals("done") && fields.length == 7) {
                done = fields;
            }
        }
        if (exit != 0 || done == null) {
            throw new IllegalStateException(way + " " + window.text() + " failed:\n" + output);
        }
        var alerted = new HashSet<>(Files.readAllLines(ids));
        int missing = reference.size() - common(reference, alerted);
        int extra = alerted.size() - common(reference, alerted);
        return new Result(Long.parseLong(done[1]), Double.parseDouble(done[2]), whole, Long.parseLong(done[3]), Long.parseLong(done[4]),
                Long.parseLong(done[5]), Integer.parseInt(done[6]), heap, missing, extra);
    }

    private static int common(Set<String> a, Set<String> b) {
        return (int) a.stream().filter(b::contains).count();
    }

    private static long count(long seed) {
        var payments = new Payments(seed, Payments.DAYS);
        long n = 0;
        while (payments.hasNext()) {
            payments.next();
            n++;
        }
        return n;
    }

    private static void tables(List<String[]> configurations, Map<String, List<Result>> results, long total) {
        System.out.println();
        System.out.println("| W | way | events/s: median (rounds) | whole process, s | days reached | alerts (payments, at their own time)"
                + " | against the reference: missing, more |");
        System.out.println("|---|---|---:|---:|---:|---|---|");
        for (var c : configurations) {
            var rs = results.get(c[0] + " " + c[1]);
            var speeds = rs.stream().mapToDouble(Result::eventsPerSecond).toArray();
            var whole = rs.stream().mapToDouble(Result::wholeSeconds).toArray();
            var last = rs.get(rs.size() - 1);
            System.out.printf("| %s | %s | %,.0f (%s) | %.1f | %s | %,d (%,d, %,d) | %d, %d |%n", c[0], c[1], Workload.median(speeds),
                    Workload.list(speeds), Workload.median(whole), days(rs, total), last.alerts, last.payments, last.atArrival,
                    last.missing, last.extra);
        }
        System.out.println();
        System.out.print("| W | way |");
        Arrays.stream(DAYS).forEach(d -> System.out.print(" day " + d + " |"));
        System.out.println();
        System.out.println("|---|---|" + "---:|".repeat(DAYS.length));
        for (var c : configurations) {
            var rs = results.get(c[0] + " " + c[1]);
            System.out.printf("| %s | %s |", c[0], c[1]);
            for (int d : DAYS) {
                var mb = rs.stream().filter(r -> r.heap.containsKey(d)).mapToDouble(r -> r.heap.get(d)).toArray();
                System.out.print(mb.length == 0 ? " - |" : String.format(" %,.0f |", Workload.median(mb)));
            }
            System.out.println();
        }
    }

    /** The day each run reached, or 35 when all reached the end. */
    private static String days(List<Result> rs, long total) {
        return rs.stream().allMatch(r -> r.events == total) ? Integer.toString(Payments.DAYS)
                : String.join(", ", rs.stream().map(r -> Integer.toString(r.day)).toList());
    }
}
