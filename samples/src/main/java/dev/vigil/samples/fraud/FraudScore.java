package dev.vigil.samples.fraud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alerts of a replay scored against the generator's labels: precision and recall per
 * fraudulent transaction and per card, detection delay per fraud case, and each rule's share.
 *
 * <p>What an alert flags: the transaction named by its {@code transaction} attribute, else the
 * transactions among its evidence, the events that triggered it (what its rule consulted, its
 * context, is not flagged). An alert with {@code atRisk} (a card used at a compromised
 * terminal) flags its card only; one with {@code reported} echoes a fraud report, which is the
 * ground truth arriving, not a detection, and is left out of the scores.
 */
public final class FraudScore {
    /** An alert as the scorer needs it, from a replay in this process or from {@code vigil replay}'s NDJSON. */
    public record Scored(String rule, String key, Instant eventTime, List<String> evidence, Map<String, Object> attributes) {
        public static Scored of(Alert a) {
            return new Scored(a.rule(), a.key(), a.eventTime(), a.evidence(), a.attributes());
        }

        public static Scored of(JsonNode a) {
            var evidence = new ArrayList<String>();
            a.path("evidence").forEach(e -> evidence.add(e.asText()));
            var attributes = new HashMap<String, Object>();
            a.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
            return new Scored(text(a, "rule", "an alert"), text(a, "key", "an alert"), Instant.parse(text(a, "eventTime", "an alert")),
                    evidence, attributes);
        }
    }

    /** A fraudulent payment: its case and kind. */
    public record Label(String transactionId, String cardId, String kase, String kind, Instant time) {
        public static Label of(JsonNode l) {
            var what = "a label (transactionId, cardId, case, kind, time)";
            var time = l.get("time");
            if (time == null || !time.canConvertToLong()) {
                throw new IllegalArgumentException(what + " needs time, in epoch milliseconds");
            }
            return new Label(text(l, "transactionId", what), text(l, "cardId", what), text(l, "case", what), text(l, "kind", what),
                    Instant.ofEpochMilli(time.asLong()));
        }
    }

