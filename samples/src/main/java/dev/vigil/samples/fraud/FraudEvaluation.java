package dev.vigil.samples.fraud;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.samples.Replays;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rules scored over data sets of several seeds and variants: each generated, replayed in this
 * process and scored, then the scores pooled (payments of every run counted together).
 */
public final class FraudEvaluation {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One data set's score, and how long its replay took. */
    public record Run(long seed, String variant, FraudScore.Result score, int events, Duration replay) {
    }

    private final List<Run> runs = new ArrayList<>();

    /** Generates the data set of {@code settings}, replays {@code rules} over it and scores the alerts. */
    public Run run(RuleSetSource rules, FraudGenerator.Settings settings) throws IOException {
        var events = new StringWriter();
        var labels = new StringWriter();
        var summary = new FraudGenerator(settings).write(events, labels);
        long started = System.nanoTime();
        var alerts = Replays.alerts(rules, new ByteArrayInputStream(events.toString().getBytes(StandardCharsets.UTF_8)),
                settings.start().plus(Duration.ofDays(settings.days() + 30L)));
        var took = Duration.ofNanos(System.nanoTime() - started);
        var parsed = new ArrayList<FraudScore.Label>();
        for (var line : labels.toString().split("\n")) {
            if (!line.isBlank()) {
                parsed.add(FraudScore.Label.of(JSON.readTree(line)));
            }
        }
        var run = new Run(settings.seed(), summary.variant(), FraudScore.score(alerts.stream().map(FraudScore.Scored::of).toList(), parsed),
                summary.transactions() + summary.reports(), took);
        runs.add(run);
        return run;
    }

    /** The runs so far. */
    public List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The header of {@link #row}'s table. */
    public static String header() {
        return String.format(Locale.ROOT, "| seed | variant | precision | recall | F1 | flagged | fraudulent | events/s |%n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|%n");
    }

    /** One run as a row of a Markdown table. */
    public static String row(Run r) {
        var s = r.score();
        return String.format(Locale.ROOT, "| %d | %s | %.3f | %.3f | %.3f | %d | %d | %,.0f |%n", r.seed(), r.variant(),
                s.transactionPrecision(), s.transactionRecall(), s.transactionF1(), s.flaggedTransactions(), s.fraudulentTransactions(),
                r.events() / Math.max(1e-3, r.replay().toNanos() / 1e9));
    }

    /** Every run pooled: precision, recall and F1 per payment, recall per kind of fraud, each rule's precision. */
    public String pooled() {
        long flagged = 0;
        long truePositives = 0;
        long fraudulent = 0;
        var kinds = new TreeMap<String, double[]>();
        var rules = new TreeMap<String, long[]>();
        for (var run : runs) {
            var s = run.score();
            flagged += s.flaggedTransactions();
            fraudulent += s.fraudulentTransactions();
            truePositives += Math.round(s.transactionPrecision() * s.flaggedTransactions());
            for (Map.Entry<String, double[]> k : s.recallByKind().entrySet()) {
                var sum = kinds.computeIfAbsent(k.getKey(), x -> new double[2]);
                sum[0] += k.getValue()[0];
                sum[1] += k.getValue()[1];
            }
            for (var rule : s.rules()) {
                var sum = rules.computeIfAbsent(rule.rule(), x -> new long[3]);
                sum[0] += rule.alerts();
                sum[1] += rule.flagged();
                sum[2] += rule.fraudulent();
            }
        }
        double precision = flagged == 0 ? Double.NaN : (double) truePositives / flagged;
        double recall = fraudulent == 0 ? Double.NaN : (double) truePositives / fraudulent;
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nPooled over %d runs: precision %.3f, recall %.3f, F1 %.3f per payment (%d flagged, %d fraudulent)%n%n",
                runs.size(), precision, recall, FraudScore.f1(precision, recall), flagged, fraudulent));
        out.append(String.format(Locale.ROOT, "| kind of fraud | payments | recall |%n|---|---:|---:|%n"));
        kinds.forEach((kind, c) -> out.append(String.format(Locale.ROOT, "| %s | %d | %.3f |%n", kind, (int) c[0], c[1] / c[0])));
        out.append(String.format(Locale.ROOT, "%n| rule | alerts | payments flagged | of them fraudulent | precision |%n|---|---:|---:|---:|---:|%n"));
        rules.forEach((rule, c) -> out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", rule, c[0], c[1], c[2],
                c[1] == 0 ? "" : String.format(Locale.ROOT, "%.3f", (double) c[2] / c[1]))));
        return out.toString();
    }
}
