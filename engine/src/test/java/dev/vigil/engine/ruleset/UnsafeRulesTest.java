package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rule code may reach only an allowlist of classes and members, checked on what the compilers
 * produced: the attacks below each hide the refused class from a check of names in the text
 * (a declared type of the same name, reflection without a refused name, unicode escapes, packages
 * a denylist forgets, method references, MVEL instead of Java), and each is refused at its rule.
 */
class UnsafeRulesTest {
    private static final String TYPES = """
            package ops;
            declare Reading @role(event) @timestamp(time) @expires(1h)
                id : String  time : long  host : String  value : double
            end
            """;

    private static RuleSetSource rules(String body) {
        return RuleSetSource.of("ops", Map.of("types.drl", TYPES, "rules.drl", "package ops;\n" + body));
    }

    private static String rule(String consequence) {
        return """
                rule "r"
                when
                    $r : Reading()
                then
                    %s
                end
                """.formatted(consequence);
    }

    private static List<Diagnostic> refused(RuleSetSource source) {
        var e = catchThrowableOfType(() -> new RuleSetCompiler().compile(source), RuleSetCompilationException.class);
        assertThat(e).as("the rule set should be refused").isNotNull();
        return e.diagnostics();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "java.lang.Runtime.getRuntime().exec(\"id\");",
            "java.lang.System.exit(42);",
            "ModuleLayer.boot().findLoader(\"java.base\").loadClass(\"java.lang.Runtime\");",
            "new java.beans.Expression($r, \"toString\", new Object[0]).getValue();",
            "new java.beans.Statement($r, \"toString\", new Object[0]).execute();",
            "new java.util.logging.FileHandler(\"/tmp/vigil-x\").close();",
            "javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(\"http://127.0.0.1:1/x\");",
            "new javax.management.remote.JMXServiceURL(\"service:jmx:rmi:///jndi/rmi://127.0.0.1:1/x\");",
            "$r.getClass().getClassLoader();",
            "String.class.getMethods();",
            "java.util.function.Supplier<Object> s = java.lang.Runtime::getRuntime; s.get();",
            "new Thread(() -> {}).start();",
            "java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\"));",
            "drools.getKieRuntime().halt();",
            "kcontext.getKieRuntime().halt();",
            "Integer.getInteger(\"user.home\");",
            "java.util.Locale.setDefault(java.util.Locale.CHINA);",
            "try { $r.getHost(); } catch (Throwable t) { }",
            "synchronized (\"lock\") { $r.getHost(); }",
            "new Object() { public String toString() { return String.valueOf(java.lang.Runtime.getRuntime()); } }.toString();",
    })
    void javaConsequence_reachingOutsideTheAllowlist_isRefusedAtTheRule(String code) {
        var diagnostics = refused(rules(rule(code)));

        assertThat(diagnostics).allSatisfy(d -> {
            assertThat(d.file()).isEqualTo("rules.drl");
            assertThat(d.line()).isEqualTo(6);
            assertThat(d.message()).startsWith("rule \"r\": ");
        });
    }

    @Test
    void aDeclaredTypeNamedAfterARefusedClass_doesNotOpenTheRealOne() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES + """
                declare Runtime end
                declare System end
                """, "rules.drl", "package ops;\n" + rule("java.lang.Runtime.getRuntime().exec(\"id\"); java.lang.System.exit(42);")));

        assertThat(refused(source)).extracting(Diagnostic::message).containsExactlyInAnyOrder(
                "rule \"r\": rule code may not use java.lang.Runtime: rules may use their own types and functions, the alerts global,"
                        + " Vigil's profiles, java.lang value types, Math, java.math, java.time and java.util collections"
                        + " (--allow-unsafe-rules lifts this)",
                "rule \"r\": rule code may not use java.lang.System: rules may use their own types and functions, the alerts global,"
                        + " Vigil's profiles, java.lang value types, Math, java.math, java.time and java.util collections"
                        + " (--allow-unsafe-rules lifts this)");
    }

    @Test
    void unicodeEscapes_thatTheJavaCompilerDecodes_cannotHideCode() {
        // A comment whose unicode escape of a line feed ends the line for the Java compiler: the code after it runs.
        var diagnostics = refused(rules(rule("// harmless \\u000a java.lang.Runtime.getRuntime().exec(\"id\");")));

        assertThat(diagnostics).singleElement().satisfies(d -> assertThat(d.message()).contains("java.lang.Runtime"));
    }

    @Test
    void refusals_nameTheLineOfTheConsequence_andTheMember() {
        var diagnostics = refused(rules("""
                rule "r"
                when
                    $r : Reading()
                then
                    String h = $r.getHost();
                    java.lang.System.exit(1);
                end
                """));

        assertThat(diagnostics).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(7);
            assertThat(d.message()).contains("java.lang.System");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Reading(java.lang.Runtime.getRuntime().availableProcessors() > 0)",
            "Reading(host.getClass().getName() != null)",
            "Reading(String.valueOf(java.lang.System.getenv()) != null)",
            "Reading(new java.io.File(host).exists())",
            "Reading(host == ModuleLayer.boot().toString())",
            "Reading(host in ([\"a\", java.lang.System.getProperty(\"user.home\")]))",
            "Reading([\"k\": java.lang.System.getenv()].size() > 0)",
            "String() from java.lang.System.getProperty(\"user.home\")",
    })
    void constraintsFromAndAccumulateExpressions_areCheckedToo_atTheirLine(String pattern) {
        var diagnostics = refused(rules("""
                rule "r"
                when
                    %s
                then
                end
                """.formatted(pattern)));

        assertThat(diagnostics).isNotEmpty().allSatisfy(d -> {
            assertThat(d.file()).isEqualTo("rules.drl");
            assertThat(d.line()).isEqualTo(4);
            assertThat(d.message()).startsWith("rule \"r\": ");
        });
    }

    @Test
    void accumulateFunctionArguments_compiledToJava_areCheckedAtTheirRule() {
        var diagnostics = refused(rules("""
                rule "r"
                when
                    Number() from accumulate(Reading($v : value), sum(java.lang.Runtime.getRuntime().availableProcessors()))
                then
                end
                """));

        assertThat(diagnostics).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(2);
            assertThat(d.message()).contains("java.lang.Runtime");
        });
    }

    @Test
    void mvelDialectConsequences_salienceAndFunctions_areCheckedToo() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES, "rules.drl", """
                package ops;
                function boolean exists(String p) { return new java.io.File(p).exists(); }
                rule "mvel" dialect "mvel"
                when
                    $r : Reading()
                then
                    java.lang.System.exit(1);
                end
                rule "salience" salience (java.lang.Runtime.getRuntime().availableProcessors())
                when
                    $r : Reading()
                then
                end
                """));

        assertThat(refused(source)).extracting(Diagnostic::line, d -> d.message().substring(0, d.message().indexOf(':')))
                .containsExactlyInAnyOrder(org.assertj.core.api.Assertions.tuple(3, "function exists"),
                        org.assertj.core.api.Assertions.tuple(7, "rule \"mvel\""),
                        org.assertj.core.api.Assertions.tuple(9, "rule \"salience\""));
    }

    @Test
    void declaredTypes_mayNotExtendOtherClasses_norInitialiseFieldsWithRefusedCode() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES + """
                declare Worker extends java.lang.Thread
                    name : String
                end
                declare Home
                    path : String = java.lang.System.getProperty("user.home")
                end
                """));

        assertThat(refused(source)).extracting(Diagnostic::line).containsExactlyInAnyOrder(5, 9);
    }

    @Test
    void theBasicsThatRulesNeed_compile() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES + """
                declare File @role(event) @timestamp(time) @expires(1h)
                    id : String  time : long  name : String
                end
                declare Tally
                    host : String  count : int
                end
                """, "rules.drl", """
                package ops;
                import java.util.ArrayList;
                import java.util.List;
                function double twice(double x) { return Math.max(x, 0) * 2; }
                rule "basics"
                when
                    $p : File(name == "Thread.start", name.length() > 2, String.valueOf(time).length() > 0)
                    $r : Reading(host != null, this after[0s, 5m] $p)
                    $n : Number(doubleValue > 0) from accumulate(Reading(host == $r.host, $v : value) over window:time(1m), sum($v))
                    $s : String() from $r.getHost().split(",")
                then
                    var list = new ArrayList<String>();
                    list.add(java.time.Instant.ofEpochMilli($p.getTime()).toString() + Math.max(1, 2) + new java.math.BigDecimal("1"));
                    list.forEach(x -> list.size());
                    List<String> sorted = list.stream().map(String::trim).sorted().toList();
                    try { Integer.parseInt($s); } catch (NumberFormatException e) { }
                    insert(new Tally($r.getHost(), 1));
                    alerts.raise($p.getName(), "started: " + String.join(",", sorted) + twice($n.doubleValue()),
                            alerts.attributes("rule", drools.getRule().getName()));
                end
                rule "tally" dialect "mvel"
                when
                    $t : Tally(count < 3)
                then
                    modify($t) { count = $t.count + 1 };
                end
                """));

        try (var compiled = new RuleSetCompiler().compile(source)) {
            assertThat(compiled.rules()).hasSize(2);
        }
    }

    @Test
    void aCompilerThatAllowsUnsafeRules_takesThem() {
        try (var compiled = new RuleSetCompiler(true).compile(rules(rule("java.lang.System.out.println($r);")))) {
            assertThat(compiled.rules()).hasSize(1);
        }
    }
}
