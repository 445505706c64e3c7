package dev.vigil.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The benchmarks' workload: transactions, and the rule "more than 5 transactions per account in
 * 60 s" (W1), kept in {@code w1.drl} (which the wrk driver deploys too) and varied here so that
 * Vigil and raw Drools run the same DRL.
 */
final class Workload {
    /** W1 as written, with Vigil's alert as its consequence. */
    static final String W1 = read("w1.drl");
    private static final String CONSEQUENCE = "alerts.raise($acc, \"more than 5 transactions in 60 s\");";
    private static final String RULE_LINE = "rule \"more than 5 transactions per account in 60 s\"";

    private Workload() {
    }

    /** W1 with {@code annotations} (such as {@code @suppress("10m")}) and {@code consequence} instead of the alert. */
    static String variant(String annotations, String consequence) {
        return W1.replace(RULE_LINE, RULE_LINE + "\n" + annotations).replace(CONSEQUENCE, consequence);
    }

    private static String read(String name) {
        try (var in = Workload.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
