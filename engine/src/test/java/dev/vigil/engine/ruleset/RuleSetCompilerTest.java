package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Diagnostic.Level;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EventField;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.Severity;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compiling rule sets: files that see each other, positioned diagnostics, warnings and metadata. */
class RuleSetCompilerTest {
    private final RuleSetCompiler compiler = new RuleSetCompiler();

    @Test
    void compile_typeDeclaredInOneFileUsedInAnother_compiles() {
        var source = RuleSetSource.of("two-files", Map.of(
                "types.drl", """
                        package pkg;
                        declare E @role(event) v : int end
                        """,
                "rules/big.drl", """
                        package pkg;
                        rule "big" when E(v > 10) over window:time(1m) then end
                        """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.rules()).extracting(RuleInfo::qualifiedName).containsExactly("pkg.big");
            assertThat(compiled.eventTypes()).extracting(EventType::qualifiedName).containsExactly("pkg.E");
        }
    }

    @Test
    void compile_aBrokenLastRule_isReportedAtItsLine_andNotAgainPastTheEndOfTheFile() {
        var source = RuleSetSource.of("broken", Map.of("a.drl", """
                package pkg;
                declare E @role(event) v : int end
                rule "broken" when E( then end"""));

        var e = catchThrowableOfType(() -> compiler.compile(source), RuleSetCompilationException.class);

        assertThat(e.diagnostics()).isNotEmpty().allSatisfy(d -> assertThat(d.line()).isBetween(1, 3));
    }

    @Test
    void compile_errorsInSeveralFiles_listsEveryErrorWithFileAndLine() {
        var source = RuleSetSource.of("broken", Map.of(
                "a.drl", """
                        package pkg;

                        rule "one" when
                            Missing(v > 1)
                        then
                        end
                        """,
                "b.drl", """
                        package pkg;
                        rule "two" when
                            String( length > )
                        then
                        end
                        """,
                "more/c.drl", """
                        package pkg;
                        rule "three" when
                            String(nope == 1)
                        then
                        end
                        """));

        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(source));

