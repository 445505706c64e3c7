package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.session.Watchdog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Replays generated transactions (arguments: how many, on how many accounts, how many ms apart,
 * and optionally how many events a sort by event time holds in memory: without it, the events run
 * in the order given) through "more than 5 in 60 s" in a JVM of its own, alerts counted, never kept; prints
 * "events N alerts M". Run by
 * {@link BoundedReplayTest} with a small heap.
 */
public final class BoundedReplayMain {
    private BoundedReplayMain() {
    }

    public static void main(String[] args) {
        int events = Integer.parseInt(args[0]);
        int accounts = Integer.parseInt(args[1]);
        long spacing = Long.parseLong(args[2]);
        var json = new ObjectMapper();
        long start = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
        var random = new SplittableRandom(42);
        Iterator<JsonNode> input = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < events;
            }

            @Override
            public JsonNode next() {
                var node = json.createObjectNode().put("type", "Transaction").put("time", start + spacing * i)
                        .put("accountId", "acc-" + random.nextInt(accounts)).put("amount", i % 1000);
                i++;
                return node;
            }
        };
        var compiled = new RuleSetCompiler().compile(RuleSetSource.of("bench", Map.of("bench.drl", TestRules.TRANSACTION + TestRules.burst(5))));
        long[] alerts = new long[1];
        ReplayResult result;
        try (var watchdog = Watchdog.start(Duration.ofSeconds(10))) {
            var order = args.length > 3 ? ReplayOrder.defaults().withSortMemory(Integer.parseInt(args[3]))
                    : ReplayOrder.defaults().withSorted(false);
            result = Replay.run(compiled, input, null, InstantSource.system(), watchdog, order, new ProgressCounters(order.sorted()),
                    alert -> alerts[0]++);
        }
        System.out.println("events " + result.stats().events() + " alerts " + alerts[0]);
    }
}
