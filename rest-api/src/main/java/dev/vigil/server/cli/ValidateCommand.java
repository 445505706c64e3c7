package dev.vigil.server.cli;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.server.rules.RuleSetFolder;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vigil validate DIR...}: compiles rule sets and prints their diagnostics, as a compiler would. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Compile rule sets without running them; print diagnostics as file:line:column: message. "
                + "Exits 1 when any rule set has errors.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "a rule set folder, or a folder of rule set folders")
    List<Path> folders;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        boolean failed = false;
        for (var given : folders) {
            List<Path> ruleSets;
            try {
                ruleSets = RuleSetFolder.find(given);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                err.println("error: " + e.getMessage());
                failed = true;
                continue;
            }
            for (var folder : ruleSets) {
                try {
                    failed |= !validate(folder, out);
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    err.println("error: " + e.getMessage());
                    failed = true;
                }
            }
        }
        out.flush();
        return failed ? 1 : 0;
    }

    /** Prints the folder's diagnostics and a summary line; false when it has errors. */
    private static boolean validate(Path folder, PrintWriter out) {
        var source = RuleSetFolder.load(folder);
        try (var engine = Engine.create(EngineConfig.defaults())) {
            var compiled = engine.validate(source);
            compiled.warnings().forEach(d -> out.println(format(folder, d)));
            out.printf(Locale.ROOT, "%s: ok, %d rule(s), event types %s%n", source.name(), compiled.rules().size(),
                    compiled.eventTypes().stream().map(t -> t.name()).toList());
            return true;
        } catch (RuleSetCompilationException e) {
            e.diagnostics().forEach(d -> out.println(format(folder, d)));
            long errors = e.diagnostics().stream().filter(d -> d.level() == Diagnostic.Level.ERROR).count();
            out.printf(Locale.ROOT, "%s: %d error(s)%n", source.name(), errors);
            return false;
        }
    }

    /**
     * {@code folder/file:line:column: message} on one line, with "warning: " before warnings'
     * messages; Drools' excerpt of the source and its caret, which the position replaces, are left out.
     */
    static String format(Path folder, Diagnostic d) {
        var where = d.file() == null ? folder.toString() : folder.resolve(d.file()).toString();
        var message = d.message().lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("[Near") && !l.startsWith("[Line:"))
                .collect(Collectors.joining(" "));
        return where + ":" + d.line() + ":" + d.column() + ": " + (d.level() == Diagnostic.Level.WARNING ? "warning: " : "") + message;
    }
}
