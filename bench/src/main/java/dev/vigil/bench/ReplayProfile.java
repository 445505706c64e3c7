package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where {@code vigil replay}'s time goes on W1: the packaged jar over the W1 file EsperBenchmark
 * times, under async-profiler's CPU sampler (which, unlike JFR's execution samples, also sees time
 * in the JVM's runtime and in the kernel, such as waking another thread), and the samples summed per
 * thread and, on the session's thread, per part of the work.
 *
 * <p>Arguments: the path of async-profiler's {@code libasyncProfiler.so}, and optionally the number
 * of events (default 1,000,000); or the path of a profile taken before ({@code .collapsed}, with
 * {@code threads}), to sum it again.
 */
public final class ReplayProfile {
    /**
     * The parts of the session thread's work, each by a frame that marks it. A sample goes to the
     * first part of {@link #BY_LEAF} one of its frames names, looking from the innermost frame out;
     * failing that, to the first part of {@link #BY_CALLER} any of its frames names.
     */
    private static final Map<String, String> BY_LEAF = parts(
            "dev/vigil/engine/session/EventIds", "event ids (EventIds)",
            "sun/security/provider", "alert ids (SHA-256)",
            "dev/vigil/engine/alert/Alerts.idOf", "alert ids (SHA-256)",
            "dev/vigil/engine/alert/Evidence", "alert evidence (the match's facts)",
            "dev/vigil/engine/alert/Recent", "alert repeats (remembered ids and matches)",
            "dev/vigil/engine/alert", "alert raising, the rest");
    private static final Map<String, String> BY_CALLER = parts(
            "ReplayCommand$AlertWriter.accept", "handing alerts to the writer thread",
            "SessionCore.advanceTo", "moving the clock: Drools' timer queue, expiry jobs",
            "SessionCore.insert", "Drools insert (fact handle, time stamp, object store)",
            "SlidingTimeWindow$BehaviorExpireWMAction", "sliding windows dropping events (and the accumulate's updates)",
            "DefaultAgenda.flushExpirations", "expired events removed",
            "PropagationEntry$Insert", "insert propagation: windows, accumulate (both inputs)",
            "RuleExecutor.fireActivation", "firing, apart from raising the alert",
            "RuleExecutor.evaluateNetworkAndFire", "rule network evaluation at firing",
            "SessionCore.fire", "fireAllRules, the rest",
            "DecodingReader.next", "waiting for the reader thread",
            "Replay$Run.take", "replay loop, watermark, reorder buffer");

    private ReplayProfile() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args[0].endsWith(".collapsed")) {
            // A profile taken before: only the sums.
            report(Files.readAllLines(Path.of(args[0])));
            return;
        }
        var profiler = Path.of(args[0]).toAbsolutePath();
        int events = args.length > 1 ? Integer.parseInt(args[1].replace(",", "").replace("_", "")) : 1_000_000;
        var work = Files.createTempDirectory("vigil-profile");
        var rules = Files.createDirectories(work.resolve("rules").resolve("bench"));
        Files.writeString(rules.resolve("bench.drl"), Workload.W1);
        var file = EsperBenchmark.write(new ObjectMapper(), work.resolve("w1.ndjson"), events);
        var samples = work.resolve("cpu.collapsed");
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-agentpath:" + profiler + "=start,event=cpu,interval=1ms,collapsed,threads,file=" + samples));
        command.addAll(EsperBenchmark.JVM);
        command.addAll(List.of("-jar", "rest-api/target/vigil.jar", "replay", "--rules", rules.toString(), "--events", file.toString(),
                "--out", "/dev/null"));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !Files.exists(samples)) {
            throw new IllegalStateException("vigil replay failed:\n" + output);
        }
        System.out.println(output.strip());
        report(Files.readAllLines(samples));
    }

    private static void report(List<String> lines) {
        var threads = new TreeMap<String, Long>();
        var parts = new LinkedHashMap<String, Long>();
        long all = 0;
        long session = 0;
        for (var line : lines) {
            int space = line.lastIndexOf(' ');
            long n = Long.parseLong(line.substring(space + 1));
            var frames = line.substring(0, space).split(";");
            // "[vigil-session-bench tid=123]", "[GC Thread#1 tid=45]": one row per kind of thread.
            var name = frames[0].replaceAll("^\\[|\\s?tid=\\d+]$", "").replaceAll("#\\d+$", "");
            var thread = name.isEmpty() ? "(no name)" : name;
            threads.merge(thread, n, Long::sum);
            all += n;
            if (thread.startsWith("vigil-session")) {
                session += n;
                parts.merge(part(frames), n, Long::sum);
            }
        }
        System.out.printf("%n| thread | CPU samples | share |%n|---|---:|---:|%n");
        print(threads, all);
        System.out.printf("%n| the session thread's work | CPU samples | share |%n|---|---:|---:|%n");
        print(parts, session);
    }

    private static String part(String[] frames) {
        for (int i = frames.length - 1; i > 0; i--) {
            for (var part : BY_LEAF.entrySet()) {
                if (frames[i].startsWith(part.getKey())) {
                    return part.getValue();
                }
            }
        }
        for (var part : BY_CALLER.entrySet()) {
            for (var frame : frames) {
                if (frame.contains(part.getKey())) {
                    return part.getValue();
                }
            }
        }
        return "other";
    }

    private static void print(Map<String, Long> counts, long total) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() * 1000 >= total)
                .forEach(e -> System.out.printf("| %s | %,d | %.1f%% |%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / total));
    }

    private static Map<String, String> parts(String... markAndName) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < markAndName.length; i += 2) {
            out.put(markAndName[i], markAndName[i + 1]);
        }
        return out;
    }
}
