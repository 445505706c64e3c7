package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of mistake in a rule file, reported at its line and column with what is accepted, all at once. */
class DiagnosticsTest {

    private static List<String> problems(String yaml) {
        var generated = TestTypes.compile(yaml);
        assertThat(generated.drl()).isNull();
        assertThat(generated.ok()).isFalse();
        return generated.diagnostics().stream().map(DslDiagnostic::toString).toList();
    }

    @Test
    void yaml_unquotedThreshold_isAYamlErrorThatSaysToQuote() {
        assertThat(problems("""
                rule: Velocity
                when:
                  pattern: count
                  event: Transaction
                  per: cardId
                  count: > 5
                  within: 1m
                """)).containsExactly("r.rule.yaml:6:12: not valid YAML: expected a comment or a line break, but found '5'"
                + " (a value that starts with > or | must be quoted: count: \"> 5\")");
    }

    @Test
    void yaml_bracketInFlowMapping_saysToQuoteTheCondition() {
        assertThat(problems("""
                rule: Velocity
                when: {pattern: match, event: Transaction, where: status in ["a", "b"]}
                """)).singleElement().asString()
                .startsWith("r.rule.yaml:2:61: not valid YAML: expected ',' or '}', but got [")
                .endsWith("(inside { } or [ ], quote a value that holds a comma, a bracket, a brace or ': ', as in where: 'status in [\"a\", \"b\"]')");
    }

    @Test
    void pattern_unknown_namesTheNearestAndEveryPattern() {
        assertThat(problems("""
                rule: Velocity
                when:
                  pattern: cout
                """)).containsExactly("r.rule.yaml:3:12: unknown pattern 'cout' (did you mean count?): use one of match, count,"
                + " aggregate, distinct, sequence, absence, flatline, sustained, spike, new-value, change, baseline");
    }

    @Test
    void option_misspelt_isUnknownAndTheRequiredOneMissing() {
        assertThat(problems("""
                rule: Velocity
                when:
                  pattern: count
                  event: Transaction
                  per: cardId
                  count: "> 5"
                  withn: 1m
                """)).containsExactly(
                "r.rule.yaml:3:3: pattern count needs 'within': the window, as in within: 1m",
                "r.rule.yaml:7:3: unknown option 'withn' in pattern count (did you mean within?): accepted are pattern, event, where,"
                        + " per, within, count");
    }

    @Test
    void eventType_unknown_listsTheDeclaredTypes() {
        assertThat(problems("""
                rule: Velocity
                when:
                  pattern: count
                  event: Transactoin
                  per: cardId
                  count: "> 5"
                  within: 1m
                """)).containsExactly("r.rule.yaml:4:10: unknown event type 'Transactoin' (did you mean Transaction?): the rule set"
                + " declares Heartbeat, OrderPlaced, Payment, Reading, Transaction");
    }

    @Test
    void severalMistakes_areAllReportedInLineOrder() {
        assertThat(problems("""
                rule: Velocity
                severity: urgent
                when:
                  pattern: count
                  event: Transaction
                  where: amout > 5
                  per: card
                  count: "more than 5"
                  within: 1 minute
                """)).containsExactly(
                "r.rule.yaml:2:11: 'urgent' is not a severity: use one of low, medium, high, critical",
                "r.rule.yaml:6:10: Transaction has no field 'amout' (did you mean amount?); its fields are id, time, cardId,"
                        + " terminalId, amount, country, status",
                "r.rule.yaml:8:11: 'count': expected a comparison and a number, such as \"> 5\" or \">= 100\"",
                "r.rule.yaml:9:11: within: '1 minute' is not a duration: write a number with ms, s, m, h or d (for example 30s, 10m,"
                        + " 1h30m) or ISO-8601 (PT10M)");
    }

    @Test
    void per_unknownField_namesTheType() {
        assertThat(problems("""
                rule: Velocity
                when:
                  pattern: count
                  event: Transaction
                  per: card
                  count: "> 5"
                  within: 1m
                """)).containsExactly("r.rule.yaml:5:8: per: Transaction has no field 'card' (did you mean cardId?); its fields are id, time, cardId,"
                + " terminalId, amount, country, status");
    }

