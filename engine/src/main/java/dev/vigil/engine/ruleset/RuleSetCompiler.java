package dev.vigil.engine.ruleset;

import dev.vigil.dsl.Durations;
import dev.vigil.dsl.Generated;
import dev.vigil.engine.alert.Alerts;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.Severity;
import dev.vigil.engine.event.DeclaredTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.Message;
import org.kie.api.definition.rule.Rule;

/**
 * Compiles a rule set's DRL files into a {@link CompiledRuleSet}, or into every diagnostic.
 *
 * <p>Builds through {@code KieFileSystem -> KieBuilder -> KieContainer} with a generated kmodule
 * (a STREAM kbase and a stateful session with the rule set's clock): the route that lets a running
 * container move to a new version with {@code updateToVersion}. Classic DRL (drools-mvel) rather
 * than the executable model, because it compiles faster at runtime, positions errors better and
 * keeps declared types stable across versions. A rule set spread over several sessions by a key
 * gets its key resolved and every rule checked to keep to it ({@link PartitionKeys}).
 */
public final class RuleSetCompiler {
    private static final String RESOURCES = "src/main/resources/";
    private static final String GROUP = "dev.vigil.rules";
    private static final AtomicLong BUILDS = new AtomicLong();
    private static final Pattern ALERTS_GLOBAL = Pattern.compile("(?m)^\\s*global\\s+[\\w.]+\\s+" + Alerts.GLOBAL + "\\s*;?");
    /** "Line 3:8" from the parser, "[Line: 4, Column: 4]" from MVEL; both count columns from 0, diagnostics from 1. */
    private static final Pattern LINE_COLUMN = Pattern.compile("[Ll]ine:? (\\d+)(?::|, Column: )(\\d+)");
    private static final Pattern EXPIRES = Pattern.compile("@expires\\s*\\(([^)]*)\\)");
    private static final Pattern VALID_EXPIRES = Pattern.compile(
            "\\s*(value\\s*=\\s*)?(\\d+(ms|s|m|h|d))+\\s*(,\\s*policy\\s*=\\s*TIME_(HARD|SOFT)\\s*)?");

    private final KieServices kieServices = KieServices.get();
    private final boolean allowUnsafe;

    /** A compiler that refuses rules reaching outside the rules (see {@link #RuleSetCompiler(boolean)}). */
    public RuleSetCompiler() {
        this(false);
    }

    /**
     * @param allowUnsafe take rule sets whose code reaches any class or member; by default code that
     *                    reaches beyond {@link RuleCodeAllowlist} is refused with an error at each
     *                    such use
     */
    public RuleSetCompiler(boolean allowUnsafe) {
        this.allowUnsafe = allowUnsafe;
    }

    /** Compiles {@code source}; throws {@link RuleSetCompilationException} with every error when it does not compile. */
    public CompiledRuleSet compile(RuleSetSource source) {
        return NestingLimit.compile(source, this::build);
    }