        assertThat(thrown.diagnostics()).extracting(Diagnostic::level, Diagnostic::file, Diagnostic::line, Diagnostic::column)
                .containsExactly(
                        tuple(Level.ERROR, "a.drl", 4, 0),
                        tuple(Level.ERROR, "b.drl", 3, 22),
                        tuple(Level.ERROR, "more/c.drl", 3, 5));
        assertThat(thrown.diagnostics()).extracting(Diagnostic::message).satisfiesExactly(
                m -> assertThat(m).isEqualTo("Unable to resolve ObjectType 'Missing'"),
                m -> assertThat(m).isEqualTo("[ERR 101] Line 3:22 no viable alternative at input ')' in rule \"two\""),
                m -> assertThat(m).startsWith("Unable to Analyse Expression nope == 1"));
        assertThat(thrown).hasMessageStartingWith("""
                rule set 'broken' was not deployed:
                a.drl:4: error: Unable to resolve ObjectType 'Missing'
                b.drl:3:22: error: [ERR 101] Line 3:22 no viable alternative at input ')' in rule "two"
                more/c.drl:3:5: error: Unable to Analyse Expression nope == 1""");
    }

    @Test
    void compile_aDrlThatDoesNotParse_comesFirst_andTheUnknownTypesItCausesFollowIt() {
        var source = RuleSetSource.of("cascade", Map.of(
                "a.rule.yaml", "rule: big\nwhen:\n  pattern: match\n  event: Payment\n  where: amount > 10\n",
                "b.drl", """
                        package pkg;
                        rule "small" when Payment(amount < 1) then end
                        """,
                "z.drl", """
                        package pkg;
                        declare Payment @role(event) amount : double end
                        rule "broken" when Payment( then end
                        """));

        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(source));

        assertThat(thrown.diagnostics()).extracting(Diagnostic::file, Diagnostic::follows).containsExactly(
                tuple("z.drl", false),
                tuple("a.rule.yaml", true),
                tuple("b.drl", true));
        assertThat(thrown.diagnostics().get(1).message()).startsWith("unknown event type 'Payment'");
        assertThat(thrown.diagnostics().get(2).message()).startsWith("Unable to resolve ObjectType 'Payment'");
    }

    @Test
    void compile_errorsWithoutAnUnparsableDrl_followNothing() {
        var source = RuleSetSource.of("plain", Map.of(
                "a.rule.yaml", "rule: big\nwhen:\n  pattern: match\n  event: Nope\n  where: amount > 10\n",
                "z.drl", """
                        package pkg;
                        declare Payment @role(event) amount : double end
                        """));

        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(source));

        assertThat(thrown.diagnostics()).extracting(Diagnostic::file, Diagnostic::follows).containsExactly(tuple("a.rule.yaml", false));
    }

    @Test
    void compile_errorInConsequence_isPositionedAtItsRule() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("broken", Map.of(
                "r.drl", """
                        package pkg;

                        rule "calls nothing" when
                            String()
                        then
                            undefinedCall();
                        end
                        """))));

        assertThat(thrown.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("r.drl");
            assertThat(d.line()).isEqualTo(3);
            assertThat(d.message()).startsWith("Rule Compilation error The method undefinedCall() is undefined");
        });
    }

    @Test
    void compile_unknownField_isPositionedAtItsPattern() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("broken", Map.of(
                "r.drl", """
                        package pkg;
                        declare E @role(event) @expires(1m) v : int end
                        rule "r" when
                            E(  wrong > 1 )
                        then
                        end
                        """))));

        assertThat(thrown.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("r.drl");
            assertThat(d.line()).isEqualTo(4);
            assertThat(d.column()).isEqualTo(5);
            assertThat(d.message()).contains("wrong");
        });
    }

    @Test
    void compile_unknownSeverity_namesRuleAndAcceptedValues() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("meta", Map.of(
                "r.drl", """
                        package pkg;
                        declare E @role(event) v : int end

                        rule "loud" @severity("urgent")
                        when
                            E() over window:time(1m)
                        then
                        end
                        """))));

        assertThat(thrown.diagnostics()).containsExactly(Diagnostic.error("r.drl", 4, 6,
                "rule \"loud\": @severity 'urgent' is not a severity: use one of low, medium, high, critical"));
    }

    @Test
    void compile_unknownSuppress_namesRuleAndAcceptedFormats() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("meta", Map.of(
                "r.drl", """
                        package pkg;
                        declare E @role(event) v : int end

                        rule "loud" @suppress("soon")
                        when
                            E() over window:time(1m)
                        then
                        end
                        """))));

        assertThat(thrown.diagnostics()).containsExactly(Diagnostic.error("r.drl", 4, 6,
                "rule \"loud\": @suppress 'soon' is not a duration: write a number with ms, s, m, h or d"
                        + " (for example 30s, 10m, 1h30m) or ISO-8601 (PT10M)"));
    }

    @Test
    void compile_malformedExpires_givesADiagnosticAtIt() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("expires", Map.of(
                "r.drl", """
                        package pkg;

                        declare E
                            @role(event)
                            @expires("30s")
                            v : int
                        end
                        """))));

        assertThat(thrown.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("r.drl");
            assertThat(d.line()).isEqualTo(5);
            assertThat(d.column()).isEqualTo(5);
            assertThat(d.message()).startsWith(
                    "invalid @expires(\"30s\"): write @expires(30m) or @expires(value = 30m, policy = TIME_SOFT)");
        });
    }

    /** Drools throws NoClassDefFoundError out of the build for a field of a class that does not exist, where a rule uses the type. */
    @Test
    void compile_fieldOfAnUnknownClass_givesADiagnosticAtIt() {
        var thrown = catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("types", Map.of(
                "r.drl", """
                        package pkg;
                        declare E
                            @role(event)
                            at : java.util.Dae
                        end
                        rule "any" when E() over window:time(1m) then alerts.raise("k", "e"); end
                        """))));

        assertThat(thrown.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("r.drl");
            assertThat(d.line()).isEqualTo(4);
            assertThat(d.column()).isEqualTo(10);
            assertThat(d.message()).isEqualTo("unknown type java.util.Dae: no such class");
        });
    }

    @Test
    void compile_alertsGlobalNotDeclared_isUsable() {
        try (var harness = RuleHarness.of("""
                package pkg;
                declare E @role(event) v : int end
                rule "big" when E(v > 10) over window:time(1m) then alerts.raise("k", "big"); end
                """)) {
            harness.send("E", "0:01", "v", 11);

            assertThat(harness.alerts()).extracting(Alert::rule, Alert::message).containsExactly(tuple("big", "big"));
        }
    }

    @Test
    void compile_alertsGlobalDeclaredByHand_isUsable() {
        try (var harness = RuleHarness.of("""
                package pkg;
                global dev.vigil.engine.alert.Alerts alerts;
                declare E @role(event) v : int end
                rule "big" when E(v > 10) over window:time(1m) then alerts.raise("k", "big"); end
                """)) {
            harness.send("E", "0:01", "v", 11);

            assertThat(harness.alerts()).extracting(Alert::rule, Alert::message).containsExactly(tuple("big", "big"));
        }
    }

    @Test
    void compile_eventTypeUsedWithoutTimeBound_warnsAtItsDeclaration() {
        var source = RuleSetSource.of("unbounded", Map.of(
                "types.drl", """
                        package pkg;

                        declare E
                            @role(event)
                            v : int
                        end
                        """,
                "rules.drl", """
                        package pkg;
                        rule "big" when E(v > 10) then end
                        """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.warnings()).containsExactly(Diagnostic.warning("types.drl", 3,
                    "events of type E are never removed from working memory: a rule uses it without a time bound"
                            + " (or none uses it), so memory grows with every event. Add @expires(...) to the declaration,"
                            + " or match it only over window:time or with temporal operators"));
            assertThat(compiled.eventTypes()).singleElement().extracting(EventType::retention).isNull();
        }
    }

    @Test
    void compile_eventTypeOnlyInTimeWindow_hasNoWarningAndRetainsEventsForTheWindow() {
        var source = RuleSetSource.of("bounded", Map.of("r.drl", """
                package pkg;
                declare E @role(event) v : int end
                rule "big" when E(v > 10) over window:time(1m) then end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.warnings()).isEmpty();
            assertThat(compiled.eventTypes()).singleElement().extracting(EventType::retention).isEqualTo(Duration.ofSeconds(60));
        }
    }

    @Test
    void compile_ruleAnnotations_showInRules() {
        var source = RuleSetSource.of("meta", Map.of("r.drl", """
                package pkg;
                declare E @role(event) v : int end
                rule "loud" @severity("high") @suppress("10m") when E() over window:time(1m) then end
                rule "quiet" @severity("LOW") @suppress("1h30m") when E() over window:time(1m) then end
                rule "plain" when E() over window:time(1m) then end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.rules()).containsExactly(
                    new RuleInfo("pkg", "loud", Severity.HIGH, Duration.ofMinutes(10)),
                    new RuleInfo("pkg", "plain", Severity.MEDIUM, Duration.ZERO),
                    new RuleInfo("pkg", "quiet", Severity.LOW, Duration.ofMinutes(90)));
        }
    }

    @Test
    void compile_eventType_listsFieldsTimestampExpiresAndDuration() {
        var source = RuleSetSource.of("types", Map.of("r.drl", """
                package pkg;
                declare Call
                    @role(event)
                    @timestamp(start)
                    @duration(length)
                    @expires(30m)
                    caller : String
                    start : java.util.Date
                    length : long
                    cost : java.math.BigDecimal
                end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.eventTypes()).singleElement().satisfies(type -> {
                assertThat(type.qualifiedName()).isEqualTo("pkg.Call");
                assertThat(type.fields()).containsExactly(
                        new EventField("caller", "String"),
                        new EventField("start", "java.util.Date"),
                        new EventField("length", "long"),
                        new EventField("cost", "java.math.BigDecimal"));
                assertThat(type.timestampField()).isEqualTo("start");
                assertThat(type.durationField()).isEqualTo("length");
                assertThat(type.expires()).isEqualTo(Duration.ofMinutes(30));
            });
        }
    }

    @Test
    void compile_eventTypeWithoutAnnotations_hasNoTimestampDurationOrExpires() {
        var source = RuleSetSource.of("types", Map.of("r.drl", """
                package pkg;
                declare E @role(event) v : int end
                rule "big" when E(v > 10) over window:time(1m) then end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.eventTypes()).singleElement().satisfies(type -> {
                assertThat(type.timestampField()).isNull();
                assertThat(type.durationField()).isNull();
                assertThat(type.expires()).isNull();
            });
        }
    }
}
