package dev.vigil.engine.ruletest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.Expectation;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleTestCase;
import dev.vigil.engine.api.RuleTestFormatException;
import dev.vigil.engine.api.RuleTestReport;
import dev.vigil.engine.session.Watchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RuleTestsTest {
    private static final Watchdog WATCHDOG = Watchdog.start(Duration.ofSeconds(10));
    private static final RuleSetSource BURST = RuleSetSource.of("fraud", Map.of("fraud.drl", TestRules.TRANSACTION + TestRules.burst(2)));

    /** Three transactions of a1 10 s apart: "burst" (more than 2 in 60 s) fires at 20s, once (the same three events for each). */
    private static final String EVENTS = """
            events:
              - {at: 0s, type: Transaction, accountId: a1, amount: 10}
              - {at: 10s, type: Transaction, accountId: a1, amount: 10}
              - {at: 20s, type: Transaction, accountId: a1, amount: 10}
              - {at: 25s, type: Transaction, accountId: a2, amount: 10}
            """;

    private static RuleTestReport run(RuleSetSource source, String yaml) {
        return RuleTests.run(source, RuleTests.parse("fraud.test.yaml", yaml), WATCHDOG);
    }

    @Test
    void parse_readsOneCase_withRelativeAndAbsoluteTimes_andIds() {
        var cases = RuleTests.parse("a.test.yaml", """
                name: burst
                start: 2026-11-20T10:00:00Z
                events:
                  - {at: 0s, type: Transaction, accountId: a1, amount: 10}
                  - {time: "2026-11-20T10:01:00Z", type: Transaction, id: mine, accountId: a1, amount: 10}
                expect:
                  - {rule: burst, key: a1, at: 1m, severity: high}
                until: 10m
                """);

        assertThat(cases).hasSize(1);
        var c = cases.get(0);
        assertThat(c.name()).isEqualTo("burst");
        assertThat(c.events()).extracting(e -> e.get("time").asText()).containsExactly("2026-11-20T10:00:00Z", "2026-11-20T10:01:00Z");
        assertThat(c.events()).extracting(e -> e.get("id").asText()).containsExactly("a.test.yaml#1", "mine");
        assertThat(c.events().get(0).get("amount").asInt()).isEqualTo(10);
        assertThat(c.eventLines()).containsExactly(4, 5);
        assertThat(c.expect().get(0).at()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.expect().get(0).line()).isEqualTo(7);
        assertThat(c.until()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void parse_readsSeveralDocuments_orAList() {
        var documents = RuleTests.parse("a.test.yaml", "name: one\n" + EVENTS + "exactly: true\n---\nname: two\n" + EVENTS + "exactly: true\n");
        var list = RuleTests.parse("b.test.yaml", "- name: one\n  events: [{at: 0s, type: Transaction}]\n  exactly: true\n"
                + "- name: two\n  events: [{at: 0s, type: Transaction}]\n  exactly: true\n");

        assertThat(documents).extracting(RuleTestCase::name).containsExactly("one", "two");
        assertThat(list).extracting(RuleTestCase::name).containsExactly("one", "two");
        assertThat(list.get(0).start()).isEqualTo(RuleTests.DEFAULT_START);
    }

    @Test
    void parse_namesTheFileAndLine_ofEachProblem() {
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: a\nevents:\n  - {at: 0s, type: T}\nexpekt: []\n"))
                .isInstanceOf(RuleTestFormatException.class).hasMessageStartingWith("x.test.yaml:4: unknown key 'expekt'");
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: a\nevents:\n  - {type: T}\nexactly: true\n"))
                .hasMessageStartingWith("x.test.yaml:3: give the event either at:");
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: a\nevents:\n  - {at: soon, type: T}\nexactly: true\n"))
                .hasMessageStartingWith("x.test.yaml:3: at:");
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: a\nevents:\n  - {at: 0s, type: T}\nexpect:\n  - {key: a1}\n"))
                .hasMessage("x.test.yaml:5: the expectation names no rule");
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: a\nevents:\n  - {at: 0s, type: T}\n"))
                .hasMessageStartingWith("x.test.yaml:1: test case 'a' expects nothing");
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: [a\n")).hasMessageStartingWith("x.test.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void aCaseWhoseAlertsFire_passes_andAtMatchesTheExactMillisecond() {
        var report = run(BURST, "name: burst\n" + EVENTS + """
                expect:
                  - {rule: burst, key: a1, at: 20s, severity: high}
                expectNone:
                  - {rule: burst, key: a2}
                """);
        var offByOne = run(BURST, "name: burst\n" + EVENTS + "expect:\n  - {rule: burst, key: a1, at: 20001ms}\n");

        assertThat(report.passed()).as(report.toString()).isTrue();
        assertThat(report.cases().get(0).fired()).hasSize(1);
        assertThat(offByOne.passed()).isFalse();
    }

    @Test
    void aMissingAlert_failsSayingWhatWasExpected_andWhatFired() {
        var report = run(BURST, "name: burst\n" + EVENTS + "expect:\n  - {rule: burst, key: a1, at: 15s}\n");

        var result = report.cases().get(0);
        assertThat(result.passed()).isFalse();
        assertThat(result.failures()).containsExactly("line 8: expected an alert of rule \"burst\" with key a1 at 15s; fired: "
                + "\"burst\" key a1 at 20s");
    }

    @Test
    void attributes_mustEachBeCarriedWithTheGivenValue_numbersByValue() {
        var big = RuleSetSource.of("fraud", Map.of("fraud.drl", TestRules.TRANSACTION + """
                rule "big"
                when
                    Transaction($acc : accountId, $amount : amount, amount > 5)
                then
                    alerts.raise($acc, "big", alerts.attributes("amount", $amount, "account", $acc));
                end
                """));
        var given = run(big, "name: big\n" + EVENTS + "expect:\n  - {rule: big, key: a1, attributes: {amount: 10, account: a1}}\n");
        var wrong = run(big, "name: big\n" + EVENTS + "expect:\n  - {rule: big, key: a1, attributes: {amount: 11}}\n");
        var missing = run(big, "name: big\n" + EVENTS + "expect:\n  - {rule: big, key: a1, attributes: {terminal: T1}}\n");

        assertThat(given.passed()).as(given.toString()).isTrue();
        assertThat(wrong.cases().get(0).failures()).singleElement().asString()
                .startsWith("line 8: expected an alert of rule \"big\" with key a1 with {amount=11}; fired: ");
        assertThat(missing.passed()).isFalse();
        assertThatThrownBy(() -> RuleTests.parse("x.test.yaml", "name: x\n" + EVENTS + "expect:\n  - {rule: big, attributes: [1]}\n"))
                .hasMessageContaining("attributes is a mapping of attribute to value");
    }

    @Test
    void anUnwantedAlert_fails_andExactlyFailsOnAnExtraOne() {
        var unwanted = run(BURST, "name: burst\n" + EVENTS + "expectNone:\n  - {rule: burst, key: a1}\n");
        var exactly = run(RuleSetSource.of("fraud", Map.of("fraud.drl", TestRules.TRANSACTION + TestRules.burst(2) + """
                rule "any"
                when
                    Transaction($acc : accountId)
                then
                    alerts.raise($acc, "any");
                end
                """)), "name: burst\n" + EVENTS + "expect:\n  - {rule: burst, key: a1}\nexactly: true\n");

        assertThat(unwanted.cases().get(0).failures()).singleElement().asString()
                .startsWith("line 8: expected no alert of rule \"burst\" with key a1; fired: \"burst\" key a1 at 20s");
        assertThat(exactly.passed()).isFalse();
        assertThat(exactly.cases().get(0).failures()).singleElement().asString()
                .startsWith("exactly: these alerts fired and none was expected: \"any\" key a1 at 0s");
    }

    @Test
    void anAbsence_firesOnlyWhenUntilMovesTheClockPastIt() {
        var source = RuleSetSource.of("mon", Map.of("mon.drl", TestRules.NO_LOGOUT));
        var yaml = """
                name: no logout
                events:
                  - {at: 0s, type: Login, user: u1}
                expect:
                  - {rule: no logout, key: u1, at: 5m}
                """;

        assertThat(run(source, yaml).passed()).isFalse();
        assertThat(run(source, yaml + "until: 5m\n").passed()).isTrue();
        assertThat(run(source, yaml + "until: 4m59s\n").passed()).isFalse();
    }

    @Test
    void anEventTheRulesCannotDecode_failsTheCase_namingIt() {
        var report = run(BURST, "name: bad\nevents:\n  - {at: 0s, type: Transaction, accountId: a1, amount: lots}\nexactly: true\n");

        assertThat(report.cases().get(0).failures()).singleElement().asString().startsWith("event 1 (line 3), field amount:");
    }

    @Test
    void rulesThatDoNotCompile_failEveryCase_withTheirDiagnostics() {
        var broken = RuleSetSource.of("fraud", Map.of("fraud.drl", TestRules.TRANSACTION + "rule x when Nope() then end\n"));

        var report = run(broken, "name: one\n" + EVENTS + "exactly: true\n---\nname: two\n" + EVENTS + "exactly: true\n");

        assertThat(report.cases()).hasSize(2).allSatisfy(c -> assertThat(c.failures()).anySatisfy(f ->
                assertThat(f).matches("the rules do not compile: fraud.drl:\\d+:\\d+: Unable to resolve ObjectType 'Nope'")));
    }

    @Test
    void theDefaultFraudRules_passTheirOwnCases() {
        var folder = Path.of("..", "rules", "fraud");
        var files = new TreeMap<String, String>();
        try (var paths = Files.list(folder)) {
            paths.filter(p -> RuleSetSource.isRuleFile(p.getFileName().toString()))
                    .forEach(p -> files.put(p.getFileName().toString(), read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).containsKeys("transactions.drl", "velocity.rule.yaml");
        var source = RuleSetSource.of("fraud", files);

        var report = RuleTests.run(source, RuleTests.load(folder), WATCHDOG);

        assertThat(report.cases()).isNotEmpty();
        assertThat(report.passed()).as(report.toString()).isTrue();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void offsets_readAsATestFileWouldWriteThem() {
        assertThat(Expectation.offset(Duration.ZERO)).isEqualTo("0s");
        assertThat(Expectation.offset(Duration.ofSeconds(125))).isEqualTo("2m5s");
        assertThat(Expectation.offset(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Instant.parse("2026-01-01T00:00:00Z")).isEqualTo(RuleTests.DEFAULT_START);
    }
}
