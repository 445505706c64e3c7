package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.RuleSetSource;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.kie.api.runtime.KieSession;
import org.kie.api.time.SessionPseudoClock;

/**
 * Replays generated transactions through the rule "more than 5 transactions per account in 60 s",
 * once through Vigil's replay (JSON events decoded, ordered by the watermark, clock stepped through
 * timers, alerts with evidence and ids) and once through raw Drools 10.2.0 doing the same work the
 * plain way (build the fact, advance the pseudo clock, insert, fire per event), alternating rounds
 * in one JVM so both see the same machine. Three variants of the rule's consequence separate the
 * cost of Vigil's pipeline from the cost of its alerts. Then one more Vigil run samples the heap
 * after a GC every tenth of the input to show whether it stays flat while events expire.
 *
 * <p>Arguments (all optional): events, accounts, spacing in ms, measured rounds, and a comma-separated
 * list of the variants to run (alerts, suppressed, empty).
 */
public final class ReplayBenchmark {
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    /** One rule variant, written once for Vigil and once for raw Drools. */
    private enum Scenario {
        ALERTS("raises an alert on every firing",
                "", "alerts.raise($acc, \"more than 5 transactions in 60 s\");", "hits.incrementAndGet();"),
        SUPPRESSED("the same with @suppress(\"10m\"): at most one alert per account per 10 minutes",
                "@suppress(\"10m\")", "alerts.raise($acc, \"more than 5 transactions in 60 s\");", "hits.incrementAndGet();"),
        EMPTY("an empty consequence: the cost of the pipeline alone", "", "", "");

        final String description;
        final String vigilDrl;
        final String rawDrl;

        Scenario(String description, String annotation, String vigilConsequence, String rawConsequence) {
            this.description = description;
            this.vigilDrl = Workload.variant(annotation, vigilConsequence);
            this.rawDrl = Workload.variant(annotation, rawConsequence)
                    .replace("package bench;", "package bench;\nglobal java.util.concurrent.atomic.AtomicLong hits;");
        }
    }

    private final int events;
    private final int accounts;
    private final long spacing;
    private final ObjectMapper json = new ObjectMapper();

    private ReplayBenchmark(int events, int accounts, long spacing) {
        this.events = events;
        this.accounts = accounts;
        this.spacing = spacing;
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long spacing = args.length > 2 ? Long.parseLong(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        var scenarios = args.length > 4
                ? Arrays.stream(args[4].split(",")).map(n -> Scenario.valueOf(n.toUpperCase(Locale.ROOT))).toList()
                : List.of(Scenario.values());
        var bench = new ReplayBenchmark(events, accounts, spacing);
        System.out.printf("%,d transactions, %,d accounts, %d ms apart; JVM %s, %d cores, max heap %d MB%n%n",
                events, accounts, spacing, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        var warmup = new ReplayBenchmark(Math.min(events, 200_000), accounts, spacing);
        warmup.vigil(Scenario.ALERTS);
        warmup.raw(Scenario.ALERTS);

        var table = new ArrayList<String>();
        for (var scenario : scenarios) {
            var vigil = new double[rounds];
            var raw = new double[rounds];
            Run v = null;
            Run d = null;
            for (int r = 0; r < rounds; r++) {
                v = bench.vigil(scenario);
                d = bench.raw(scenario);
                vigil[r] = v.eventsPerSecond;
                raw[r] = d.eventsPerSecond;
                System.out.printf("%s round %d: vigil %,.0f ev/s, raw %,.0f ev/s%n", scenario, r + 1, v.eventsPerSecond, d.eventsPerSecond);
            }
            table.add(String.format("| %s: %s | %,.0f (%s) | %,.0f (%s) | %.2f | %,d alerts / %,d firings |",
                    scenario.name().toLowerCase(Locale.ROOT), scenario.description,
                    Workload.median(vigil), Workload.list(vigil), Workload.median(raw), Workload.list(raw), Workload.median(vigil) / Workload.median(raw), v.matches, d.matches));
        }
        System.out.println();
        System.out.println("| rule consequence | Vigil replay, events/s: median (rounds) | raw Drools 10.2.0, events/s | ratio | Vigil alerts / raw firings |");
        System.out.println("|---|---:|---:|---:|---|");
        table.forEach(System.out::println);
        System.out.println();
        bench.heapProfile();
    }

    private record Run(double eventsPerSecond, long matches) {
    }

    /** Vigil's replay over JSON events, alerts streamed to a counter (as a large replay would write them out). */
    private Run vigil(Scenario scenario) {
        var compiled = Workload.ENGINE.prepareReplay(RuleSetSource.of("bench", Map.of("bench.drl", scenario.vigilDrl)));
        var alerts = new long[1];
        var result = compiled.run(jsonEvents(null), null, alert -> alerts[0]++);
        if (result.stats().events() != events) {
            throw new IllegalStateException("replayed " + result.stats().events() + " of " + events);
        }
        return new Run(result.stats().eventsPerSecond(), alerts[0]);
    }

    /** Raw Drools: build the fact, advance the pseudo clock to its time, insert, fire, per event. */
    private Run raw(Scenario scenario) {
        var raw = new RawDrools(scenario.rawDrl);
        KieSession session = raw.session();
        var hits = new AtomicLong();
        session.setGlobal("hits", hits);
        var type = raw.type("Transaction");
        var id = type.getField("id");
        var time = type.getField("time");
        var account = type.getField("accountId");
        var amount = type.getField("amount");
        SessionPseudoClock clock = session.getSessionClock();
        clock.advanceTime(T0, TimeUnit.MILLISECONDS);
        var random = new SplittableRandom(42);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < events; i++) {
                long t = T0 + i * spacing;
                Object fact = type.newInstance();
                id.set(fact, "t" + i);
                time.set(fact, t);
                account.set(fact, "acc-" + random.nextInt(accounts));
                amount.set(fact, random.nextInt(100_000) / 100.0);
                clock.advanceTime(t - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
                session.insert(fact);
                session.fireAllRules();
            }
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            raw.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(events / seconds, hits.get());
    }

    /** The generated input as JSON events; {@code every} is called after each tenth of it. */
    private Iterator<JsonNode> jsonEvents(Runnable every) {
        return Workload.transactions(json, T0, events, accounts, spacing, every);
    }

    /** Heap in use after a full GC, each tenth of a Vigil replay. */
    private void heapProfile() {
        var memory = ManagementFactory.getMemoryMXBean();
        var samples = new ArrayList<String>();
        var progress = new int[1];
        Runnable sample = () -> {
            System.gc();
            progress[0] += events / 10;
            samples.add(String.format("| %,d | %d |", progress[0], memory.getHeapMemoryUsage().getUsed() >> 20));
        };
        var compiled = Workload.ENGINE.prepareReplay(RuleSetSource.of("bench", Map.of("bench.drl", Scenario.ALERTS.vigilDrl)));
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed() >> 20;
        var alerts = new long[1];
        compiled.run(jsonEvents(sample), null, alert -> alerts[0]++);
        System.out.println("Heap used after GC while a Vigil replay streams " + alerts[0]
                + " alerts to a consumer (before it: " + before + " MB):");
        System.out.println();
        System.out.println("| events replayed | heap used (MB) |");
        System.out.println("|---:|---:|");
        samples.forEach(System.out::println);
    }
}