    private CompiledRuleSet build(RuleSetSource source) {
        var releaseId = kieServices.newReleaseId(GROUP, source.name(), "1.0." + BUILDS.incrementAndGet());
        var kfs = kieServices.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        kfs.writeKModuleXML(kmodule(source.settings().clockMode()));
        var diagnostics = new ArrayList<Diagnostic>();
        var generated = RuleLanguageFiles.compile(source.files());
        var generatedDrl = new TreeMap<String, String>();
        source.files().forEach((path, text) -> {
            var fromRuleLanguage = generated.get(path);
            if (fromRuleLanguage == null) {
                kfs.write(RESOURCES + path, withAlertsGlobal(text));
            } else if (fromRuleLanguage.ok()) {
                generatedDrl.put(path, fromRuleLanguage.drl());
                kfs.write(RESOURCES + path + RuleLanguageFiles.GENERATED, withAlertsGlobal(fromRuleLanguage.drl()));
            } else {
                fromRuleLanguage.diagnostics().forEach(d -> diagnostics.add(Diagnostic.error(d.file(), d.line(), d.column(), d.message())));
            }
        });
        var builder = kieServices.newKieBuilder(kfs);
        var buildWarnings = new ArrayList<Diagnostic>();
        try {
            builder.buildAll();
            for (var message : builder.getResults().getMessages(Message.Level.ERROR)) {
                diagnostics.add(diagnostic(message, source.files(), generated));
            }
            for (var message : builder.getResults().getMessages(Message.Level.WARNING)) {
                buildWarnings.add(diagnostic(message, source.files(), generated).asWarning());
            }
            dropParserEchoes(diagnostics);
            dropErrorsInTheAddedGlobal(diagnostics, source.files());
        } catch (RuntimeException | LinkageError e) {
            // Some malformed annotations (such as @expires("30s")) and some unknown field types (such as
            // java.util.Dae) throw out of the build instead of reporting.
            diagnostics.add(thrownByBuild(e, source.files()));
        }
        if (!diagnostics.isEmpty()) {
            CompiledRuleSet.release(releaseId);
            throw new RuleSetCompilationException(source.name(), CausesFirst.order(diagnostics, source.files()));
        }
        var container = kieServices.newKieContainer(releaseId);
        try {
            var kieBase = container.getKieBase();
            var rules = new ArrayList<RuleInfo>();
            for (var pkg : kieBase.getKiePackages()) {
                for (var rule : pkg.getRules()) {
                    rules.add(ruleInfo(rule, source.files(), diagnostics));
                }
            }
            if (!allowUnsafe) {
                diagnostics.addAll(refusedCode(kieBase, source.files(), generated));
            }
            var keys = PartitionKeys.resolve(source, kieBase, generated);
            diagnostics.addAll(keys.errors());
            if (!diagnostics.isEmpty()) {
                throw new RuleSetCompilationException(source.name(), CausesFirst.order(diagnostics, source.files()));
            }
            rules.sort(Comparator.comparing(RuleInfo::qualifiedName));
            TimestampReaders.useFieldAccessors(kieBase);
            var eventTypes = DeclaredTypes.eventTypes(kieBase);
            var warnings = new ArrayList<Diagnostic>(keys.warnings());
            warnings.addAll(buildWarnings);
            warnings.addAll(classReactive(kieBase, source.files(), generated));
            for (var type : eventTypes) {
                if (type.retention() == null) {
                    warnings.add(unboundedRetention(type, source.files()));
                }
            }
            var declared = new TreeMap<String, Map<String, String>>();
            for (var td : DeclaredTypes.declarations(kieBase)) {
                var fields = new LinkedHashMap<String, String>();
                DeclaredTypes.factType(kieBase, td).getFields()
                        .forEach(f -> fields.put(f.getName(), f.getType().getName()));
                declared.put(td.getTypeClassName(), fields);
            }
            return new CompiledRuleSet(source, releaseId, container, eventTypes, declared, rules, sorted(warnings), generatedDrl,
                    keys.partitioning(), ProfileSpans.longest(kieBase), () -> compile(source));
        } catch (RuntimeException | StackOverflowError e) {
            container.dispose();
            CompiledRuleSet.release(releaseId);
            throw e;
        }
    }

    /** The DRL of each resource as Drools names it: the author's DRL files and the DRL of the rule-language files. */
    private static Map<String, String> drlByResource(Map<String, String> files, Map<String, Generated> generated) {
        var drlByResource = new HashMap<String, String>(files);
        generated.forEach((path, g) -> {
            if (g.ok()) {
                drlByResource.put(path + RuleLanguageFiles.GENERATED, g.drl());
            }
        });
        return drlByResource;
    }

    /**
     * A warning for each constraint that makes its pattern class reactive through another pattern's
     * variable ({@link ClassReactivity}), at the variable in the constraint, in the rule-language file
     * for generated rules.
     */
    private static List<Diagnostic> classReactive(KieBase kieBase, Map<String, String> files, Map<String, Generated> generated) {
        var drlByResource = drlByResource(files, generated);
        var out = new ArrayList<Diagnostic>();
        for (var found : ClassReactivity.find(kieBase)) {
            var rule = found.rule();
            var resource = rule.getResource() == null ? null : rule.getResource().getSourcePath();
            if (resource != null && resource.startsWith(RESOURCES)) {
                resource = resource.substring(RESOURCES.length());
            }
            var message = "rule \"" + rule.getName() + "\": " + found.variable() + " is bound in another pattern but is the first value"
                    + " this " + found.type() + " constraint reads, so Drools cannot tell which properties of " + found.type()
                    + " it depends on and re-evaluates it on any change of one (class reactivity): put the constraint in the"
                    + " pattern that binds " + found.variable() + ", or read a property of " + found.type() + " first: "
                    + found.expression();
            var text = resource == null ? null : drlByResource.get(resource);
            int offset = text == null ? -1 : constraintOffset(text, rule.getName(), found);
            int line = offset < 0 ? 0 : lineOf(text, offset);
            int column = offset < 0 ? 0 : columnOf(text, offset);
            var ruleFile = resource != null && resource.endsWith(RuleLanguageFiles.GENERATED)
                    ? generated.get(resource.substring(0, resource.length() - RuleLanguageFiles.GENERATED.length())) : null;
            if (ruleFile != null) {
                resource = ruleFile.file();
                column = line > 0 ? ruleFile.sourceColumn(line) : 0;
                line = line > 0 ? ruleFile.sourceLine(line) : 0;
            }
            out.add(new Diagnostic(Diagnostic.Level.WARNING, resource != null && files.containsKey(resource) ? resource : null,
                    line, column, message, rule.getName(), false));
        }
        return out;
    }

