package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The partition key a rule set runs by: the one its settings give, or, when they ask for
 * partitions without one, the one its rule-language rules' per give, refused when the rules do
 * not agree on one or a rule has none.
 */
class PartitionKeysTest {
    private static final String TYPES = """
            package pay;
            declare Transaction @role(event) @timestamp(time) @expires(1h)
                id : String  time : long  cardId : String  terminalId : String  amount : double
            end
            declare FraudReport @role(event) @timestamp(time) @expires(1h)
                id : String  time : long  cardId : String  terminalId : String
            end
            """;
    private static final String VELOCITY = """
            rule: velocity
            when: {pattern: count, event: Transaction, per: cardId, count: "> 5", within: 1m}
            """;
    private static final String REPORTED = """
            rule: reported then used
            when:
              pattern: sequence
              per: [cardId, terminalId]
              within: 1h
              steps:
                - {event: FraudReport}
                - {event: Transaction}
            """;

    private final RuleSetCompiler compiler = new RuleSetCompiler();

    private static RuleSetSource source(Partitioning partitioning, String... pathsAndTexts) {
        var files = new HashMap<String, String>();
        files.put("types.drl", TYPES);
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            files.put(pathsAndTexts[i], pathsAndTexts[i + 1]);
        }
        return new RuleSetSource("pay", files, RuleSetSettings.DEFAULTS.withPartitioning(partitioning));
    }

    private List<Diagnostic> refused(RuleSetSource source) {
        var e = catchThrowableOfType(() -> compiler.compile(source).close(), RuleSetCompilationException.class);
        assertThat(e).as("the rule set should be refused").isNotNull();
        return e.diagnostics();
    }

    @Test
    void partitionsWithoutAKey_takeTheFieldEveryRuleGroupsEachTypeBy() {
        var source = source(Partitioning.NONE.withPartitions(4), "velocity.rule.yaml", VELOCITY, "reported.rule.yaml", REPORTED);

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.partitioning())
                    .isEqualTo(new Partitioning(Map.of("Transaction", "cardId", "FraudReport", "cardId"), null, 4, false));
            assertThat(compiled.partitioning().sessions()).isEqualTo(4);
        }
    }

    @Test
    void keyGivenInTheSettings_isTheOneUsed_evenWithRulesThatGroupOtherwise() {
        var byCard = Partitioning.by("cardId").withPartitions(2);

        try (var compiled = compiler.compile(source(byCard, "velocity.rule.yaml", VELOCITY))) {
            assertThat(compiled.partitioning()).isEqualTo(byCard);
        }
    }

    @Test
    void noPartitionsAndNoKey_isNotPartitioned() {
        try (var compiled = compiler.compile(source(Partitioning.NONE, "velocity.rule.yaml", VELOCITY))) {
            assertThat(compiled.partitioning()).isEqualTo(Partitioning.NONE);
            assertThat(compiled.partitioning().sessions()).isEqualTo(1);
        }
    }

    @Test
    void rulesGroupingATypeByDifferentFields_areRefused_namingBoth() {
        var byTerminal = """
                # grouped otherwise
                rule: terminal velocity
                when: {pattern: count, event: Transaction, per: terminalId, count: "> 50", within: 1m}
                """;

        var diagnostics = refused(source(Partitioning.NONE.withPartitions(2), "velocity.rule.yaml", VELOCITY, "terminal.rule.yaml", byTerminal));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error("velocity.rule.yaml", 1, 0, "rule \"velocity\" groups"
                + " Transaction by per: cardId, but rule \"terminal velocity\" (terminal.rule.yaml:2) groups it by per: terminalId: no"
                + " one field keys Transaction in both, so the partition key cannot be taken from the rules. Give partitionBy in the"
                + " rule set's settings, as {\"Transaction\": \"terminalId\"}; the rules that do not group by it are then refused, or"
                + " accepted with acceptCrossKeyJoins"));
    }

    @Test
    void aDrlRule_givesNoKey_andIsRefusedAtItsLine() {
        var drl = """
                package pay;

                rule "big"
                when
                    $t : Transaction(amount > 1000) over window:time(1m)
                then
                end
                """;

        var diagnostics = refused(source(Partitioning.NONE.withPartitions(2), "velocity.rule.yaml", VELOCITY, "big.drl", drl));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error("big.drl", 3, 0, "rule \"big\": partitions is 2 but"
                + " partitionBy is not given, and a DRL rule gives no key to take it from (a rule-language rule gives the fields of its"
                + " per:): give partitionBy in the rule set's settings, as {\"Transaction\": \"cardId\"}"));
    }

    @Test
    void aMatchWithoutPer_givesNoKey_andIsRefusedAtItsLine() {
        var big = """
                rule: big
                when: {pattern: match, event: Transaction, where: amount > 1000}
                """;

        var diagnostics = refused(source(Partitioning.NONE.withPartitions(2), "velocity.rule.yaml", VELOCITY, "big.rule.yaml", big));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error("big.rule.yaml", 1, 0, "rule \"big\": partitions is 2 but"
                + " partitionBy is not given, and this rule has no per: to take the key from: add per: with the field its events are"
                + " keyed by, or give partitionBy in the rule set's settings"));
    }

    @Test
    void aMatchWithoutPer_isTiedToAnyKey_whenTheKeyIsGiven() {
        var big = """
                rule: big
                when: {pattern: match, event: Transaction, where: amount > 1000}
                """;

        try (var compiled = compiler.compile(source(Partitioning.by("cardId"), "big.rule.yaml", big))) {
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void ruleLanguageRule_groupingByOtherThanTheGivenKey_isRefusedInItsOwnWords() {
        var diagnostics = refused(source(Partitioning.by(Map.of("Transaction", "terminalId")), "velocity.rule.yaml", VELOCITY));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error("velocity.rule.yaml", 1, 0, "rule \"velocity\" groups its"
                + " events by per: cardId, but Transaction is partitioned by terminalId, so the events of one key can be in different"
                + " partitions. Add the partition key to per:, partition by a field of per:, or, if different alerts across partitions"
                + " are accepted, set acceptCrossKeyJoins in the rule set's settings"));
    }

    @Test
    void derivedKey_isCheckedAgainstTheRules_likeAGivenOne() {
        // The sequence keys both types by cardId and terminalId; partitioned by cardId, it keeps to the key.
        try (var compiled = compiler.compile(source(Partitioning.NONE.withPartitions(2), "reported.rule.yaml", REPORTED))) {
            assertThat(compiled.partitioning().byType()).containsOnly(Map.entry("FraudReport", "cardId"), Map.entry("Transaction", "cardId"));
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{pattern: match, event: Transaction, per: cardId}",
            "{pattern: count, event: Transaction, per: cardId, count: '> 5', within: 1m}",
            "{pattern: aggregate, event: Transaction, per: cardId, aggregate: sum(amount) > 1000, within: 1h}",
            "{pattern: distinct, event: Transaction, per: cardId, field: terminalId, count: '>= 3', within: 1h}",
            "{pattern: sequence, per: cardId, within: 1h, steps: [{event: FraudReport}, {event: Transaction}]}",
            "{pattern: absence, event: Transaction, per: cardId, missing: {event: FraudReport}, within: 1h}",
            "{pattern: flatline, event: Transaction, per: cardId, for: 1h}",
            "{pattern: sustained, event: Transaction, per: cardId, condition: amount > 100, for: 10m}",
            "{pattern: spike, event: Transaction, per: cardId, within: 1m, baseline: 1h, factor: 3}",
            "{pattern: spike, event: Transaction, per: cardId, within: 1m, baseline: 1h, factor: 3, field: amount}",
            "{pattern: new-value, event: Transaction, per: cardId, field: terminalId, within: 1h}",
            "{pattern: change, event: Transaction, per: cardId, field: terminalId, within: 1h}",
    })
    void everyPatternOfTheRuleLanguage_keepsToTheKeyOfItsPer(String when) {
        var rule = "rule: r\nwhen: " + when + "\n";

        try (var compiled = compiler.compile(source(Partitioning.NONE.withPartitions(2), "r.rule.yaml", rule))) {
            assertThat(compiled.partitioning().byType()).containsEntry("Transaction", "cardId");
            assertThat(compiled.warnings()).isEmpty();
        }
    }
}
