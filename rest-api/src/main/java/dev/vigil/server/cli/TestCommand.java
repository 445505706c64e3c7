package dev.vigil.server.cli;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleTestFormatException;
import dev.vigil.server.rules.RuleSetFolder;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vigil test DIR...}: runs the rule test cases kept next to rule sets, for a rule author's CI. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run the rule test cases (*.test.yaml) of rule set folders. Prints each case as PASS or FAIL with the "
                + "reason; exits 1 when any fails, or when there is none to run.")
final class TestCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "a rule set folder, or a folder of rule set folders")
    List<Path> folders;

    @Option(names = RuleTimeoutOption.NAME, defaultValue = "${env:VIGIL_RULE_TIMEOUT:-10s}",
            description = "how long a rule may run without returning (an endless loop) before its case fails and the cases "
                    + "after it are not run, 1s to 1h (env VIGIL_RULE_TIMEOUT; default ${DEFAULT-VALUE})")
    String ruleTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try (var engine = Engine.create(EngineConfig.defaults().withRuleTimeout(RuleTimeoutOption.parse(spec.commandLine(), ruleTimeout)))) {
            return run(out, err, engine);
        }
    }

    private int run(PrintWriter out, PrintWriter err, Engine engine) {
        int passed = 0;
        int failed = 0;
        for (var given : folders) {
            List<Path> ruleSets;
            try {
                ruleSets = RuleSetFolder.find(given);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                err.println("error: " + e.getMessage());
                failed++;
                continue;
            }
            for (var folder : ruleSets) {
                try {
                    var cases = Engine.readTests(folder);
                    if (cases.isEmpty()) {
                        out.println(folder + ": no test cases");
                        continue;
                    }
                    var report = engine.test(RuleSetFolder.load(folder), cases);
                    for (var c : report.cases()) {
                        out.printf(Locale.ROOT, "%s %s: %s%n", c.passed() ? "PASS" : "FAIL", folder.resolve(c.file()), c.name());
                        c.failures().forEach(f -> out.println("    " + f));
                        if (c.passed()) {
                            passed++;
                        } else {
                            failed++;
                        }
                    }
                } catch (RuleTestFormatException | IllegalArgumentException e) {
                    out.println("FAIL " + folder + ": " + e.getMessage());
                    failed++;
                }
            }
        }
        out.printf(Locale.ROOT, "%d passed, %d failed%n", passed, failed);
        out.flush();
        if (passed + failed == 0) {
            err.println("error: no test cases found under " + folders);
            return 1;
        }
        return failed > 0 ? 1 : 0;
    }
}