    @Test
    void where_thatDoesNotParse_pointsAtTheToken() {
        assertThat(problems("""
                rule: Big
                when:
                  pattern: match
                  event: Transaction
                  where: amount > > 5
                """)).containsExactly("r.rule.yaml:5:19: the condition does not parse: unexpected '>': expected a field name, a number,"
                + " a quoted text, true, false or null");
    }

    @Test
    void where_unclosedParenthesis_saysWhichOne() {
        assertThat(problems("""
                rule: Big
                when:
                  pattern: match
                  event: Transaction
                  where: "(amount > 5 or status == 'x'"
                """)).containsExactly("r.rule.yaml:5:39: the condition does not parse: expected ')' to close the '(' at column 1");
    }

    @Test
    void where_textComparedWithNumber_saysToQuote() {
        assertThat(problems("""
                rule: Big
                when:
                  pattern: match
                  event: Transaction
                  where: "cardId == 42"
                """)).containsExactly("r.rule.yaml:5:21: cannot compare a text with a number: quote the value, as in \"42\"");
    }

    @Test
    void where_earlierStepThatIsNot_namesTheEarlierSteps() {
        assertThat(problems("""
                rule: Escalation
                when:
                  pattern: sequence
                  per: cardId
                  within: 5m
                  steps:
                    - {event: Transaction}
                    - {event: Transaction, where: amount > later.amount}
                """)).containsExactly("r.rule.yaml:8:44: 'later' is not an earlier step; earlier steps are first");
    }

    @Test
    void placeholder_unknown_suggestsAndListsTheNames() {
        assertThat(problems("""
                rule: Big
                when:
                  pattern: count
                  event: Transaction
                  per: cardId
                  count: "> 5"
                  within: 1m
                then:
                  message: "{cardId} made {cuont} payments"
                """)).containsExactly("r.rule.yaml:9:28: unknown placeholder {cuont} (did you mean {count}?): this rule can name {rule},"
                + " {key}, {cardId}, {count}, {id}, {time}, {terminalId}, {amount}, {country}, {status}, {event.id}, {event.time},"
                + " {event.cardId}, {event.terminalId}, {event.amount}, {event.country}, {event.status}");
    }

    @Test
    void aggregate_unknownFunctionAndTextField_areNamed() {
        assertThat(problems("""
                rule: Spend
                when:
                  pattern: aggregate
                  event: Transaction
                  per: cardId
                  aggregate: total(amount) > 5
                  within: 1h
                ---
                rule: Spend 2
                when:
                  pattern: aggregate
                  event: Transaction
                  per: cardId
                  aggregate: sum(country) > 5
                  within: 1h
                """)).containsExactly(
                "r.rule.yaml:6:14: unknown function 'total': use sum, avg, min or max",
                "r.rule.yaml:14:18: sum needs a number field, and country is String");
    }

    @Test
    void rule_withoutWhenOrName_andDuplicateNames_areReported() {
        assertThat(problems("""
                severity: high
                ---
                rule: Twice
                when: {pattern: match, event: Transaction}
                ---
                rule: Twice
                when: {pattern: match, event: Heartbeat}
                """)).containsExactly(
                "r.rule.yaml:1:1: the rule has no 'rule': give it a name, as in rule: Card velocity",
                "r.rule.yaml:1:1: the rule has no 'when': say what it matches, as in when: {pattern: count, event: Transaction, ...}",
                "r.rule.yaml:6:1: a rule named 'Twice' is already in this file (line 3)");
    }

    @Test
    void missing_optionsOfAPattern_areEachNamed() {
        assertThat(problems("""
                rule: Unpaid
                when:
                  pattern: absence
                  event: OrderPlaced
                """)).containsExactly(
                "r.rule.yaml:3:3: pattern absence needs 'per': the field (or list of fields) that keys it, as in per: cardId",
                "r.rule.yaml:3:3: pattern absence needs 'within': the window, as in within: 1m",
                "r.rule.yaml:3:3: pattern absence needs 'missing': the event that should follow, as in missing: {event: Payment}");
    }

    @Test
    void emptyFile_saysWhatARuleLooksLike() {
        assertThat(problems("# nothing yet\n")).containsExactly(
                "r.rule.yaml:1:1: the file holds no rule: start with rule: <name>, then when: and then:");
    }
}
