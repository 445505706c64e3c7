package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A partitioned rule set's rules, checked at deploy against the key: each rule whose keyed
 * patterns are tied by equality to one key compiles, and each rule that would see events of other
 * keys than its own is refused at its file and line, naming the pattern that is not tied.
 */
class PartitionKeyCheckTest {
    private static final String TYPES = """
            package pay;
            declare Transaction @role(event) @timestamp(time) @expires(1h)
                id : String  time : long  cardId : String  terminalId : String  amount : double
            end
            declare FraudReport @role(event) @timestamp(time) @expires(1h)
                id : String  time : long  cardId : String  terminalId : String
            end
            declare Rate @role(event) @timestamp(time) @expires(1h)
                time : long  currency : String  value : double
            end
            declare Card
                cardId : String  holder : String
            end
            """;
    private static final Partitioning BY_CARD = Partitioning.by(Map.of("Transaction", "cardId", "FraudReport", "cardId"));

    private final RuleSetCompiler compiler = new RuleSetCompiler();

    private static RuleSetSource rules(Partitioning partitioning, String rules) {
        return new RuleSetSource("pay", Map.of("types.drl", TYPES, "rules.drl", "package pay;\n\n" + rules),
                RuleSetSettings.DEFAULTS.withPartitioning(partitioning));
    }

    /** One rule named "r", at line 3 of rules.drl. */
    private static String rule(String conditions) {
        return """
                rule "r"
                when
                %s
                then
                end
                """.formatted(conditions.indent(4));
    }

    private void accepted(String conditions) {
        try (var compiled = compiler.compile(rules(BY_CARD, rule(conditions)))) {
            assertThat(compiled.partitioning()).isEqualTo(BY_CARD);
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    private List<Diagnostic> refused(RuleSetSource source) {
        var e = catchThrowableOfType(() -> compiler.compile(source).close(), RuleSetCompilationException.class);
        assertThat(e).as("the rule set should be refused").isNotNull();
        return e.diagnostics();
    }

    private Diagnostic refusedOnce(String conditions) {
        var diagnostics = refused(rules(BY_CARD, rule(conditions)));
        assertThat(diagnostics).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("rules.drl");
            assertThat(d.line()).isEqualTo(3);
            assertThat(d.message()).startsWith("rule \"r\": ");
        });
        return diagnostics.get(0);
    }

    @Test
    void keyEqualToABoundKey_isAccepted() {
        accepted("""
                $t : Transaction($c : cardId) over window:time(1m)
                FraudReport(cardId == $c, this after[0s, 1h] $t)
                """);
    }

    @Test
    void keyEqualToAnotherPatternsKeyField_isAccepted() {
        accepted("""
                $t : Transaction() over window:time(1m)
                FraudReport($t.cardId == cardId, this after[0s, 1h] $t)
                """);
    }

    @Test
    void keyTiedThroughAChainOfBoundVariables_isAccepted() {
        accepted("""
                $t : Transaction($c : cardId) over window:time(1m)
                Card(cardId == $c, $same : cardId)
                $r : FraudReport(cardId == $same, $reported : cardId, this after[0s, 1h] $t)
                Transaction(cardId == $reported, this != $t, this before[0s, 1h] $r)
                """);
    }

    @Test
    void keyTiedInsideNotExistsAccumulateCollectAndForall_isAccepted() {
        accepted("""
                $t : Transaction($c : cardId) over window:time(1m)
                not FraudReport(cardId == $c, this before[0s, 1h] $t)
                exists (Transaction(cardId == $c, this != $t) and FraudReport(cardId == $t.cardId))
                accumulate(Transaction(cardId == $c) over window:time(1m); $n : count(); $n > 3)
                Number(intValue > 1) from accumulate(Transaction($c == cardId) over window:time(1m), count(1))
                java.util.List(size > 0) from collect(FraudReport(cardId == $c) over window:time(1h))
                forall(FraudReport(cardId == $c, $term : terminalId) Transaction(cardId == $c, terminalId == $term))
                """);
    }

    @Test
    void eachBranchOfAnOr_tiedToItsOwnBinding_isAccepted() {
        accepted("""
                (Transaction($c : cardId) over window:time(1m) or FraudReport($c : cardId) over window:time(1m))
                exists Transaction(cardId == $c, amount > 100)
                """);
    }

    @Test
    void keysEqualToTheSameLiteral_areTied() {
        accepted("""
                $t : Transaction(cardId == "c1") over window:time(1m)
                FraudReport(cardId == "c1", this after[0s, 1h] $t)
                """);
    }

