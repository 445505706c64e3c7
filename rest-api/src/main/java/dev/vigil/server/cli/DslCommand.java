package dev.vigil.server.cli;

import dev.vigil.dsl.RuleDsl;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.server.rules.RuleSetFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vigil dsl FILE}: the DRL a rule-language file becomes, compiled with the rule set it belongs to. */
@Command(name = "dsl", mixinStandardHelpOptions = true,
        description = "Print the DRL that a rule-language file (*.rule.yaml) compiles to, checked against the event types "
                + "of its rule set (the DRL files of its folder, or of --rules). Exits 1 with diagnostics when it does not compile.")
final class DslCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a *.rule.yaml file")
    Path file;

    @Option(names = "--rules", paramLabel = "DIR", description = "the rule set folder whose event types it uses (default: the file's folder)")
    Path rules;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (!RuleDsl.isRuleFile(file.toString()) || !Files.isRegularFile(file)) {
            err.println("error: " + file + " is not a rule-language file (*.rule.yaml)");
            return 2;
        }
        var folder = (rules != null ? rules : file.toAbsolutePath().getParent()).toAbsolutePath().normalize();
        var absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(folder)) {
            err.println("error: " + file + " is not inside the rule set folder " + folder);
            return 2;
        }
        var path = folder.relativize(absolute).toString().replace('\\', '/');
        RuleSetSource source;
        try {
            source = RuleSetFolder.load(folder);
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (var engine = Engine.create(EngineConfig.defaults())) {
            var compiled = engine.validate(source);
            out.print(compiled.generated().get(path));
            out.flush();
            return 0;
        } catch (RuleSetCompilationException e) {
            e.diagnostics().forEach(d -> err.println(ValidateCommand.format(folder, d)));
            err.flush();
            return 1;
        }
    }
}
