package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The sample rule sets in rules/, partitioned by their natural key: which rules keep to it, and which join across keys. */
class PartitionKeySamplesTest {
    private final RuleSetCompiler compiler = new RuleSetCompiler();

    private static RuleSetSource sample(String name, Partitioning partitioning) {
        var files = new TreeMap<String, String>();
        try (Stream<Path> paths = Files.list(Path.of("..", "rules", name))) {
            for (var path : paths.filter(p -> RuleSetSource.isRuleFile(p.getFileName().toString())).toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RuleSetSource(name, files, RuleSetSettings.DEFAULTS.withPartitioning(partitioning));
    }

    /** The line of {@code text} in the sample's file: where a diagnostic about it points. */
    private static int lineOf(String sample, String file, String text) {
        try {
            var lines = Files.readAllLines(Path.of("..", "rules", sample, file));
            return lines.indexOf(text) + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long drlRules(String sample, String file) {
        try {
            return Files.readAllLines(Path.of("..", "rules", sample, file)).stream().filter(l -> l.startsWith("rule ")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Diagnostic> refused(RuleSetSource source) {
        var e = catchThrowableOfType(() -> compiler.compile(source).close(), RuleSetCompilationException.class);
        assertThat(e).as("the rule set should be refused").isNotNull();
        return e.diagnostics();
    }

    @Test
    void fraud_byCard_refusesOnlyTheRuleJoiningATerminalsReportToEveryCardUsedThere() {
        // A report about a terminal has no card: it must meet the transactions of every card, whatever their partition.
        var diagnostics = refused(sample("fraud", Partitioning.by("cardId")));

        assertThat(diagnostics).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("transactions.drl");
            assertThat(d.line()).isEqualTo(lineOf("fraud", "transactions.drl", "rule \"card used at a terminal with confirmed fraud\""));
            assertThat(d.message()).startsWith("rule \"card used at a terminal with confirmed fraud\": Transaction #1 ($t) is not tied to"
                    + " the partition key: its cardId is not made equal to the cardId of FraudReport #1 ($r)");
        });
    }

    @Test
    void fraud_byCard_acceptingCrossKeyJoins_deploysWithAWarningAtThatRule() {
        try (var compiled = compiler.compile(sample("fraud", Partitioning.by("cardId").withAcceptCrossKeyJoins(true)))) {
            assertThat(compiled.warnings()).extracting(Diagnostic::file, Diagnostic::line).containsExactly(
                    tuple("transactions.drl", lineOf("fraud", "transactions.drl", "rule \"card used at a terminal with confirmed fraud\"")));
        }
    }

    @Test
    void fraud_withReportsInEveryPartition_keepsToTheKey() {
        // Unkeyed, a report goes to every partition: the terminal rule then joins it with each partition's cards,
        // and what a report raises alone, the first partition raises.
        var key = Partitioning.by(Map.of("Transaction", "cardId"));
        try (var compiled = compiler.compile(sample("fraud", key))) {
            assertThat(compiled.partitioning()).isEqualTo(key);
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void fraud_partitionedWithoutAKey_cannotTakeOneFromItsDrlRules() {
        var diagnostics = refused(sample("fraud", Partitioning.NONE.withPartitions(2)));

        // Every DRL rule: the card's state and the terminals' reports are facts the rules insert, keyed by nothing.
        assertThat(diagnostics).hasSize((int) drlRules("fraud", "transactions.drl")).allSatisfy(d -> {
            assertThat(d.file()).isEqualTo("transactions.drl");
            assertThat(d.message()).contains("partitions is 2 but partitionBy is not given, and a DRL rule gives no key");
        });
    }

    @Test
    void monitoring_byHostAndService_keepsToTheKey() {
        // The rules over facts the rules insert (RequestMinute, Service) run in the partition that inserted them.
        var key = Partitioning.by(Map.of("Metric", "host", "Heartbeat", "host", "Request", "service"));
        try (var compiled = compiler.compile(sample("monitoring", key))) {
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void monitoring_withTheTypesItsRulesInsertKeyedToo_keepsToTheKey() {
        var key = Partitioning.by(Map.of("Metric", "host", "Heartbeat", "host", "Request", "service", "MetricIncident", "host",
                "RequestMinute", "service", "Service", "name"));

        try (var compiled = compiler.compile(sample("monitoring", key))) {
            assertThat(compiled.partitioning()).isEqualTo(key);
            assertThat(compiled.warnings()).isEmpty();
        }
    }
}