    /**
     * Where the variable of a class-reactive constraint is read in the rule's text: in the constraint
     * as Drools holds it when the text has it as written, else at the variable's first use (not its
     * binding) after the rule's header, else at the header; -1 when the rule is not found.
     */
    private static int constraintOffset(String text, String ruleName, ClassReactivity.Finding found) {
        var header = Pattern.compile("(?m)^\\s*rule\\s+(\"" + Pattern.quote(ruleName) + "\"|" + Pattern.quote(ruleName) + "\\b)").matcher(text);
        if (!header.find()) {
            return -1;
        }
        int written = text.indexOf(found.expression(), header.start(1));
        var use = Pattern.compile(Pattern.quote(found.variable()) + "(?![\\w$])(?!\\s*:[^=])").matcher(text);
        if (use.find(written >= 0 ? written : header.start(1))) {
            return use.start();
        }
        return header.start(1);
    }

    /** Every use of a class or member that rule code may not reach, at the rule's file and line. */
    private static List<Diagnostic> refusedCode(KieBase kieBase, Map<String, String> files, Map<String, Generated> generated) {
        var drlByResource = drlByResource(files, generated);
        var out = new ArrayList<Diagnostic>();
        for (var refusal : RuleCodeCheck.check(kieBase, drlByResource)) {
            var file = refusal.resource();
            int line = refusal.line();
            var ruleFile = file != null && file.endsWith(RuleLanguageFiles.GENERATED)
                    ? generated.get(file.substring(0, file.length() - RuleLanguageFiles.GENERATED.length())) : null;
            if (ruleFile != null) {
                file = ruleFile.file();
                line = line > 0 ? ruleFile.sourceLine(line) : 0;
            }
            out.add(Diagnostic.error(file != null && files.containsKey(file) ? file : null, line, 0,
                    refusal.owner() + ": " + refusal.message()));
        }
        return out;
    }

    private static String kmodule(ClockMode clockMode) {
        return """
                <kmodule xmlns="http://www.drools.org/xsd/kmodule">
                  <kbase name="vigil" default="true" eventProcessingMode="stream" equalsBehavior="identity">
                    <ksession name="vigil" default="true" type="stateful" clockType="%s"/>
                  </kbase>
                </kmodule>
                """.formatted(clockMode == ClockMode.REALTIME ? "realtime" : "pseudo");
    }

    /**
     * The file with the {@code alerts} global declared at its end unless it declares it itself.
     * Every file gets its own declaration, after its last line so that no line number moves:
     * {@code updateToVersion} recompiles only the files that changed, and a global declared in
     * some other, unchanged file would be unknown to them.
     */
    private static String withAlertsGlobal(String text) {
        if (ALERTS_GLOBAL.matcher(text).find()) {
            return text;
        }
        return text + (text.endsWith("\n") ? "" : "\n") + "global " + Alerts.class.getName() + " " + Alerts.GLOBAL + ";\n";
    }

    private static Diagnostic diagnostic(Message message, Map<String, String> files, Map<String, Generated> generated) {
        var path = message.getPath();
        var file = path == null ? null : path.startsWith(RESOURCES) ? path.substring(RESOURCES.length()) : path;
        int line = Math.max(0, message.getLine());
        int column = Math.max(0, message.getColumn());
        var text = message.getText().trim();
        var m = LINE_COLUMN.matcher(text);
        if (m.find()) {
            // KieBuilder messages report column 0; the text has the real one.
            if (line == 0) {
                line = Integer.parseInt(m.group(1));
            }
            if (column == 0) {
                column = Integer.parseInt(m.group(2)) + 1;
                // Said in the message as the 1-based column of the diagnostic, where the editor marks it.
                text = text.substring(0, m.start(2)) + column + text.substring(m.end(2));
            }
        }
        if (file != null && file.endsWith(RuleLanguageFiles.GENERATED)) {
            var ruleFile = generated.get(file.substring(0, file.length() - RuleLanguageFiles.GENERATED.length()));
            if (ruleFile != null) {
                // The rule language checked names and types, so this is most likely a fault of its own: say so, at the
                // rule file's line that the generated line comes from (a step's where, the rule's own line, ...).
                return Diagnostic.error(ruleFile.file(), ruleFile.sourceLine(line), ruleFile.sourceColumn(line),
                        "the DRL generated for this rule does not compile (line " + line + " of the generated DRL: see it with vigil dsl): "
                                + text);
            }
        }
        if (file != null && !files.containsKey(file)) {
            file = null;
        }
        return Diagnostic.error(file, line, column, text);
    }

