package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules whose code would reach outside the rules are refused at compile time, at the offending name. */
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

    @Test
    void exitProcessesThreadsReflectionFilesAndNetwork_areEachRefusedAtTheirLineAndColumn() {
        var source = rules(rule("""
                System.exit(1);
                    new ProcessBuilder("sh").start();
                    new Thread(() -> {}).start();
                    Class.forName("x");
                    java.nio.file.Files.readString(java.nio.file.Path.of("/etc/passwd"));
                    new java.net.Socket("example.com", 80);
                    drools.getKieRuntime().halt();"""));

        var e = catchThrowableOfType(() -> new RuleSetCompiler().compile(source), RuleSetCompilationException.class);

        assertThat(e.diagnostics()).extracting(Diagnostic::file, Diagnostic::line, Diagnostic::column).containsExactly(
                tuple("rules.drl", 6, 5), tuple("rules.drl", 7, 9), tuple("rules.drl", 8, 9), tuple("rules.drl", 9, 5),
                tuple("rules.drl", 10, 5), tuple("rules.drl", 10, 36), tuple("rules.drl", 11, 9), tuple("rules.drl", 12, 5));
        assertThat(e.diagnostics().get(0).message()).isEqualTo("'System' is not allowed in rules: a rule may not stop or configure the JVM;"
                + " rules may use the alerts global, java.lang basics (strings, numbers, Math), java.time, java.math and java.util"
                + " collections (a server started with --allow-unsafe-rules takes it)");
        assertThat(e.diagnostics()).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).startsWith("'java.net.Socket' is not"
                + " allowed in rules: a rule may not use the network"));
    }

    @Test
    void importsFunctionsAndConditions_areCheckedToo() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES, "rules.drl", """
                package ops;
                import java.io.File;
                function boolean exists(String p) { return new File(p).exists(); }
                rule "r" when Reading(eval(Runtime.getRuntime() != null)) then end
                """));

        var e = catchThrowableOfType(() -> new RuleSetCompiler().compile(source), RuleSetCompilationException.class);

        assertThat(e.diagnostics()).extracting(Diagnostic::line).containsExactly(2, 3, 4);
    }

    @Test
    void namesInCommentsAndStrings_theAuthorsOwnTypes_andTheBasics_compile() {
        var source = RuleSetSource.of("ops", Map.of("types.drl", TYPES + """
                declare File @role(event) @timestamp(time) @expires(1h)
                    id : String  time : long  name : String
                end
                """, "rules.drl", """
                package ops;
                import java.util.ArrayList;
                // System.exit(1) would be refused here
                rule "r" when
                    $p : File(name == "Thread.start")
                then
                    var list = new ArrayList<String>();
                    list.add(java.time.Instant.ofEpochMilli($p.getTime()).toString() + Math.max(1, 2) + new java.math.BigDecimal("1"));
                    alerts.raise($p.getName(), "started: /* not a comment */ " + String.join(",", list));
                end
                """));

        try (var compiled = new RuleSetCompiler().compile(source)) {
            assertThat(compiled.rules()).hasSize(1);
        }
    }

    @Test
    void aCompilerThatAllowsUnsafeRules_takesThem() {
        try (var compiled = new RuleSetCompiler(true).compile(rules(rule("System.out.println($r);")))) {
            assertThat(compiled.rules()).hasSize(1);
        }
    }
}