    /** The text of {@code node}'s field {@code name}; refused naming it when it is missing. */
    private static String text(JsonNode node, String name, String what) {
        var value = node.get(name);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new IllegalArgumentException(what + " needs " + name);
        }
        return value.asText();
    }

    /** One rule's part: its alerts, the transactions it flagged and how many of those were fraud. */
    public record RuleScore(String rule, int alerts, int flagged, int fraudulent) {
        public double precision() {
            return flagged == 0 ? Double.NaN : (double) fraudulent / flagged;
        }
    }

    /** The scores. */
    public record Result(double transactionPrecision, double transactionRecall, int flaggedTransactions, int fraudulentTransactions,
                         double cardPrecision, double cardRecall, int flaggedCards, int fraudulentCards,
                         int cases, int casesDetected, Duration medianDelay, Duration p90Delay, List<RuleScore> rules,
                         Map<String, double[]> recallByKind) {
        /** The harmonic mean of precision and recall per transaction. */
        public double transactionF1() {
            return f1(transactionPrecision, transactionRecall);
        }
    }

    /** The harmonic mean of a precision and a recall; 0 when both are 0, NaN when either is. */
    public static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private FraudScore() {
    }

    public static Result score(List<Scored> alerts, List<Label> labels) {
        var fraud = new HashMap<String, Label>();
        labels.forEach(l -> fraud.put(l.transactionId(), l));
        var fraudCards = new HashSet<String>();
        labels.forEach(l -> fraudCards.add(l.cardId()));
        var flagged = new HashSet<String>();
        var flaggedCards = new HashSet<String>();
        var perRule = new TreeMap<String, int[]>();
        var perRuleFlagged = new HashMap<String, Set<String>>();
        var firstDetection = new HashMap<String, Instant>();
        var caseStart = new HashMap<String, Instant>();
        var caseCard = new HashMap<String, String>();
        for (var l : labels) {
            caseStart.merge(l.kase(), l.time(), (a, b) -> a.isBefore(b) ? a : b);
            caseCard.putIfAbsent(l.kase(), l.cardId());
        }
        for (var a : alerts) {
            perRule.computeIfAbsent(a.rule(), r -> new int[1])[0]++;
            if (a.attributes().containsKey("reported")) {
                continue;
            }
            if (a.attributes().containsKey("atRisk")) {
                flaggedCards.add(a.key());
                continue;
            }
            flaggedCards.add(a.key());
            var ids = new ArrayList<String>();
            var named = a.attributes().get("transaction");
            if (named != null) {
                ids.add(named.toString());
            } else {
                a.evidence().stream().filter(id -> !id.startsWith("fr-")).forEach(ids::add);
            }
            for (var id : ids) {
                flagged.add(id);
                perRuleFlagged.computeIfAbsent(a.rule(), r -> new HashSet<>()).add(id);
                var label = fraud.get(id);
                if (label != null) {
                    firstDetection.merge(label.kase(), a.eventTime(), (x, y) -> x.isBefore(y) ? x : y);
                }
            }
        }
        int truePositives = (int) flagged.stream().filter(fraud::containsKey).count();
        int cardHits = (int) flaggedCards.stream().filter(fraudCards::contains).count();
        var delays = new ArrayList<Duration>();
        firstDetection.forEach((kase, at) -> delays.add(Duration.between(caseStart.get(kase), at)));
        delays.sort(null);
        var rules = new ArrayList<RuleScore>();
        perRule.forEach((rule, n) -> {
            var ids = perRuleFlagged.getOrDefault(rule, Set.of());
            rules.add(new RuleScore(rule, n[0], ids.size(), (int) ids.stream().filter(fraud::containsKey).count()));
        });
        var byKind = new TreeMap<String, double[]>();
        for (var l : labels) {
            var counts = byKind.computeIfAbsent(l.kind(), k -> new double[2]);
            counts[0]++;
            if (flagged.contains(l.transactionId())) {
                counts[1]++;
            }
        }
        return new Result(ratio(truePositives, flagged.size()), ratio(truePositives, fraud.size()), flagged.size(), fraud.size(),
                ratio(cardHits, flaggedCards.size()), ratio(cardHits, fraudCards.size()), flaggedCards.size(), fraudCards.size(),
                caseStart.size(), firstDetection.size(), percentile(delays, 0.5), percentile(delays, 0.9), rules, byKind);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static Duration percentile(List<Duration> sorted, double p) {
        return sorted.isEmpty() ? Duration.ZERO : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** The scores as Markdown tables. */
    public static String table(Result r) {
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| | precision | recall | F1 | flagged | fraudulent |%n|---|---:|---:|---:|---:|---:|%n"));
        out.append(String.format(Locale.ROOT, "| per transaction | %.3f | %.3f | %.3f | %d | %d |%n", r.transactionPrecision(), r.transactionRecall(), r.transactionF1(),
                r.flaggedTransactions(), r.fraudulentTransactions()));
        out.append(String.format(Locale.ROOT, "| per card | %.3f | %.3f | %.3f | %d | %d |%n", r.cardPrecision(), r.cardRecall(), f1(r.cardPrecision(), r.cardRecall()), r.flaggedCards(),
                r.fraudulentCards()));
        out.append(String.format(Locale.ROOT, "%nFraud cases detected: %d of %d; delay from the first fraudulent payment to the first alert"
                + " naming one: median %s, 90th percentile %s%n%n", r.casesDetected(), r.cases(), human(r.medianDelay()), human(r.p90Delay())));
        out.append(String.format(Locale.ROOT, "| kind of fraud | payments | recall |%n|---|---:|---:|%n"));
        r.recallByKind().forEach((kind, c) -> out.append(String.format(Locale.ROOT, "| %s | %d | %.3f |%n", kind, (int) c[0], c[1] / c[0])));
        out.append(String.format(Locale.ROOT, "%n| rule | alerts | transactions flagged | of them fraudulent | precision |%n|---|---:|---:|---:|---:|%n"));
        for (var rule : r.rules()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", rule.rule(), rule.alerts(), rule.flagged(), rule.fraudulent(),
                    rule.flagged() == 0 ? "" : String.format(Locale.ROOT, "%.3f", rule.precision())));
        }
        return out.toString();
    }

    private static String human(Duration d) {
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
