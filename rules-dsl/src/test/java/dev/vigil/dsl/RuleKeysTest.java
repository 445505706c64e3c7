package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What each rule of a file groups its events by, as a partitioned rule set takes its key from. */
class RuleKeysTest {

    @Test
    void keys_givePerAndEveryEventTypeOfEachRule_atItsLine() {
        var generated = TestTypes.compile("""
                rule: velocity
                when: {pattern: count, event: Transaction, per: cardId, count: "> 5", within: 1m}
                ---
                rule: not paid
                when:
                  pattern: absence
                  event: OrderPlaced
                  per: orderId
                  missing: {event: Payment}
                  within: 15m
                ---
                rule: big
                when: {pattern: match, event: Transaction, where: amount > 1000}
                ---
                rule: per host and metric
                when: {pattern: flatline, event: Reading, per: [host, metric], for: 2m}
                """);

        assertThat(generated.ok()).as("%s", generated.diagnostics()).isTrue();
        assertThat(generated.keys()).containsExactly(
                new RuleKey("velocity", 1, List.of("cardId"), List.of("Transaction")),
                new RuleKey("not paid", 4, List.of("orderId"), List.of("OrderPlaced", "Payment")),
                new RuleKey("big", 12, List.of(), List.of("Transaction")),
                new RuleKey("per host and metric", 15, List.of("host", "metric"), List.of("Reading")));
        assertThat(generated.keys().get(2).isUnkeyed()).isTrue();
    }

    @Test
    void keys_ofASequence_nameEachTypeOnce() {
        var generated = TestTypes.compile("""
                rule: small then big
                when:
                  pattern: sequence
                  per: cardId
                  within: 10m
                  steps:
                    - {name: small, event: Transaction, where: amount < 5}
                    - {event: Transaction, where: amount > 100 * small.amount}
                """);

        assertThat(generated.keys()).containsExactly(new RuleKey("small then big", 1, List.of("cardId"), List.of("Transaction")));
    }

    @Test
    void keys_ofAFileWithErrors_areEmpty() {
        var generated = TestTypes.compile("""
                rule: velocity
                when: {pattern: count, event: Transaction, per: cardNo, count: "> 5", within: 1m}
                """);

        assertThat(generated.ok()).isFalse();
        assertThat(generated.keys()).isEmpty();
    }
}