    @Test
    void patternsOfTypesWithoutAKey_needNoTie() {
        accepted("""
                $t : Transaction(amount > 100) over window:time(1m)
                Rate(currency == "EUR", value > 1) over window:time(1m)
                """);
    }

    @Test
    void accumulateWithoutTheKey_isRefused_namingThePatternAndTheFix() {
        var d = refusedOnce("""
                $t : Transaction($c : cardId) over window:time(1m)
                accumulate(Transaction() over window:time(1m); $n : count(); $n > 100)
                """);

        assertThat(d.message()).isEqualTo("rule \"r\": Transaction #2 (inside accumulate) is not tied to the partition key: its cardId"
                + " is not made equal to the cardId of Transaction #1 ($t), so the events it matches can be in another partition than"
                + " those of Transaction #1, and the rule would miss or change its matches. Tie it with cardId == $c, or, if different"
                + " alerts across partitions are accepted, set acceptCrossKeyJoins in the rule set's settings");
    }

    @Test
    void twoTransactionsJoinedByTerminalOnly_areRefused_withTheBindingToAdd() {
        var d = refusedOnce("""
                $a : Transaction($term : terminalId) over window:time(1m)
                $b : Transaction(terminalId == $term, this != $a) over window:time(1m)
                """);

        assertThat(d.message()).startsWith("rule \"r\": Transaction #2 ($b) is not tied to the partition key: its cardId is not made"
                + " equal to the cardId of Transaction #1 ($a),")
                .contains("Tie it with cardId == $key (binding $key : cardId on Transaction #1 ($a)), or, if different alerts");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not FraudReport(terminalId == $t.terminalId)                                   | FraudReport #1 (inside not)",
            "exists FraudReport(terminalId == $t.terminalId)                                | FraudReport #1 (inside exists)",
            "java.util.List() from collect(FraudReport(terminalId == $t.terminalId))        | FraudReport #1 (inside collect)",
            "forall(FraudReport(cardId == $t.cardId) Transaction(terminalId == $t.terminalId)) | Transaction #2 (inside forall)",
            "$r : FraudReport(terminalId == $t.terminalId)                                  | FraudReport #1 ($r)",
    })
    void patternNotTiedWhereverItIs_isRefused(String condition, String pattern) {
        var d = refusedOnce("$t : Transaction() over window:time(1m)\n" + condition);

        assertThat(d.message()).startsWith("rule \"r\": " + pattern + " is not tied to the partition key: its cardId is not made equal"
                + " to the cardId of Transaction #1 ($t)");
    }

    @Test
    void keyedPatternOnlyInsideAnAccumulate_isRefused_asACountOverAllKeys() {
        var d = refusedOnce("accumulate(Transaction() over window:time(1m); $n : count(); $n > 100)");

        assertThat(d.message()).isEqualTo("rule \"r\": Transaction #1 (inside accumulate) is not tied to the partition key: the rule"
                + " matches no keyed event outside accumulate whose cardId it could share, so each partition would judge only its own"
                + " events (a count over all keys becomes one per partition). Match the key first, as in $e : Transaction($key :"
                + " cardId), and tie it with cardId == $key, or, if different alerts across partitions are accepted, set"
                + " acceptCrossKeyJoins in the rule set's settings");
    }

    @Test
    void ruleOfTypesWithoutAKeyOnly_isAccepted_sinceTheFirstPartitionAloneRaisesWhatTheyRaise() {
        accepted("Rate(currency == \"EUR\", value > 2) over window:time(1m)");
    }

    @Test
    void everyRuleThatIsNotTied_isReportedAtItsOwnLine() {
        var diagnostics = refused(rules(BY_CARD, """
                rule "tied"
                when
                    $t : Transaction($c : cardId) over window:time(1m)
                    not FraudReport(cardId == $c)
                then
                end

                rule "global rate"
                when
                    accumulate(Transaction() over window:time(1m); $n : count(); $n > 100)
                then
                end

                rule "card pairs"
                when
                    $a : Transaction() over window:time(1m)
                    $b : Transaction(this != $a) over window:time(1m)
                then
                end
                """));

        assertThat(diagnostics).extracting(Diagnostic::file, Diagnostic::line)
                .containsExactly(tuple("rules.drl", 10), tuple("rules.drl", 16));
    }

    @Test
    void ruleExtendingAnother_isCheckedWithTheConditionsItInherits() {
        var parent = """
                rule "card"
                when
                    $t : Transaction($c : cardId) over window:time(1m)
                then
                end

                """;
        var tied = parent + """
                rule "reported" extends "card"
                when
                    FraudReport(cardId == $c)
                then
                end
                """;
        var untied = parent + """
                rule "reported" extends "card"
                when
                    FraudReport(terminalId == $t.terminalId)
                then
                end
                """;

        compiler.compile(rules(BY_CARD, tied)).close();
        assertThat(refused(rules(BY_CARD, untied))).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(9);
            assertThat(d.message()).startsWith("rule \"reported\": FraudReport #1 is not tied to the partition key");
        });
    }

    @Test
    void ruleCallingAQuery_isRefused_asTheCheckCannotSeeIntoIt() {
        var d = refused(rules(BY_CARD, """
                query cardTransactions(String card)
                    Transaction(cardId == card)
                end

                """ + rule("""
                $r : FraudReport($c : cardId) over window:time(1h)
                cardTransactions($c;)
                """)));

        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(7);
            assertThat(x.message()).isEqualTo("rule \"r\": calls query cardTransactions, whose patterns the partition key check cannot"
                    + " follow: match the events in the rule itself, tied to the key, or, if different alerts across partitions are"
                    + " accepted, set acceptCrossKeyJoins in the rule set's settings");
        });
    }

    @Test
    void acceptCrossKeyJoins_deploysTheRule_andWarnsAtIt() {
        var accepting = BY_CARD.withAcceptCrossKeyJoins(true);
        try (var compiled = compiler.compile(rules(accepting, rule("""
                $a : Transaction($term : terminalId) over window:time(1m)
                $b : Transaction(terminalId == $term, this != $a) over window:time(1m)
                """)))) {
            assertThat(compiled.partitioning()).isEqualTo(accepting);
            assertThat(compiled.warnings()).singleElement().satisfies(w -> {
                assertThat(w.level()).isEqualTo(Diagnostic.Level.WARNING);
                assertThat(w.file()).isEqualTo("rules.drl");
                assertThat(w.line()).isEqualTo(3);
                assertThat(w.message()).startsWith("rule \"r\": Transaction #2 ($b) is not tied to the partition key")
                        .endsWith("(accepted, as acceptCrossKeyJoins is set: partitioned, this rule may give other alerts than on one"
                                + " session)");
            });
        }
    }

    @Test
    void notPartitioned_checksNothing() {
        try (var compiled = compiler.compile(rules(Partitioning.NONE, rule("accumulate(Transaction() over window:time(1m); $n : count())")))) {
            assertThat(compiled.partitioning()).isEqualTo(Partitioning.NONE);
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void keyForATypeTheRuleSetDoesNotDeclare_isRefused_namingIt() {
        var diagnostics = refused(rules(Partitioning.by(Map.of("Transaction", "cardId", "Payment", "cardId")).withAcceptCrossKeyJoins(true),
                rule("Transaction() over window:time(1m)")));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error(null, 0, 0,
                "partitionBy names Payment, which the rule set does not declare (it declares Card, FraudReport, Rate, Transaction)"));
    }

    @Test
    void keyFieldTheTypeDoesNotHave_isRefused_namingTypeAndField() {
        var diagnostics = refused(rules(Partitioning.by(Map.of("Transaction", "accountId")), rule("Transaction() over window:time(1m)")));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error(null, 0, 0,
                "partitionBy.Transaction is accountId, but Transaction has no field accountId (its fields: id, time, cardId, terminalId,"
                        + " amount)"));
    }

    @Test
    void oneKeyFieldForAllTypes_thatAnEventTypeDoesNotHave_isRefused() {
        var diagnostics = refused(rules(Partitioning.by("cardId"), rule("Transaction() over window:time(1m)")));

        assertThat(diagnostics).singleElement().isEqualTo(Diagnostic.error(null, 0, 0,
                "partitionBy is cardId, but event type Rate has no field cardId (its fields: time, currency, value): give partitionBy"
                        + " per type, as {\"Rate\": \"...\"}"));
    }

    @Test
    void factTypeWithAKey_isCheckedLikeAnEventType() {
        var byCard = Partitioning.by(Map.of("Transaction", "cardId", "FraudReport", "cardId", "Card", "cardId"));
        var untiedCard = rule("""
                $t : Transaction($c : cardId) over window:time(1m)
                Card(holder == "x")
                """);

        assertThat(refused(rules(byCard, untiedCard))).singleElement().extracting(Diagnostic::message).asString()
                .startsWith("rule \"r\": Card #1 is not tied to the partition key: its cardId is not made equal to the cardId of"
                        + " Transaction #1 ($t)");
    }
}