    /** A file that failed to parse also gets "Parser returned a null Package", which says nothing more. */
    private static void dropParserEchoes(List<Diagnostic> diagnostics) {
        diagnostics.removeIf(d -> d.message().startsWith("Parser returned a null Package")
                && diagnostics.stream().anyMatch(o -> o != d && Objects.equals(o.file(), d.file())));
    }

    /**
     * A broken last rule makes the parser stumble on the {@code alerts} global added after the
     * author's text as well: an error past the file's end, in text the author did not write, is
     * dropped when the file has another one.
     */
    private static void dropErrorsInTheAddedGlobal(List<Diagnostic> diagnostics, Map<String, String> files) {
        diagnostics.removeIf(d -> {
            var text = d.file() == null ? null : files.get(d.file());
            return text != null && d.line() > text.lines().count()
                    && diagnostics.stream().anyMatch(o -> o != d && d.file().equals(o.file()) && o.line() <= text.lines().count());
        });
    }

    private static Diagnostic thrownByBuild(Throwable e, Map<String, String> files) {
        var reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        if (e instanceof NoClassDefFoundError && e.getMessage() != null) {
            var type = e.getMessage().replace('/', '.');
            for (var entry : files.entrySet()) {
                int at = entry.getValue().indexOf(type);
                if (at >= 0) {
                    return Diagnostic.error(entry.getKey(), lineOf(entry.getValue(), at), columnOf(entry.getValue(), at),
                            "unknown type " + type + ": no such class");
                }
            }
            return Diagnostic.error(null, 0, 0, "unknown type " + type + ": no such class");
        }
        for (var entry : files.entrySet()) {
            Matcher m = EXPIRES.matcher(entry.getValue());
            while (m.find()) {
                if (!VALID_EXPIRES.matcher(m.group(1)).matches()) {
                    return Diagnostic.error(entry.getKey(), lineOf(entry.getValue(), m.start()), columnOf(entry.getValue(), m.start()),
                            "invalid @expires(" + m.group(1) + "): write @expires(30m) or @expires(value = 30m, policy = TIME_SOFT) ("
                                    + reason + ")");
                }
            }
        }
        return Diagnostic.error(null, 0, 0, "the rule set could not be built: " + reason);
    }

    private static RuleInfo ruleInfo(Rule rule, Map<String, String> files, List<Diagnostic> diagnostics) {
        var metadata = rule.getMetaData();
        var severity = Severity.MEDIUM;
        var suppress = Duration.ZERO;
        var severityText = unquote(metadata.get("severity"));
        if (severityText != null) {
            try {
                severity = Severity.parse(severityText);
            } catch (IllegalArgumentException e) {
                diagnostics.add(atRule(rule, files, "rule \"" + rule.getName() + "\": @severity " + e.getMessage()));
            }
        }
        var suppressText = unquote(metadata.get("suppress"));
        if (suppressText != null) {
            try {
                suppress = Durations.parse(suppressText);
            } catch (IllegalArgumentException e) {
                diagnostics.add(atRule(rule, files, "rule \"" + rule.getName() + "\": @suppress " + e.getMessage()));
            }
        }
        return new RuleInfo(rule.getPackageName(), rule.getName(), severity, suppress);
    }

    private static String unquote(Object value) {
        if (value == null) {
            return null;
        }
        var text = value.toString().trim();
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static Diagnostic atRule(Rule rule, Map<String, String> files, String message) {
        var p = Pattern.compile("(?m)^\\s*rule\\s+(\"" + Pattern.quote(rule.getName()) + "\"|" + Pattern.quote(rule.getName()) + "\\b)");
        return locate(p, files, message);
    }

    private static Diagnostic unboundedRetention(EventType type, Map<String, String> files) {
        var message = "events of type " + type.name() + " are never removed from working memory: a rule uses it without a "
                + "time bound (or none uses it), so memory grows with every event. Add @expires(...) to the declaration, "
                + "or match it only over window:time or with temporal operators";
        var p = Pattern.compile("(?m)^\\s*declare\\s+(" + Pattern.quote(type.name()) + "|" + Pattern.quote(type.qualifiedName()) + ")\\b");
        var found = locate(p, files, message);
        return Diagnostic.warning(found.file(), found.line(), message);
    }

    private static Diagnostic locate(Pattern pattern, Map<String, String> files, String message) {
        for (var entry : files.entrySet()) {
            var m = pattern.matcher(entry.getValue());
            if (m.find()) {
                return Diagnostic.error(entry.getKey(), lineOf(entry.getValue(), m.start(1)), columnOf(entry.getValue(), m.start(1)), message);
            }
        }
        return Diagnostic.error(null, 0, 0, message);
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int columnOf(String text, int offset) {
        return offset - text.lastIndexOf('\n', offset - 1);
    }

    private static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
        return diagnostics.stream()
                .sorted(Comparator.comparing((Diagnostic d) -> d.file() == null ? "" : d.file())
                        .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column))
                .toList();
    }
}
