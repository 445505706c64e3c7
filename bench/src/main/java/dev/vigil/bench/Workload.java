package dev.vigil.bench;

import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * The benchmarks' workload: transactions, and the rule "more than 5 transactions per account in
 * 60 s" (W1), kept in {@code w1.drl} (which the wrk driver deploys too) and varied here so that
 * Vigil and raw Drools run the same DRL.
 */
final class Workload {
    /** W1 as written, with Vigil's alert as its consequence. */
    static final String W1 = read("w1.drl");
    /** The watchdog replays run under, with the rule timeout the server has by default. */
    static final Engine ENGINE = Engine.create(EngineConfig.defaults());
    private static final String CONSEQUENCE = "alerts.raise($acc, \"more than 5 transactions in 60 s\");";
    private static final String RULE_LINE = "rule \"more than 5 transactions per account in 60 s\"";

    private Workload() {
    }

    /** W1 with {@code annotations} (such as {@code @suppress("10m")}) and {@code consequence} instead of the alert. */
    static String variant(String annotations, String consequence) {
        return W1.replace(RULE_LINE, RULE_LINE + "\n" + annotations).replace(CONSEQUENCE, consequence);
    }

    /**
     * {@code events} transactions {@code spacing} ms apart from {@code start}, each on one of
     * {@code accounts} accounts at random (seed 42), as JSON events; {@code everyTenth}, when
     * given, runs after each tenth of them.
     */
    static Iterator<JsonNode> transactions(ObjectMapper json, long start, int events, int accounts, long spacing, Runnable everyTenth) {
        var random = new SplittableRandom(42);
        int tenth = Math.max(1, events / 10);
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < events;
            }

            @Override
            public JsonNode next() {
                if (everyTenth != null && i > 0 && i % tenth == 0) {
                    everyTenth.run();
                }
                var node = json.createObjectNode()
                        .put("type", "Transaction")
                        .put("id", "t" + i)
                        .put("time", start + i * spacing)
                        .put("accountId", "acc-" + random.nextInt(accounts))
                        .put("amount", random.nextInt(100_000) / 100.0);
                i++;
                return node;
            }
        };
    }

    /** The median of {@code values}. */
    static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@code values} as "1,234, 5,678". */
    static String list(double[] values) {
        var out = new StringBuilder();
        for (var v : values) {
            out.append(out.length() == 0 ? "" : ", ").append(String.format("%,.0f", v));
        }
        return out.toString();
    }

    private static String read(String name) {
        try (var in = Workload.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
